package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Service-account tokens as kube-apiserver issues and checks them: JWTs signed with the control plane's
 * service-account key (ES256 here), carrying the issuer, audiences, expiry, a {@code jti}, the subject
 * {@code system:serviceaccount:NS:NAME} and the private {@code kubernetes.io} claim (namespace, service account, and
 * the Pod, Node or Secret the token is bound to). Any server holding the same key accepts them, so tokens stay valid
 * across an API server's restart as they do across a real control plane's upgrade. A token is that service account's
 * user (groups {@code system:serviceaccounts}, {@code system:serviceaccounts:NS}, {@code system:authenticated}), with
 * the binding in its extra attributes ({@code authentication.kubernetes.io/pod-name}, {@code pod-uid},
 * {@code node-name}, {@code node-uid}, {@code credential-id}). Not done: the lookup that a real server makes of the
 * service account and the bound object (deleting either does not revoke a token here).
 */
final class ServiceAccountTokens {
    /** The issuer, and the audience the API server accepts (a TokenRequest without audiences gets it). */
    static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final String ALGORITHM = "SHA256withECDSAinP1363Format";

    /** What a TokenRequest binds a token to: a Pod (maybe with its node), a Node or a Secret. */
    record Binding(String kind, String name, String uid, Optional<String> podNode, Optional<String> podNodeUid) {
    }

    private final KeyPair key;
    private final String keyId;
    private final Clock clock;

    ServiceAccountTokens(KeyPair key, Clock clock) {
        this.key = key;
        this.clock = clock;
        try {
            this.keyId = B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(key.getPublic().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A signed token for service account {@code namespace/name} (uid {@code uid}). */
    String issue(String namespace, String name, String uid, Optional<Binding> binding, List<String> audiences,
            Instant expires) {
        Instant now = clock.instant();
        ObjectNode claims = Json.object();
        claims.set("aud", Json.array(audiences.isEmpty() ? List.of(ISSUER) : audiences));
        claims.put("exp", expires.getEpochSecond()).put("iat", now.getEpochSecond()).put("iss", ISSUER)
                .put("jti", UUID.randomUUID().toString());
        ObjectNode k8s = claims.putObject("kubernetes.io");
        k8s.put("namespace", namespace);
        binding.ifPresent(b -> {
            switch (b.kind()) {
                case "Pod" -> {
                    b.podNode().ifPresent(node -> k8s.putObject("node").put("name", node)
                            .put("uid", b.podNodeUid().orElse("")));
                    k8s.putObject("pod").put("name", b.name()).put("uid", b.uid());
                }
                case "Node" -> k8s.putObject("node").put("name", b.name()).put("uid", b.uid());
                default -> k8s.putObject("secret").put("name", b.name()).put("uid", b.uid());
            }
        });
        k8s.putObject("serviceaccount").put("name", name).put("uid", uid);
        claims.put("nbf", now.getEpochSecond()).put("sub", UserInfo.serviceAccountName(namespace, name));
        ObjectNode header = Json.object().put("alg", "ES256").put("kid", keyId);
        String signed = part(header) + "." + part(claims);
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key.getPrivate());
            signer.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + B64.encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a service-account token", e);
        }
    }

    /** The user a token names, if this control plane signed it, it is for the API server and it has not expired. */
    Optional<UserInfo> verify(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key.getPublic());
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(B64D.decode(parts[2]))) {
                return Optional.empty();
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
        Optional<JsonNode> parsed = Json.parse(new String(B64D.decode(parts[1]), StandardCharsets.UTF_8));
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        JsonNode claims = parsed.get();
        boolean forUs = Rbac.strings(claims.path("aud")).contains(ISSUER) || claims.path("aud").asText("").equals(ISSUER);
        if (!claims.path("iss").asText().equals(ISSUER) || !forUs
                || clock.instant().getEpochSecond() >= claims.path("exp").asLong(0)) {
            return Optional.empty();
        }
        JsonNode k8s = claims.path("kubernetes.io");
        String namespace = k8s.path("namespace").asText("");
        String name = k8s.path("serviceaccount").path("name").asText("");
        if (namespace.isEmpty() || name.isEmpty()) {
            return Optional.empty();
        }
        Map<String, List<String>> extra = new LinkedHashMap<>();
        if (k8s.path("pod").isObject()) {
            extra.put("authentication.kubernetes.io/pod-name", List.of(k8s.at("/pod/name").asText()));
            extra.put("authentication.kubernetes.io/pod-uid", List.of(k8s.at("/pod/uid").asText()));
        }
        if (k8s.path("node").isObject()) {
            extra.put(UserInfo.NODE_NAME, List.of(k8s.at("/node/name").asText()));
            if (!k8s.at("/node/uid").asText("").isEmpty()) {
                extra.put(UserInfo.NODE_UID, List.of(k8s.at("/node/uid").asText()));
            }
        }
        extra.put(UserInfo.CREDENTIAL_ID, List.of("JTI=" + claims.path("jti").asText()));
        return Optional.of(UserInfo.serviceAccount(namespace, name, k8s.at("/serviceaccount/uid").asText(""), extra));
    }

    private static String part(JsonNode json) {
        return B64.encodeToString(Json.write(json).getBytes(StandardCharsets.UTF_8));
    }
}
