package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.List;
import java.util.Optional;

/**
 * The self reviews, answered truthfully from RBAC: SelfSubjectAccessReview (may I do this?),
 * SelfSubjectRulesReview (what may I do in this namespace?) and SelfSubjectReview (who am I?). The operator asks before
 * leader election (JOSDK checks that it may use Leases); {@code kubectl auth can-i} and {@code kubectl auth whoami}
 * ask too.
 */
final class AccessReviews {
    private static final String AUTHORIZATION = "/apis/authorization.k8s.io/v1/";
    private static final String AUTHENTICATION = "/apis/authentication.k8s.io/v1/";

    private final Rbac rbac;

    AccessReviews(Rbac rbac) {
        this.rbac = rbac;
    }

    /**
     * The answer to a POST of a self review by {@code user}, or empty when {@code path} is not one. The review may be
     * JSON or, as kubectl sends it, protobuf; the answer is JSON.
     */
    Optional<MockResponse> answer(ApiRequest request, UserInfo user) {
        String path = request.path();
        String kind = path.startsWith(AUTHORIZATION) ? path.substring(AUTHORIZATION.length())
                : path.equals(AUTHENTICATION + "selfsubjectreviews") ? "selfsubjectreviews" : "";
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode review = request.header("Content-Type").orElse("").startsWith(ProtobufReviews.CONTENT_TYPE)
                ? ProtobufReviews.read(request.body()).orElseGet(Json::object)
                : Json.parse(request.bodyText()).filter(JsonNode::isObject).map(n -> (ObjectNode) n)
                        .orElseGet(Json::object);
        switch (kind) {
            case "selfsubjectaccessreviews" -> {
                review.put("apiVersion", "authorization.k8s.io/v1").put("kind", "SelfSubjectAccessReview");
                JsonNode resource = review.path("spec").path("resourceAttributes");
                JsonNode nonResource = review.path("spec").path("nonResourceAttributes");
                if (resource.isObject() == nonResource.isObject()) {
                    return Optional.of(Responses.failure(422, "Invalid", "SelfSubjectAccessReview.authorization.k8s.io "
                            + "\"\" is invalid: spec.resourceAttributes: Invalid value: \"null\": exactly one of "
                            + "nonResourceAttributes or resourceAttributes must be specified"));
                }
                RequestAttributes asked = resource.isObject()
                        ? RequestAttributes.resource(user, text(resource, "verb"), text(resource, "group"),
                                text(resource, "version"), text(resource, "resource"), text(resource, "subresource"),
                                text(resource, "namespace"), text(resource, "name"))
                        : RequestAttributes.nonResource(user, text(nonResource, "verb"), text(nonResource, "path"));
                Rbac.Decision decision = rbac.authorize(asked);
                ObjectNode status = review.putObject("status").put("allowed", decision.allowed());
                if (!decision.reason().isEmpty()) {
                    status.put("reason", decision.reason());
                }
            }
            case "selfsubjectrulesreviews" -> {
                review.put("apiVersion", "authorization.k8s.io/v1").put("kind", "SelfSubjectRulesReview");
                String namespace = text(review.path("spec"), "namespace");
                ObjectNode status = review.putObject("status");
                ArrayNode resourceRules = status.putArray("resourceRules");
                ArrayNode nonResourceRules = status.putArray("nonResourceRules");
                for (Rbac.Rule rule : rbac.rules(user, namespace)) {
                    if (!rule.resources().isEmpty()) {
                        ObjectNode r = resourceRules.addObject();
                        r.set("verbs", Json.array(rule.verbs()));
                        r.set("apiGroups", Json.array(rule.apiGroups()));
                        r.set("resources", Json.array(rule.resources()));
                        if (!rule.resourceNames().isEmpty()) {
                            r.set("resourceNames", Json.array(rule.resourceNames()));
                        }
                    }
                    if (!rule.nonResourceUrls().isEmpty()) {
                        ObjectNode r = nonResourceRules.addObject();
                        r.set("verbs", Json.array(rule.verbs()));
                        r.set("nonResourceURLs", Json.array(rule.nonResourceUrls()));
                    }
                }
                List<String> missing = rbac.missing(user, namespace);
                status.put("incomplete", !missing.isEmpty());
                if (!missing.isEmpty()) {
                    status.put("evaluationError", String.join(", ", missing));
                }
            }
            case "selfsubjectreviews" -> {
                review.put("apiVersion", "authentication.k8s.io/v1").put("kind", "SelfSubjectReview");
                ObjectNode info = review.putObject("status").putObject("userInfo");
                info.put("username", user.name());
                if (!user.uid().isEmpty()) {
                    info.put("uid", user.uid());
                }
                info.set("groups", Json.array(user.groups()));
                if (!user.extra().isEmpty()) {
                    ObjectNode extra = info.putObject("extra");
                    user.extra().forEach((k, v) -> extra.set(k, Json.array(v)));
                }
            }
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(Responses.json(201, review));
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).asText("");
    }
}
