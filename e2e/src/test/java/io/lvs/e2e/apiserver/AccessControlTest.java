package io.lvs.e2e.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may do what on the embedded API server, as on a real one: requests are authenticated by bearer token (none is
 * 401), authorized by the RBAC objects stored in it (a refusal is the real 403 Status), the self reviews answer
 * truthfully, TokenRequest binds a node into a service account's token, and ValidatingAdmissionPolicies refuse writes
 * with the real 422.
 */
class AccessControlTest {
    private static final String FRONTENDS = "/apis/e2e.lvs.io/v1alpha1/namespaces/default/frontends";
    private static final ResourceDefinitionContext FRONTEND = new ResourceDefinitionContext.Builder()
            .withGroup("e2e.lvs.io").withVersion("v1alpha1").withKind("Frontend").withPlural("frontends")
            .withNamespaced(true).build();

    private EmbeddedApiServer server;
    private KubernetesClient admin;
    private HttpClient http;
    private Path audit;

    @BeforeEach
    void start() throws IOException {
        audit = Files.createTempFile("audit", ".log");
        server = EmbeddedApiServer.start(EmbeddedApiServer.Options.defaults().withAuditLog(audit));
        admin = server.newClient();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(server.sslContext()).build();
        try (InputStream crd = getClass().getResourceAsStream("/apiserver/crds/frontends.e2e.lvs.io.yaml")) {
            admin.resource(admin.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class)).create();
        }
    }

    @AfterEach
    void stop() throws IOException {
        admin.close();
        server.close();
        Files.deleteIfExists(audit);
    }

    private record Reply(int code, JsonNode body, String text) {
    }

    /** One request; {@code token} empty sends no Authorization header. */
    private Reply send(String token, String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (!body.isEmpty()) {
            request.header("Content-Type", method.equals("PATCH") ? "application/merge-patch+json" : "application/json");
        }
        if (!token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), Json.parse(response.body()).orElse(Json.object()), response.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private Reply asAdmin(String method, String path, String body) {
        Reply r = send(server.adminToken(), method, path, body);
        assertTrue(r.code() / 100 == 2, method + " " + path + " as the administrator: " + r.code() + " " + r.text());
        return r;
    }

    /** Applies objects as the administrator, each a JSON document with its collection path. */
    private void create(String collection, String json) {
        asAdmin("POST", collection, json);
    }

    /** A ServiceAccount in {@code namespace} and a token for it, bound to {@code node} when given. */
    private String serviceAccount(String namespace, String name, Optional<String> node) {
        if (send(server.adminToken(), "GET", "/api/v1/namespaces/" + namespace + "/serviceaccounts/" + name, "")
                .code() == 404) {
            create("/api/v1/namespaces/" + namespace + "/serviceaccounts",
                    "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"" + name + "\"}}");
        }
        String bound = node.map(n -> ",\"boundObjectRef\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"" + n + "\"}")
                .orElse("");
        return asAdmin("POST", "/api/v1/namespaces/" + namespace + "/serviceaccounts/" + name + "/token",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{\"audiences\":[]" + bound
                        + "}}").body().at("/status/token").asText();
    }

    private static String frontend(String name) {
        return "{\"apiVersion\":\"e2e.lvs.io/v1alpha1\",\"kind\":\"Frontend\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"default\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"vip\":\"192.0.2.10\",\"port\":80}}";
    }

    private static String rbac(String kind, String namespace, String name, String rest) {
        return "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"" + name
                + "\"" + (namespace.isEmpty() ? "" : ",\"namespace\":\"" + namespace + "\"") + "}," + rest + "}";
    }

    private static String roleRef(String kind, String name) {
        return "\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"" + kind + "\",\"name\":\"" + name + "\"}";
    }

    private static String serviceAccountSubject(String namespace, String name) {
        return "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"" + name + "\",\"namespace\":\"" + namespace + "\"}]";
    }

    // ---- authentication ----------------------------------------------------------------------

    @Test
    void aRequestWithoutAKnownBearerTokenIsUnauthorizedEvenForTheVersion() {
        String unauthorized = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}";
        for (String path : List.of("/version", "/api", "/healthz", FRONTENDS, FRONTENDS + "?watch=true")) {
            Reply none = send("", "GET", path, "");
            assertEquals(401, none.code(), path);
            assertEquals(unauthorized, none.text(), path);
            assertEquals(401, send("not-a-token", "GET", path, "").code(), path);
        }
        assertEquals(401, send("", "POST", FRONTENDS, frontend("web")).code());
        assertEquals(200, send(server.adminToken(), "GET", "/version", "").code(), "the administrator's token is known");
    }

    // ---- RBAC --------------------------------------------------------------------------------

    @Test
    void aRefusedRequestGetsTheRealServersForbiddenStatus() throws IOException {
        admin.resource(admin.getKubernetesSerialization().unmarshal(
                Files.newInputStream(Path.of("../crds/virtualservices.lvs.io.yaml")), CustomResourceDefinition.class)).create();
        create("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"lvs-system\"}}");
        String operator = serviceAccount("lvs-system", "lvs-operator", Optional.empty());
        create("/apis/rbac.authorization.k8s.io/v1/clusterroles", rbac("ClusterRole", "", "reader",
                "\"rules\":[{\"apiGroups\":[\"lvs.io\"],\"resources\":[\"virtualservices\"],\"verbs\":[\"get\",\"list\",\"watch\"]}]"));
        create("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", rbac("ClusterRoleBinding", "", "reader",
                roleRef("ClusterRole", "reader") + "," + serviceAccountSubject("lvs-system", "lvs-operator")));
        asAdmin("POST", "/apis/lvs.io/v1alpha1/namespaces/default/virtualservices", "{\"apiVersion\":\"lvs.io/v1alpha1\","
                + "\"kind\":\"VirtualService\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"vip\":\"192.0.2.10\","
                + "\"ports\":[{\"port\":80}],\"forwarding\":{\"method\":\"Local\"},"
                + "\"directors\":{\"nodeSelector\":{\"matchLabels\":{\"lvs.io/director\":\"true\"}}}}}");
        String path = "/apis/lvs.io/v1alpha1/namespaces/default/virtualservices/web";
        Reply read = send(operator, "GET", path, "");
        assertEquals(200, read.code(), read.text());

        Reply refused = send(operator, "PUT", path, Json.write(read.body()));
        assertEquals(403, refused.code());
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
                + "\"virtualservices.lvs.io \\\"web\\\" is forbidden: User \\\"system:serviceaccount:lvs-system:lvs-operator\\\" "
                + "cannot update resource \\\"virtualservices\\\" in API group \\\"lvs.io\\\" in the namespace \\\"default\\\"\","
                + "\"reason\":\"Forbidden\",\"details\":{\"name\":\"web\",\"group\":\"lvs.io\",\"kind\":\"virtualservices\"},"
                + "\"code\":403}", refused.text());

        // a collection at the cluster scope, a core resource, a subresource, a path
        assertEquals("virtualservices.lvs.io is forbidden: User \"system:serviceaccount:lvs-system:lvs-operator\" cannot "
                + "deletecollection resource \"virtualservices\" in API group \"lvs.io\" in the namespace \"default\"",
                send(operator, "DELETE", "/apis/lvs.io/v1alpha1/namespaces/default/virtualservices", "").body()
                        .path("message").asText());
        assertEquals("nodes is forbidden: User \"system:serviceaccount:lvs-system:lvs-operator\" cannot list resource "
                + "\"nodes\" in API group \"\" at the cluster scope", send(operator, "GET", "/api/v1/nodes", "").body()
                        .path("message").asText());
        Reply status = send(operator, "PUT", path + "/status", Json.write(read.body()));
        assertEquals("virtualservices.lvs.io \"web\" is forbidden: User \"system:serviceaccount:lvs-system:lvs-operator\" "
                + "cannot update resource \"virtualservices/status\" in API group \"lvs.io\" in the namespace \"default\"",
                status.body().path("message").asText());
        Reply metrics = send(operator, "GET", "/metrics", "");
        assertEquals(403, metrics.code());
        assertEquals("forbidden: User \"system:serviceaccount:lvs-system:lvs-operator\" cannot get path \"/metrics\"",
                metrics.body().path("message").asText());
    }

    @Test
    void rolesGrantTheirVerbsOnTheirResourcesSubresourcesAndNamesInTheirNamespace() {
        asAdmin("POST", FRONTENDS, frontend("web"));
        asAdmin("POST", FRONTENDS, frontend("api"));
        create("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"other\"}}");
        String app = serviceAccount("default", "app", Optional.empty());
        create("/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", rbac("Role", "default", "frontends",
                "\"rules\":[{\"apiGroups\":[\"e2e.lvs.io\"],\"resources\":[\"frontends\"],\"verbs\":[\"get\",\"list\"]},"
                        + "{\"apiGroups\":[\"e2e.lvs.io\"],\"resources\":[\"frontends\"],\"resourceNames\":[\"web\"],"
                        + "\"verbs\":[\"update\",\"patch\",\"watch\"]},"
                        + "{\"apiGroups\":[\"e2e.lvs.io\"],\"resources\":[\"frontends/status\"],\"verbs\":[\"update\"]}]"));
        // a RoleBinding naming a ServiceAccount without a namespace means one in the binding's namespace
        create("/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", rbac("RoleBinding", "default",
                "frontends", roleRef("Role", "frontends") + ",\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"app\"}]"));

        assertEquals(200, send(app, "GET", FRONTENDS + "/web", "").code());
        assertEquals(200, send(app, "GET", FRONTENDS, "").code());
        assertEquals(200, send(app, "PATCH", FRONTENDS + "/web", "{\"spec\":{\"port\":81}}").code(), "named in the rule");
        assertEquals(403, send(app, "PATCH", FRONTENDS + "/api", "{\"spec\":{\"port\":81}}").code(), "not named");
        assertEquals(403, send(app, "POST", FRONTENDS, frontend("new")).code(), "no create");
        assertEquals(403, send(app, "DELETE", FRONTENDS + "/web", "").code(), "no delete");
        JsonNode web = send(app, "GET", FRONTENDS + "/web", "").body();
        assertEquals(200, send(app, "PUT", FRONTENDS + "/web/status", Json.write(web)).code(), "the status subresource");
        assertEquals(403, send(app, "GET", FRONTENDS + "/web/status", "").code(), "a subresource needs its own rule");
        // a watch is authorized as a watch; a watch of one name (fieldSelector) as that name
        assertEquals(403, send(app, "GET", FRONTENDS + "?watch=true&timeoutSeconds=1", "").code());
        assertEquals(200, send(app, "GET", FRONTENDS + "?watch=true&timeoutSeconds=1&fieldSelector=metadata.name%3Dweb", "")
                .code());
        // the Role is in default only
        assertEquals(403, send(app, "GET", "/apis/e2e.lvs.io/v1alpha1/namespaces/other/frontends", "").code());
        assertEquals(403, send(app, "GET", "/apis/e2e.lvs.io/v1alpha1/frontends", "").code(), "nor across namespaces");

        // a ClusterRole bound by a ClusterRoleBinding to a group grants everywhere
        create("/apis/rbac.authorization.k8s.io/v1/clusterroles", rbac("ClusterRole", "", "frontend-reader",
                "\"rules\":[{\"apiGroups\":[\"*\"],\"resources\":[\"frontends\"],\"verbs\":[\"list\"]}]"));
        create("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", rbac("ClusterRoleBinding", "", "frontend-readers",
                roleRef("ClusterRole", "frontend-reader") + ",\"subjects\":[{\"kind\":\"Group\",\"name\":"
                        + "\"system:serviceaccounts:default\",\"apiGroup\":\"rbac.authorization.k8s.io\"}]"));
        assertEquals(200, send(app, "GET", "/apis/e2e.lvs.io/v1alpha1/frontends", "").code(), "read: the group's binding");
        assertEquals(200, send(app, "GET", "/apis/e2e.lvs.io/v1alpha1/namespaces/other/frontends", "").code());

        // a RoleBinding of a ClusterRole grants it in the binding's namespace only
        create("/apis/rbac.authorization.k8s.io/v1/clusterroles", rbac("ClusterRole", "", "frontend-deleter",
                "\"rules\":[{\"apiGroups\":[\"e2e.lvs.io\"],\"resources\":[\"*\"],\"verbs\":[\"delete\"]}]"));
        create("/apis/rbac.authorization.k8s.io/v1/namespaces/other/rolebindings", rbac("RoleBinding", "other",
                "deleters", roleRef("ClusterRole", "frontend-deleter") + "," + serviceAccountSubject("default", "app")));
        assertEquals(403, send(app, "DELETE", FRONTENDS + "/api", "").code());
        assertEquals(404, send(app, "DELETE", "/apis/e2e.lvs.io/v1alpha1/namespaces/other/frontends/none", "").code(),
                "allowed there (and then not found)");

        // a binding of a role that does not exist grants nothing and says so in the refusal
        create("/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", rbac("RoleBinding", "default",
                "dangling", roleRef("Role", "gone") + "," + serviceAccountSubject("default", "app")));
        assertEquals("frontends.e2e.lvs.io \"api\" is forbidden: User \"system:serviceaccount:default:app\" cannot delete "
                + "resource \"frontends\" in API group \"e2e.lvs.io\" in the namespace \"default\": RBAC: "
                + "role.rbac.authorization.k8s.io \"gone\" not found",
                send(app, "DELETE", FRONTENDS + "/api", "").body().path("message").asText());
    }

    @Test
    void watchesOverWebSocketAreAuthorizedToo() {
        String app = serviceAccount("default", "app", Optional.empty());
        try (KubernetesClient client = server.newClient(app)) {
            KubernetesClientException refused = assertThrows(KubernetesClientException.class, () -> client
                    .genericKubernetesResources(FRONTEND).inNamespace("default").watch(new Watcher<>() {
                        @Override
                        public void eventReceived(Action action, GenericKubernetesResource resource) {
                        }

                        @Override
                        public void onClose(WatcherException cause) {
                        }
                    }));
            assertEquals(403, refused.getCode(), refused.toString());
        }
    }

    @Test
    void discoveryOpenApiVersionAndHealthAreOpenToEveryAuthenticatedUser() {
        String nobody = serviceAccount("default", "nobody", Optional.empty());
        for (String path : List.of("/version", "/api", "/api/v1", "/apis", "/apis/e2e.lvs.io/v1alpha1", "/openapi/v3",
                "/openapi/v3/apis/e2e.lvs.io/v1alpha1", "/healthz", "/livez", "/readyz")) {
            assertEquals(200, send(nobody, "GET", path, "").code(), path);
        }
        assertEquals(403, send(nobody, "GET", FRONTENDS, "").code(), "but no object");
        String roles = Json.write(asAdmin("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles", "").body());
        for (String bootstrap : List.of("cluster-admin", "system:discovery", "system:public-info-viewer",
                "system:basic-user")) {
            assertTrue(roles.contains("\"name\":\"" + bootstrap + "\""), bootstrap + " is stored like on a real server");
        }
    }

    // ---- self reviews ------------------------------------------------------------------------

    @Test
    void selfReviewsAnswerWhatRbacAllows() {
        String app = serviceAccount("default", "app", Optional.empty());
        create("/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", rbac("Role", "default", "leases",
                "\"rules\":[{\"apiGroups\":[\"coordination.k8s.io\"],\"resources\":[\"leases\"],\"verbs\":[\"get\",\"create\"]}]"));
        create("/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", rbac("RoleBinding", "default",
                "leases", roleRef("Role", "leases") + "," + serviceAccountSubject("default", "app")));
        String review = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
        Reply allowed = send(app, "POST", review, "{\"spec\":{\"resourceAttributes\":{\"namespace\":\"default\","
                + "\"verb\":\"create\",\"group\":\"coordination.k8s.io\",\"resource\":\"leases\"}}}");
        assertEquals(201, allowed.code(), allowed.text());
        assertTrue(allowed.body().at("/status/allowed").asBoolean());
        assertEquals("RBAC: allowed by RoleBinding \"leases/default\" of Role \"leases\" to ServiceAccount \"app/default\"",
                allowed.body().at("/status/reason").asText());
        Reply denied = send(app, "POST", review, "{\"spec\":{\"resourceAttributes\":{\"namespace\":\"default\","
                + "\"verb\":\"update\",\"group\":\"coordination.k8s.io\",\"resource\":\"leases\"}}}");
        assertFalse(denied.body().at("/status/allowed").asBoolean());
        assertFalse(send(app, "POST", review, "{\"spec\":{\"resourceAttributes\":{\"namespace\":\"other\","
                + "\"verb\":\"get\",\"group\":\"coordination.k8s.io\",\"resource\":\"leases\"}}}").body()
                .at("/status/allowed").asBoolean(), "in another namespace");
        assertTrue(send(app, "POST", review, "{\"spec\":{\"nonResourceAttributes\":{\"path\":\"/version\",\"verb\":\"get\"}}}")
                .body().at("/status/allowed").asBoolean());
        assertTrue(send(server.adminToken(), "POST", review, "{\"spec\":{\"resourceAttributes\":{\"verb\":\"delete\","
                + "\"resource\":\"nodes\"}}}").body().at("/status/allowed").asBoolean(), "system:masters");

        JsonNode rules = send(app, "POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
                "{\"spec\":{\"namespace\":\"default\"}}").body().path("status");
        assertTrue(Json.write(rules.path("resourceRules")).contains("{\"verbs\":[\"get\",\"create\"],\"apiGroups\":"
                + "[\"coordination.k8s.io\"],\"resources\":[\"leases\"]}"), Json.write(rules));
        assertTrue(Json.write(rules.path("nonResourceRules")).contains("/version"), Json.write(rules));
        assertFalse(rules.path("incomplete").asBoolean());

        JsonNode whoami = send(app, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", "{}").body();
        assertEquals("system:serviceaccount:default:app", whoami.at("/status/userInfo/username").asText());
        assertEquals("[\"system:serviceaccounts\",\"system:serviceaccounts:default\",\"system:authenticated\"]",
                Json.write(whoami.at("/status/userInfo/groups")));
    }

    @Test
    void kubectlAuthCanIAsksInProtobufAndGetsTheTruth() throws IOException {
        Kubectl kubectl = RealKubectl.against(server);
        String app = serviceAccount("default", "app", Optional.empty());
        create("/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", rbac("Role", "default", "pods",
                "\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"list\"]}]"));
        create("/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", rbac("RoleBinding", "default",
                "pods", roleRef("Role", "pods") + "," + serviceAccountSubject("default", "app")));
        Path kubeconfig = Kubeconfig.withToken(server.kubeconfig(), app, Files.createTempFile("kubeconfig-app", ""));
        Kubectl asApp = kubectl.as(kubeconfig);
        assertEquals("yes", asApp.run("auth", "can-i", "list", "pods").stdout().strip());
        assertEquals("no", asApp.run("auth", "can-i", "delete", "pods").stdout().strip());
        assertEquals("no", asApp.run("auth", "can-i", "list", "pods", "-n", "kube-system").stdout().strip());
        assertTrue(asApp.run("auth", "can-i", "--list").orFail().stdout().contains("pods"));
        assertTrue(asApp.run("auth", "whoami").orFail().stdout().contains("system:serviceaccount:default:app"));
        assertEquals("yes", kubectl.run("auth", "can-i", "*", "*").stdout().strip(), "the administrator");
        Files.delete(kubeconfig);
    }

    // ---- TokenRequest ------------------------------------------------------------------------

    @Test
    void aTokenBoundToANodeCarriesTheNodeInItsUsersExtra() {
        create("/api/v1/nodes", "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"node-a\"}}");
        String agent = serviceAccount("default", "agent", Optional.of("node-a"));
        JsonNode user = send(agent, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", "{}").body()
                .at("/status/userInfo");
        assertEquals("system:serviceaccount:default:agent", user.path("username").asText());
        assertEquals("[\"node-a\"]", Json.write(user.at("/extra/authentication.kubernetes.io~1node-name")));
        String nodeUid = asAdmin("GET", "/api/v1/nodes/node-a", "").body().at("/metadata/uid").asText();
        assertEquals("[\"" + nodeUid + "\"]", Json.write(user.at("/extra/authentication.kubernetes.io~1node-uid")));
        assertTrue(user.at("/extra/authentication.kubernetes.io~1credential-id/0").asText().startsWith("JTI="));

        String path = "/api/v1/namespaces/default/serviceaccounts/agent/token";
        Reply noNode = send(server.adminToken(), "POST", path, "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Node\","
                + "\"apiVersion\":\"v1\",\"name\":\"node-z\"}}}");
        assertEquals(404, noNode.code(), noNode.text());
        assertEquals(404, send(server.adminToken(), "POST", "/api/v1/namespaces/default/serviceaccounts/nobody/token",
                "{\"spec\":{}}").code(), "no such ServiceAccount");
        Reply own = send(agent, "POST", path, "{\"spec\":{}}");
        assertEquals(403, own.code(), "minting tokens needs create on serviceaccounts/token");
        assertTrue(own.body().path("message").asText().contains("cannot create resource \"serviceaccounts/token\""),
                own.text());
    }

    @Test
    void tokensExpireServeOnlyTheApiServersAudienceAndOutliveARestartWithTheSameKeys() throws Exception {
        create("/api/v1/nodes", "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"node-a\"}}");
        String agent = serviceAccount("default", "agent", Optional.of("node-a"));
        String path = "/api/v1/namespaces/default/serviceaccounts/agent/token";
        String elsewhere = asAdmin("POST", path, "{\"spec\":{\"audiences\":[\"https://vault.example\"]}}").body()
                .at("/status/token").asText();
        assertEquals(401, send(elsewhere, "GET", "/version", "").code(), "a token for another audience");
        String brief = asAdmin("POST", path, "{\"spec\":{\"expirationSeconds\":1}}").body().at("/status/token").asText();
        Instant deadline = Instant.now().plusSeconds(30);
        while (send(brief, "GET", "/version", "").code() != 401) {
            assertTrue(Instant.now().isBefore(deadline), "a token past its expiry is still accepted");
            Thread.sleep(100);
        }

        // the API server restarted with an empty store and the keys its control plane keeps on disk
        int port = server.port();
        ServerKeys keys = server.keys();
        admin.close();
        server.close();
        server = EmbeddedApiServer.start(EmbeddedApiServer.Options.defaults().withPort(port).withKeys(keys)
                .withAuditLog(audit));
        admin = server.newClient();
        assertEquals(200, send(server.adminToken(), "GET", "/version", "").code(),
                "the same certificate (this client trusts the first one's) and administrator");
        JsonNode user = send(agent, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", "{}").body()
                .at("/status/userInfo");
        assertEquals("system:serviceaccount:default:agent", user.path("username").asText());
        assertEquals("[\"node-a\"]", Json.write(user.at("/extra/authentication.kubernetes.io~1node-name")),
                "a token the first server issued, with its binding");
        assertEquals(List.of(), admin.genericKubernetesResources("v1", "ServiceAccount").inNamespace("default").list()
                .getItems(), "the store is empty");

        try (EmbeddedApiServer other = EmbeddedApiServer.start();
                HttpClient trusting = HttpClient.newBuilder().sslContext(other.sslContext()).build()) {
            HttpResponse<String> refused = trusting.send(HttpRequest.newBuilder(URI.create(other.url() + "/version"))
                    .header("Authorization", "Bearer " + agent).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode(), "another control plane's key did not sign it");
        }
    }

    // ---- ValidatingAdmissionPolicy -----------------------------------------------------------

    private void policy(String name, String spec) {
        create("/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies",
                "{\"apiVersion\":\"admissionregistration.k8s.io/v1\",\"kind\":\"ValidatingAdmissionPolicy\","
                        + "\"metadata\":{\"name\":\"" + name + "\"},\"spec\":" + spec + "}");
    }

    private void binding(String name, String policy, String more) {
        create("/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings",
                "{\"apiVersion\":\"admissionregistration.k8s.io/v1\",\"kind\":\"ValidatingAdmissionPolicyBinding\","
                        + "\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"policyName\":\"" + policy + "\"" + more + "}}");
    }

    private static final String FRONTEND_WRITES = "\"matchConstraints\":{\"resourceRules\":[{\"apiGroups\":[\"e2e.lvs.io\"],"
            + "\"apiVersions\":[\"*\"],\"operations\":[\"CREATE\",\"UPDATE\",\"DELETE\"],\"resources\":[\"frontends\"]}]}";

    @Test
    void aValidatingAdmissionPolicyRefusesWritesWithTheRealServersAnswer() {
        policy("port-80", "{" + FRONTEND_WRITES + ",\"validations\":[{\"expression\":\"object.spec.port == 80\","
                + "\"message\":\"frontends listen on port 80\"}]}");
        binding("port-80-everywhere", "port-80", ",\"validationActions\":[\"Deny\"]");
        asAdmin("POST", FRONTENDS, frontend("web"));
        Reply refused = send(server.adminToken(), "PATCH", FRONTENDS + "/web", "{\"spec\":{\"port\":81}}");
        assertEquals(422, refused.code());
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
                + "\"frontends.e2e.lvs.io \\\"web\\\" is forbidden: ValidatingAdmissionPolicy 'port-80' with binding "
                + "'port-80-everywhere' denied request: frontends listen on port 80\",\"reason\":\"Invalid\",\"details\":"
                + "{\"name\":\"web\",\"group\":\"e2e.lvs.io\",\"kind\":\"frontends\",\"causes\":[{\"message\":"
                + "\"ValidatingAdmissionPolicy 'port-80' with binding 'port-80-everywhere' denied request: frontends listen "
                + "on port 80\"}]},\"code\":422}", refused.text());
        assertEquals(80, asAdmin("GET", FRONTENDS + "/web", "").body().at("/spec/port").asInt(), "nothing was written");
        JsonNode web = asAdmin("GET", FRONTENDS + "/web", "").body();
        ((com.fasterxml.jackson.databind.node.ObjectNode) web.path("spec")).put("port", 8080);
        assertEquals(422, send(server.adminToken(), "PUT", FRONTENDS + "/web", Json.write(web)).code(), "an update too");
        assertEquals(422, send(server.adminToken(), "POST", FRONTENDS, frontend("bad").replace("80}", "82}")).code());
        // the status subresource is not matched by "frontends" alone
        assertEquals(200, send(server.adminToken(), "PUT", FRONTENDS + "/web/status", Json.write(web)).code());
    }

    @Test
    void matchConditionsVariablesMessagesReasonsAndFailurePoliciesBehaveAsOnARealServer() {
        create("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"other\"}}");
        String app = serviceAccount("default", "app", Optional.empty());
        create("/apis/rbac.authorization.k8s.io/v1/clusterroles", rbac("ClusterRole", "", "frontends",
                "\"rules\":[{\"apiGroups\":[\"e2e.lvs.io\"],\"resources\":[\"frontends\"],\"verbs\":[\"*\"]}]"));
        create("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", rbac("ClusterRoleBinding", "", "frontends",
                roleRef("ClusterRole", "frontends") + "," + serviceAccountSubject("default", "app")));
        // only the app's writes; the deleted object is oldObject; messageExpression and reason
        policy("keep-web", "{" + FRONTEND_WRITES + ",\"matchConditions\":[{\"name\":\"app-only\",\"expression\":"
                + "\"request.userInfo.username == 'system:serviceaccount:default:app'\"}],"
                + "\"variables\":[{\"name\":\"written\",\"expression\":\"request.operation == 'DELETE' ? oldObject : object\"}],"
                + "\"validations\":[{\"expression\":\"variables.written.metadata.name != 'web'\",\"reason\":\"Forbidden\","
                + "\"messageExpression\":\"'the app may not ' + request.operation.lowerAscii() + ' ' + variables.written.metadata.name\"}]}");
        binding("keep-web", "keep-web", ",\"validationActions\":[\"Deny\"]");
        assertEquals(201, send(server.adminToken(), "POST", FRONTENDS, frontend("web")).code(), "not the app: not matched");
        Reply delete = send(app, "DELETE", FRONTENDS + "/web", "");
        assertEquals(403, delete.code(), "reason Forbidden answers 403");
        assertEquals("Forbidden", delete.body().path("reason").asText());
        assertTrue(delete.body().path("message").asText().endsWith("denied request: the app may not delete web"),
                delete.text());
        assertEquals(201, send(app, "POST", FRONTENDS, frontend("api")).code());

        // an expression that fails: Fail denies saying why, Ignore admits
        policy("broken", "{" + FRONTEND_WRITES + ",\"failurePolicy\":\"Fail\",\"validations\":[{\"expression\":"
                + "\"object.spec.nothing == 1\"}]}");
        binding("broken", "broken", ",\"validationActions\":[\"Deny\"],\"matchResources\":{\"resourceRules\":[{"
                + "\"apiGroups\":[\"*\"],\"apiVersions\":[\"*\"],\"operations\":[\"CREATE\"],\"resources\":[\"*\"]}]}");
        Reply failed = send(app, "POST", FRONTENDS, frontend("x"));
        assertEquals(422, failed.code());
        assertTrue(failed.body().path("message").asText().contains("denied request: expression 'object.spec.nothing == 1' "
                + "resulted in error: "), failed.text());
        asAdmin("DELETE", "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/broken", "");
        policy("broken-ignored", "{" + FRONTEND_WRITES + ",\"failurePolicy\":\"Ignore\",\"validations\":[{\"expression\":"
                + "\"object.spec.nothing == 1\"}]}");
        binding("broken-ignored", "broken-ignored", ",\"validationActions\":[\"Deny\"]");
        assertEquals(201, send(app, "POST", FRONTENDS, frontend("y")).code());

        // the binding's own matchResources narrows the policy: a namespace selector
        policy("no-writes", "{" + FRONTEND_WRITES + ",\"validations\":[{\"expression\":\"false\"}]}");
        binding("no-writes-in-other", "no-writes", ",\"validationActions\":[\"Deny\"],\"matchResources\":{"
                + "\"namespaceSelector\":{\"matchLabels\":{\"kubernetes.io/metadata.name\":\"other\"}}}");
        assertEquals(201, send(app, "POST", FRONTENDS, frontend("z")).code(), "default has no such label");
        asAdmin("PATCH", "/api/v1/namespaces/default", "{\"metadata\":{\"labels\":{\"kubernetes.io/metadata.name\":\"other\"}}}");
        Reply none = send(app, "POST", FRONTENDS, frontend("w"));
        assertEquals(422, none.code());
        assertTrue(none.body().path("message").asText().endsWith("denied request: failed expression: false"), none.text());
        // Warn and Audit do not refuse
        asAdmin("DELETE", "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/no-writes-in-other", "");
        binding("no-writes-warned", "no-writes", ",\"validationActions\":[\"Warn\",\"Audit\"]");
        assertEquals(201, send(app, "POST", FRONTENDS, frontend("v")).code());
    }

    // ---- audit -------------------------------------------------------------------------------

    @Test
    void theAuditLogRecordsEachRequestWithItsUserAndTheDecision() throws IOException {
        String app = serviceAccount("default", "app", Optional.empty());
        send(app, "GET", FRONTENDS + "/web", "");
        send("", "GET", "/version", "");
        List<JsonNode> events = Files.readAllLines(audit).stream().map(l -> Json.parse(l).orElseThrow()).toList();
        JsonNode refused = events.stream().filter(e -> e.path("requestURI").asText().equals(FRONTENDS + "/web"))
                .findFirst().orElseThrow();
        assertEquals("audit.k8s.io/v1", refused.path("apiVersion").asText());
        assertEquals("Event", refused.path("kind").asText());
        assertEquals("get", refused.path("verb").asText());
        assertEquals("system:serviceaccount:default:app", refused.at("/user/username").asText());
        assertEquals("{\"resource\":\"frontends\",\"namespace\":\"default\",\"name\":\"web\",\"apiGroup\":\"e2e.lvs.io\","
                + "\"apiVersion\":\"v1alpha1\"}", Json.write(refused.path("objectRef")));
        assertEquals(403, refused.at("/responseStatus/code").asInt());
        assertEquals("forbid", refused.at("/annotations/authorization.k8s.io~1decision").asText());
        JsonNode anonymous = events.stream().filter(e -> e.path("requestURI").asText().equals("/version")
                && e.at("/responseStatus/code").asInt() == 401).findFirst().orElseThrow();
        assertTrue(anonymous.path("user").isEmpty(), "an unauthenticated request has no user");
        assertTrue(events.stream().anyMatch(e -> e.at("/annotations/authorization.k8s.io~1decision").asText().equals("allow")
                && e.at("/user/username").asText().equals("kubernetes-admin")));
    }
}
