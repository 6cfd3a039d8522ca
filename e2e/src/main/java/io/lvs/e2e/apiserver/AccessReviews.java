package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.List;
import java.util.Optional;

/**
 * Answers for the authorization.k8s.io self-reviews. The embedded API server has no RBAC, so every caller may do
 * everything, and these answers say exactly that. The operator asks before leader election (JOSDK checks that it may
 * use Leases), and {@code kubectl auth can-i} asks too.
 */
final class AccessReviews {
    private static final String PREFIX = "/apis/authorization.k8s.io/v1/";

    private AccessReviews() {
    }

    /** The answer to a POST of a self-review, or empty when {@code path} is not one. */
    static Optional<MockResponse> answer(String path, String body) {
        if (!path.startsWith(PREFIX)) {
            return Optional.empty();
        }
        ObjectNode review = Json.parse(body).filter(JsonNode::isObject).map(n -> (ObjectNode) n).orElseGet(Json::object);
        switch (path.substring(PREFIX.length())) {
            case "selfsubjectrulesreviews" -> {
                review.put("apiVersion", "authorization.k8s.io/v1").put("kind", "SelfSubjectRulesReview");
                ObjectNode status = review.putObject("status");
                ObjectNode rule = status.putArray("resourceRules").addObject();
                rule.set("verbs", Json.array(List.of("*")));
                rule.set("apiGroups", Json.array(List.of("*")));
                rule.set("resources", Json.array(List.of("*")));
                ObjectNode nonResource = status.putArray("nonResourceRules").addObject();
                nonResource.set("verbs", Json.array(List.of("*")));
                nonResource.set("nonResourceURLs", Json.array(List.of("*")));
                status.put("incomplete", false);
            }
            case "selfsubjectaccessreviews" -> {
                review.put("apiVersion", "authorization.k8s.io/v1").put("kind", "SelfSubjectAccessReview");
                review.putObject("status").put("allowed", true)
                        .put("reason", "the embedded API server has no RBAC: everything is allowed");
            }
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(Responses.json(201, review));
    }
}
