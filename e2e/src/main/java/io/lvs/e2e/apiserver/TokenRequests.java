package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TokenRequest ({@code POST /api/v1/namespaces/NS/serviceaccounts/NAME/token}), as the kubelet asks for a pod's
 * projected token: a token for the service account, bound to a Pod or a Node when {@code spec.boundObjectRef} names
 * one, whose user carries the binding in its extra attributes as kube-apiserver's service-account authenticator gives
 * them ({@code authentication.kubernetes.io/pod-name}, {@code pod-uid}, {@code node-name}, {@code node-uid} — a pod's
 * node too — and {@code credential-id}). The service account and the bound object must exist. Tokens are signed JWTs
 * ({@link ServiceAccountTokens}): they expire when the request says (an hour by default) and stay valid across a
 * restart of a server with the same keys; deleting the bound object does not revoke them.
 */
final class TokenRequests {
    private static final Pattern PATH = Pattern.compile("^/api/v1/namespaces/([^/]+)/serviceaccounts/([^/]+)/token$");

    private final ServiceAccountTokens tokens;
    private final Function<String, Optional<JsonNode>> get;
    private final Clock clock;

    /** @param get a stored object by its path */
    TokenRequests(ServiceAccountTokens tokens, Function<String, Optional<JsonNode>> get, Clock clock) {
        this.tokens = tokens;
        this.get = get;
        this.clock = clock;
    }

    /** The answer to a POST on {@code path}, or empty when it is not a TokenRequest. */
    Optional<MockResponse> answer(String path, String body) {
        Matcher m = PATH.matcher(path);
        if (!m.matches()) {
            return Optional.empty();
        }
        String namespace = m.group(1);
        String name = m.group(2);
        Optional<JsonNode> account = get.apply("/api/v1/namespaces/" + namespace + "/serviceaccounts/" + name);
        if (account.isEmpty()) {
            return Optional.of(Responses.failure(404, "NotFound", "serviceaccounts \"" + name + "\" not found",
                    Optional.empty(), Optional.of(name)));
        }
        ObjectNode request = Json.parse(body).filter(JsonNode::isObject).map(n -> (ObjectNode) n.deepCopy())
                .orElseGet(Json::object);
        ObjectNode spec = request.path("spec").isObject() ? (ObjectNode) request.get("spec") : request.putObject("spec");
        Optional<ServiceAccountTokens.Binding> binding = Optional.empty();
        JsonNode ref = spec.path("boundObjectRef");
        if (ref.isObject()) {
            String kind = ref.path("kind").asText();
            String refName = ref.path("name").asText();
            String objectPath = switch (kind) {
                case "Pod" -> "/api/v1/namespaces/" + namespace + "/pods/" + refName;
                case "Node" -> "/api/v1/nodes/" + refName;
                case "Secret" -> "/api/v1/namespaces/" + namespace + "/secrets/" + refName;
                default -> "";
            };
            if (objectPath.isEmpty()) {
                return Optional.of(Responses.badRequest("cannot bind token for serviceaccount \"" + name
                        + "\" to object of kind \"" + kind + "\""));
            }
            Optional<JsonNode> bound = get.apply(objectPath);
            String plural = kind.toLowerCase(java.util.Locale.ROOT) + "s";
            if (bound.isEmpty()) {
                return Optional.of(Responses.failure(404, "NotFound", plural + " \"" + refName + "\" not found",
                        Optional.empty(), Optional.of(refName)));
            }
            String uid = uid(bound.get());
            if (!ref.path("uid").asText("").isEmpty() && !ref.path("uid").asText().equals(uid)) {
                return Optional.of(Responses.failure(409, "Conflict", "the UID in the bound object reference ("
                        + ref.path("uid").asText() + ") does not match the UID in record. The object might have been "
                        + "deleted and then recreated"));
            }
            Optional<String> podNode = Optional.empty();
            Optional<String> podNodeUid = Optional.empty();
            if (kind.equals("Pod")) {
                podNode = Optional.of(bound.get().path("spec").path("nodeName").asText("")).filter(n -> !n.isEmpty());
                podNodeUid = podNode.flatMap(n -> get.apply("/api/v1/nodes/" + n)).map(TokenRequests::uid);
            }
            binding = Optional.of(new ServiceAccountTokens.Binding(kind, refName, uid, podNode, podNodeUid));
        }
        long seconds = spec.path("expirationSeconds").asLong(3600);
        spec.put("expirationSeconds", seconds);
        if (!spec.path("audiences").isArray() || spec.path("audiences").isEmpty()) {
            spec.set("audiences", Json.array(List.of(ServiceAccountTokens.ISSUER)));
        }
        Instant expires = clock.instant().plusSeconds(seconds).truncatedTo(ChronoUnit.SECONDS);
        String token = tokens.issue(namespace, name, uid(account.get()), binding, Rbac.strings(spec.path("audiences")),
                expires);
        request.put("kind", "TokenRequest").put("apiVersion", "authentication.k8s.io/v1");
        ObjectNode metadata = request.putObject("metadata");
        metadata.put("name", name).put("namespace", namespace)
                .put("creationTimestamp", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        request.putObject("status").put("token", token).put("expirationTimestamp", expires.toString());
        return Optional.of(Responses.json(201, request));
    }

    private static String uid(JsonNode object) {
        return object.path("metadata").path("uid").asText("");
    }
}
