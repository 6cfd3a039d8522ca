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
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded API server over plain HTTP and through a Fabric8 client, without kubectl: what it
 * adds to the mock store and what it corrects.
 */
class EmbeddedApiServerTest {

    private static final String FRONTENDS = "/apis/e2e.lvs.io/v1alpha1/namespaces/default/frontends";
    private static final ResourceDefinitionContext FRONTEND = new ResourceDefinitionContext.Builder()
            .withGroup("e2e.lvs.io").withVersion("v1alpha1").withKind("Frontend").withPlural("frontends")
            .withNamespaced(true).build();

    private EmbeddedApiServer server;
    private KubernetesClient client;
    private HttpClient http;

    @BeforeEach
    void startServer() {
        server = EmbeddedApiServer.start();
        client = server.newClient();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(server.sslContext()).build();
    }

    @AfterEach
    void stopServer() {
        client.close();
        server.close();
    }

    // ---- a tiny HTTP client --------------------------------------------------------------------

    private record Reply(int code, String contentType, JsonNode body) {}

    private Reply send(String method, String path, String contentType, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (!contentType.isEmpty()) {
            request.header("Content-Type", contentType);
        }
        request.header("Authorization", "Bearer " + server.adminToken()); // as the administrator
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    Json.parse(response.body()).orElse(Json.object()));
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private Reply get(String path) {
        return send("GET", path, "", "", Map.of());
    }

    /** This test's server replaced by one started with {@code options} and its keys (its clients carry on). */
    private void restartWith(EmbeddedApiServer.Options options) {
        ServerKeys keys = server.keys();
        client.close();
        server.close();
        server = EmbeddedApiServer.start(options.withKeys(keys));
        client = server.newClient();
    }

    /** A request to {@code uri} as the administrator. */
    private HttpRequest.Builder adminRequest(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + server.adminToken());
    }

    private Reply post(String path, String body) {
        return send("POST", path, "application/json", body, Map.of());
    }

    private Reply patch(String path, String contentType, String body) {
        return send("PATCH", path, contentType, body, Map.of());
    }

    private void createFrontendCrd() {
        client.resource(client.getKubernetesSerialization().unmarshal(
                getClass().getResourceAsStream("/apiserver/crds/frontends.e2e.lvs.io.yaml"),
                CustomResourceDefinition.class)).create();
    }

    private static String frontend(String name, String vip, String labels) {
        return """
                {"apiVersion": "e2e.lvs.io/v1alpha1", "kind": "Frontend",
                 "metadata": {"name": "%s", "namespace": "default", "labels": {%s}},
                 "spec": {"vip": "%s", "port": 80, "backends": ["a", "b"]}}
                """.formatted(name, labels, vip);
    }

    // ---- discovery ---------------------------------------------------------------------------

    @Test
    void aCrdIsDiscoverableWithItsNamesAndCategoriesFromCreationToDeletion() {
        assertFalse(get("/apis").body().toString().contains("e2e.lvs.io"));
        assertEquals(404, get("/apis/e2e.lvs.io/v1alpha1").code());

        createFrontendCrd();

        JsonNode groups = get("/apis").body().path("groups");
        JsonNode group = null;
        for (JsonNode candidate : groups) {
            if (candidate.path("name").asText().equals("e2e.lvs.io")) {
                group = candidate;
            }
        }
        assertTrue(group != null, "e2e.lvs.io in " + groups);
        assertEquals("e2e.lvs.io/v1alpha1", group.path("preferredVersion").path("groupVersion").asText());
        JsonNode resources = get("/apis/e2e.lvs.io/v1alpha1").body().path("resources");
        assertEquals("frontends", resources.get(0).path("name").asText());
        assertEquals("Frontend", resources.get(0).path("kind").asText());
        assertEquals("frontend", resources.get(0).path("singularName").asText());
        assertTrue(resources.get(0).path("namespaced").asBoolean());
        assertEquals("[\"fe\",\"fes\"]", resources.get(0).path("shortNames").toString());
        assertEquals("[\"lvs\"]", resources.get(0).path("categories").toString());
        assertTrue(resources.get(0).path("verbs").toString().contains("watch"));
        assertEquals("frontends/status", resources.get(1).path("name").asText());

        client.apiextensions().v1().customResourceDefinitions().withName("frontends.e2e.lvs.io").delete();
        assertEquals(404, get("/apis/e2e.lvs.io/v1alpha1").code());
    }

    @Test
    void customResourcesGetTheirCrdsDefaultsOnCreateUpdateAndPatch() {
        createFrontendCrd();
        assertEquals(201, post(FRONTENDS, frontend("plain", "192.0.2.1", "")).code());
        assertEquals("wlc", get(FRONTENDS + "/plain").body().at("/spec/scheduler").asText(), "defaulted on create");
        Reply patched = patch(FRONTENDS + "/plain", "application/merge-patch+json", "{\"spec\": {\"scheduler\": null}}");
        assertEquals(200, patched.code());
        assertEquals("wlc", patched.body().at("/spec/scheduler").asText(), "a removed defaulted field comes back");
        assertEquals("wlc", get(FRONTENDS + "/plain").body().at("/spec/scheduler").asText());
        Reply set = patch(FRONTENDS + "/plain", "application/merge-patch+json", "{\"spec\": {\"scheduler\": \"rr\"}}");
        assertEquals("rr", set.body().at("/spec/scheduler").asText(), "a value given is kept");
    }

    @Test
    void builtInTypesTheProjectUsesAreListed() {
        assertEquals("v1", get("/api").body().path("versions").get(0).asText());
        assertEquals("1", get("/version").body().path("major").asText());
        String core = get("/api/v1").body().toString();
        for (String plural : List.of("namespaces", "nodes", "pods", "services", "configmaps", "secrets",
                "serviceaccounts", "events")) {
            assertTrue(core.contains("\"name\":\"" + plural + "\""), plural + " in " + core);
        }
        assertTrue(get("/apis/apps/v1").body().toString().contains("\"daemonsets\""));
        assertTrue(get("/apis/coordination.k8s.io/v1").body().toString().contains("\"leases\""));
        assertTrue(get("/apis/events.k8s.io/v1").body().toString().contains("\"events\""));
        assertTrue(get("/apis/rbac.authorization.k8s.io/v1").body().toString().contains("\"clusterrolebindings\""));
        assertTrue(get("/apis/apiextensions.k8s.io/v1").body().toString().contains("\"crds\""));
        assertEquals("default", get("/api/v1/namespaces/default").body().path("metadata").path("name").asText());
    }

    @Test
    void aCreatedCrdBecomesEstablished() {
        createFrontendCrd();
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
                .withName("frontends.e2e.lvs.io").get();
        assertTrue(crd.getStatus().getConditions().stream()
                .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True")));
        assertEquals("FrontendList", crd.getStatus().getAcceptedNames().getListKind());
        assertEquals(List.of("v1alpha1"), crd.getStatus().getStoredVersions());
    }

    // ---- reads and writes --------------------------------------------------------------------

    @Test
    void customResourcesNeedTheirCrd() {
        Reply rejected = post(FRONTENDS, frontend("web", "192.0.2.10", ""));
        assertEquals(404, rejected.code());
        assertEquals("NotFound", rejected.body().path("reason").asText());

        createFrontendCrd();
        assertEquals(201, post(FRONTENDS, frontend("web", "192.0.2.10", "")).code());
    }

    @Test
    void listsAreTypedAndSortedByName() {
        createFrontendCrd();
        post(FRONTENDS, frontend("web-b", "192.0.2.11", ""));
        post(FRONTENDS, frontend("web-a", "192.0.2.10", ""));
        patch(FRONTENDS + "/web-a", "application/merge-patch+json", "{\"spec\":{\"port\":81}}");

        JsonNode list = get(FRONTENDS).body();
        assertEquals("FrontendList", list.path("kind").asText());
        assertEquals("e2e.lvs.io/v1alpha1", list.path("apiVersion").asText());
        assertEquals(List.of("web-a", "web-b"), names(list));
    }

    @Test
    void fieldSelectorsOnCustomResourcesTakeOnlyNameNamespaceAndSelectableFields() {
        createFrontendCrd(); // declares selectableFields: [.spec.vip]
        post(FRONTENDS, frontend("web-a", "192.0.2.10", ""));
        post(FRONTENDS, frontend("web-b", "192.0.2.11", ""));
        assertEquals(List.of("web-a"), names(get(FRONTENDS + "?fieldSelector=metadata.name%3Dweb-a").body()));
        assertEquals(List.of("web-b"), names(get(FRONTENDS + "?fieldSelector=spec.vip%3D192.0.2.11").body()));
        assertEquals(List.of("web-a", "web-b"), names(get(FRONTENDS + "?fieldSelector=metadata.namespace%3Ddefault")
                .body()));
        Reply refused = get(FRONTENDS + "?fieldSelector=spec.port%3D80");
        assertEquals(400, refused.code());
        assertEquals("BadRequest", refused.body().path("reason").asText());
        assertEquals("field label not supported: spec.port", refused.body().path("message").asText());
        assertEquals(400, get(FRONTENDS + "?watch=true&fieldSelector=status.phase%3Dx").code(),
                "a watch is refused the same way");
    }

    @Test
    void listsArePagedWithLimitAndContinue() {
        createFrontendCrd();
        for (String n : List.of("e", "a", "d", "b", "c")) {
            post(FRONTENDS, frontend("web-" + n, "192.0.2.10", ""));
        }
        List<String> seen = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            JsonNode page = get(FRONTENDS + "?limit=2" + (token.isEmpty() ? "" : "&continue=" + token)).body();
            seen.addAll(names(page));
            token = page.path("metadata").path("continue").asText("");
            pages++;
            if (!token.isEmpty()) {
                assertEquals(2, names(page).size());
                assertTrue(page.path("metadata").path("remainingItemCount").asLong() > 0);
            }
        } while (!token.isEmpty());
        assertEquals(3, pages);
        assertEquals(List.of("web-a", "web-b", "web-c", "web-d", "web-e"), seen);
        assertEquals(400, get(FRONTENDS + "?limit=2&continue=not-a-token").code());
        // a Fabric8 client following the tokens reads the three after its first page of two
        assertEquals(3, countAfterFirstPage(2L));
    }

    private long countAfterFirstPage(long limit) {
        var first = client.genericKubernetesResources(FRONTEND).inNamespace("default")
                .list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(limit).build());
        long rest = 0;
        String next = first.getMetadata().getContinue();
        while (next != null && !next.isEmpty()) {
            var page = client.genericKubernetesResources(FRONTEND).inNamespace("default")
                    .list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(limit).withContinue(next).build());
            rest += page.getItems().size();
            next = page.getMetadata().getContinue();
        }
        return rest;
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.path("items").forEach(item -> names.add(item.path("metadata").path("name").asText()));
        return names;
    }

    @Test
    void missingObjectsAndConflictsCarryTheReasonsClientsBranchOn() {
        createFrontendCrd();
        Reply missing = get(FRONTENDS + "/nope");
        assertEquals(404, missing.code());
        assertEquals("frontends.e2e.lvs.io \"nope\" not found", missing.body().path("message").asText());

        post(FRONTENDS, frontend("web", "192.0.2.10", ""));
        Reply again = post(FRONTENDS, frontend("web", "192.0.2.10", ""));
        assertEquals(409, again.code());
        assertEquals("AlreadyExists", again.body().path("reason").asText());

        JsonNode stale = get(FRONTENDS + "/web").body();
        patch(FRONTENDS + "/web", "application/merge-patch+json", "{\"spec\":{\"port\":81}}");
        for (String path : List.of(FRONTENDS + "/web", FRONTENDS + "/web/status")) {
            Reply conflict = send("PUT", path, "application/json", stale.toString(), Map.of());
            assertEquals(409, conflict.code(), path);
            assertEquals("Conflict", conflict.body().path("reason").asText(), path);
        }
    }

    @Test
    void mergePatchReplacesListsAndDeletesWithNull() {
        createFrontendCrd();
        post(FRONTENDS, frontend("web", "192.0.2.10", "\"tier\": \"gold\""));

        Reply patched = patch(FRONTENDS + "/web", "application/merge-patch+json",
                "{\"metadata\":{\"labels\":{\"tier\":null}},\"spec\":{\"backends\":[\"c\"],\"port\":8080}}");

        assertEquals(200, patched.code());
        JsonNode stored = get(FRONTENDS + "/web").body();
        assertEquals("[\"c\"]", stored.path("spec").path("backends").toString());
        assertEquals(8080, stored.path("spec").path("port").asInt());
        assertFalse(stored.path("metadata").path("labels").has("tier"));
        assertEquals(2, stored.path("metadata").path("generation").asInt());
    }

    @Test
    void statusGoesThroughTheStatusSubresourceOnly() {
        createFrontendCrd();
        post(FRONTENDS, frontend("web", "192.0.2.10", ""));

        patch(FRONTENDS + "/web", "application/merge-patch+json", "{\"status\":{\"readyBackends\":9}}");
        assertTrue(get(FRONTENDS + "/web").body().path("status").path("readyBackends").isMissingNode());

        patch(FRONTENDS + "/web/status?fieldManager=test", "application/merge-patch+json",
                "{\"status\":{\"readyBackends\":2}}");
        JsonNode stored = get(FRONTENDS + "/web").body();
        assertEquals(2, stored.path("status").path("readyBackends").asInt());
        assertEquals(1, stored.path("metadata").path("generation").asInt());
    }

    @Test
    void patchTypesAreAcceptedOrRefusedAsARealServerWould() {
        createFrontendCrd();
        post(FRONTENDS, frontend("web", "192.0.2.10", ""));
        assertEquals(415, patch(FRONTENDS + "/web", "application/strategic-merge-patch+json", "{}").code());
        assertEquals(415, patch(FRONTENDS + "/web", "application/apply-patch+yaml", "{}").code());
        assertEquals(422, patch(FRONTENDS + "/web", "application/json-patch+json",
                "[{\"op\":\"remove\",\"path\":\"/spec/missing\"}]").code());
        assertEquals(200, patch(FRONTENDS + "/web", "application/json-patch+json",
                "[{\"op\":\"replace\",\"path\":\"/spec/port\",\"value\":81}]").code());

        post("/api/v1/namespaces/default/configmaps",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"1\"}}");
        assertEquals(200, patch("/api/v1/namespaces/default/configmaps/c", "application/strategic-merge-patch+json",
                "{\"data\":{\"a\":null,\"b\":\"2\"}}").code());
        assertEquals("{\"b\":\"2\"}", get("/api/v1/namespaces/default/configmaps/c").body().path("data").toString());
        // the directives of Helm's and kubectl's three-way patches are applied; one the server does not know is refused
        assertEquals(200, patch("/api/v1/namespaces/default/configmaps/c", "application/strategic-merge-patch+json",
                "{\"metadata\":{\"$setElementOrder/finalizers\":[]}}").code());
        assertEquals(415, patch("/api/v1/namespaces/default/configmaps/c", "application/strategic-merge-patch+json",
                "{\"metadata\":{\"$unknown\":[]}}").code());
        assertEquals(415, send("POST", "/api/v1/namespaces", "application/vnd.kubernetes.protobuf", "k8s\u0000",
                Map.of()).code());
        assertEquals(400, send("POST", FRONTENDS + "?dryRun=All", "application/json",
                frontend("dry", "192.0.2.12", ""), Map.of()).code());
    }

    @Test
    void aBodyThatIsNotJsonIsRefusedSayingWhatIsWrong() {
        createFrontendCrd();
        String deep = "{\"a\":".repeat(1_500) + "1" + "}".repeat(1_500);
        Reply tooDeep = post(FRONTENDS, deep);
        assertEquals(400, tooDeep.code());
        assertEquals("the request body nests JSON deeper than the 1000 levels this test API server reads",
                tooDeep.body().path("message").asText());
        Reply broken = post(FRONTENDS, "{\"apiVersion\": ");
        assertEquals(400, broken.code());
        assertTrue(broken.body().path("message").asText().startsWith("the request body is not valid JSON: "),
                broken.body().toString());
        Reply array = post(FRONTENDS, "[1, 2]");
        assertEquals("the request body is not a JSON object", array.body().path("message").asText());
    }

    @Test
    void tablesArePrintedFromThePrinterColumns() {
        createFrontendCrd();
        post(FRONTENDS, frontend("web", "192.0.2.10", ""));
        patch(FRONTENDS + "/web/status", "application/merge-patch+json",
                "{\"status\":{\"readyBackends\":2,\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}");

        Reply table = send("GET", FRONTENDS, "", "", Map.of("Accept",
                "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,"
                        + "application/json"));

        assertEquals("application/json;as=Table;v=v1;g=meta.k8s.io", table.contentType());
        List<String> columns = new ArrayList<>();
        table.body().path("columnDefinitions").forEach(c -> columns.add(c.path("name").asText()));
        assertEquals(List.of("Name", "VIP", "Port", "Ready", "Backends", "Scheduler", "Age"), columns);
        JsonNode cells = table.body().path("rows").get(0).path("cells");
        assertEquals("web", cells.get(0).asText());
        assertEquals("192.0.2.10", cells.get(1).asText());
        assertEquals(80, cells.get(2).asInt());
        assertEquals("True", cells.get(3).asText());
        assertEquals(2, cells.get(4).asInt());
        assertEquals("wlc", cells.get(5).asText(), "no scheduler set: the CRD default, as a real server stores it");
        assertTrue(cells.get(6).asText().endsWith("s"), "age: " + cells);
    }

    @Test
    void anOperatorsFabric8WritesBehaveAsOnARealServer() {
        createFrontendCrd();
        var frontends = client.genericKubernetesResources(FRONTEND).inNamespace("default");
        GenericKubernetesResource web = client.getKubernetesSerialization()
                .unmarshal(frontend("web", "192.0.2.10", ""), GenericKubernetesResource.class);
        frontends.resource(web).create();

        GenericKubernetesResource withStatus = frontends.withName("web").get();
        withStatus.setAdditionalProperty("status", Map.of("readyBackends", 1,
                "conditions", List.of(Map.of("type", "Ready", "status", "True"))));
        frontends.resource(withStatus).patchStatus();
        frontends.withName("web").edit(f -> {
            f.getMetadata().setLabels(Map.of("tier", "gold"));
            return f;
        });

        GenericKubernetesResource stored = frontends.withName("web").get();
        assertEquals(Map.of("tier", "gold"), stored.getMetadata().getLabels());
        assertEquals(1, ((Map<?, ?>) stored.getAdditionalProperties().get("status")).get("readyBackends"));
        assertEquals(1L, stored.getMetadata().getGeneration());
        KubernetesClientException conflict = assertThrows(KubernetesClientException.class,
                () -> frontends.resource(withStatus).update());
        assertEquals(409, conflict.getCode());
    }

    // ---- admission: the CRD's schema and CEL rules, pruning --------------------------------------

    private static final java.nio.file.Path REPO = java.nio.file.Path.of("..").toAbsolutePath().normalize();
    private static final String VIRTUAL_SERVICES = "/apis/lvs.io/v1alpha1/namespaces/default/virtualservices";

    /** The project's CRDs as committed under crds/. */
    private void createProjectCrds() {
        for (String file : List.of("virtualservices", "realservers", "nodereports", "vippools")) {
            try (InputStream in = java.nio.file.Files.newInputStream(REPO.resolve("crds/" + file + ".lvs.io.yaml"))) {
                client.resource(client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class))
                        .create();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** A VirtualService named {@code name} with this spec (JSON); Local needs no real servers. */
    private static String virtualService(String name, String spec) {
        return """
                {"apiVersion": "lvs.io/v1alpha1", "kind": "VirtualService",
                 "metadata": {"name": "%s", "namespace": "default"}, "spec": %s}
                """.formatted(name, spec);
    }

    private static final String DIRECTORS = "\"directors\": {\"nodeSelector\": {\"matchLabels\": {\"lvs.io/director\": \"true\"}}}, "
            + "\"forwarding\": {\"method\": \"Local\"}";

    /** The one cause of a 422 as "REASON FIELD: MESSAGE". */
    private static String onlyCause(Reply refused) {
        assertEquals(422, refused.code(), refused.body().toString());
        assertEquals("Invalid", refused.body().path("reason").asText());
        JsonNode causes = refused.body().path("details").path("causes");
        List<String> all = new ArrayList<>();
        causes.forEach(c -> all.add(c.path("reason").asText() + " " + c.path("field").asText() + ": "
                + c.path("message").asText()));
        return all.size() == 1 ? all.getFirst() : all.toString();
    }

    @Test
    void aVirtualServiceOutsideItsCrdIsRefusedInTheRealServersWords() {
        createProjectCrds();
        Reply tooHigh = post(VIRTUAL_SERVICES, virtualService("web", "{\"vip\": \"192.0.2.10\", "
                + "\"ports\": [{\"port\": 70000}], " + DIRECTORS + "}"));
        assertEquals(422, tooHigh.code());
        assertEquals("VirtualService.lvs.io \"web\" is invalid: spec.ports[0].port: Invalid value: 70000: "
                + "spec.ports[0].port in body should be less than or equal to 65535", tooHigh.body().path("message").asText());
        JsonNode details = tooHigh.body().path("details");
        assertEquals("web lvs.io VirtualService", details.path("name").asText() + " " + details.path("group").asText()
                + " " + details.path("kind").asText());
        assertEquals("FieldValueInvalid spec.ports[0].port: Invalid value: 70000: spec.ports[0].port in body should be "
                + "less than or equal to 65535", onlyCause(tooHigh));
        assertEquals(404, get(VIRTUAL_SERVICES + "/web").code(), "nothing stored");

        assertEquals("[FieldValueTypeInvalid spec.ports[0].port: Invalid value: \"string\": spec.ports[0].port in body "
                + "must be of type integer: \"string\", FieldValueInvalid <nil>: Invalid value: \"null\": some validation "
                + "rules were not checked because the object was invalid; correct the existing errors to complete "
                + "validation]", onlyCause(post(VIRTUAL_SERVICES, virtualService("web", "{\"vip\": \"192.0.2.10\", "
                + "\"ports\": [{\"port\": \"eighty\"}], " + DIRECTORS + "}"))));
        assertTrue(onlyCause(post(VIRTUAL_SERVICES, virtualService("web", "{\"vip\": \"192.0.2.10\", "
                + "\"scheduler\": {\"name\": \"wlcc\"}, \"ports\": [{\"port\": 80}], " + DIRECTORS + "}")))
                .startsWith("[FieldValueNotSupported spec.scheduler.name: Unsupported value: \"wlcc\": supported values: "
                        + "\"dh\", "));
        assertTrue(onlyCause(post(VIRTUAL_SERVICES, virtualService("web", "{\"ports\": [{\"port\": 80}], "
                + DIRECTORS + "}"))).startsWith("[FieldValueRequired spec.vip: Required value, "));
        assertEquals("FieldValueInvalid spec.ports[0].name: Invalid value: \"HTTP_1\": spec.ports[0].name in body should "
                + "match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'", onlyCause(post(VIRTUAL_SERVICES, virtualService("web",
                "{\"vip\": \"192.0.2.10\", \"ports\": [{\"port\": 80, \"name\": \"HTTP_1\"}], " + DIRECTORS + "}"))));
        assertEquals("FieldValueInvalid spec.vip: Invalid value: \"string\": " + io.lvs.api.v1alpha1.Messages.VIP_NOT_IP,
                onlyCause(post(VIRTUAL_SERVICES, virtualService("web", "{\"vip\": \"192.0.2.300\", "
                        + "\"ports\": [{\"port\": 80}], " + DIRECTORS + "}"))), "a CEL rule's message");
        assertEquals(404, get(VIRTUAL_SERVICES + "/web").code(), "nothing stored");
    }

    @Test
    void updatesPatchesAndStatusWritesAreValidatedToo() {
        createProjectCrds();
        assertEquals(201, post(VIRTUAL_SERVICES, virtualService("web", "{\"vip\": \"192.0.2.10\", "
                + "\"ports\": [{\"port\": 80}], " + DIRECTORS + "}")).code());
        JsonNode stored = get(VIRTUAL_SERVICES + "/web").body();
        ((com.fasterxml.jackson.databind.node.ObjectNode) stored.at("/spec/ports/0")).put("port", 0);
        assertEquals("FieldValueInvalid spec.ports[0].port: Invalid value: 0: spec.ports[0].port in body should be "
                + "greater than or equal to 1", onlyCause(send("PUT", VIRTUAL_SERVICES + "/web", "application/json",
                stored.toString(), Map.of())));
        assertEquals(422, patch(VIRTUAL_SERVICES + "/web", "application/merge-patch+json",
                "{\"spec\": {\"ports\": [{\"port\": 65536}]}}").code());
        assertTrue(onlyCause(patch(VIRTUAL_SERVICES
                + "/web/status", "application/merge-patch+json", "{\"status\": {\"acceptedGeneration\": \"one\"}}"))
                .startsWith("[FieldValueTypeInvalid status.acceptedGeneration: Invalid value: \"string\": "
                        + "status.acceptedGeneration in body must be of type integer: \"string\", "), "a status write");
        assertEquals("FieldValueInvalid status.acceptedSpec.vip: Invalid value: \"string\": "
                + io.lvs.api.v1alpha1.Messages.VIP_NOT_IP, onlyCause(patch(VIRTUAL_SERVICES + "/web/status",
                "application/merge-patch+json", "{\"status\": {\"acceptedSpec\": {\"vip\": \"192.0.2.300\", "
                        + "\"ports\": [{\"port\": 80}], " + DIRECTORS + "}}}")), "the status's CEL rules");
        assertEquals(200, patch(VIRTUAL_SERVICES + "/web/status", "application/merge-patch+json",
                "{\"status\": {\"acceptedGeneration\": 1}}").code());
        assertEquals(80, get(VIRTUAL_SERVICES + "/web").body().at("/spec/ports/0/port").asInt(), "nothing refused stored");
    }

    @Test
    void undeclaredFieldsArePrunedWithAWarningIgnoredOrRefusedAsFieldValidationSays() throws Exception {
        createProjectCrds();
        String colourful = virtualService("web", "{\"vip\": \"192.0.2.10\", \"colour\": \"blue\", "
                + "\"ports\": [{\"port\": 80, \"nmae\": \"http\"}], " + DIRECTORS + "}");
        Reply strict = post(VIRTUAL_SERVICES + "?fieldValidation=Strict", colourful);
        assertEquals(400, strict.code());
        assertEquals("VirtualService in version \"v1alpha1\" cannot be handled as a VirtualService: strict decoding "
                + "error: unknown field \"spec.colour\", unknown field \"spec.ports[0].nmae\"",
                strict.body().path("message").asText());

        HttpResponse<String> warned = http.send(adminRequest(URI.create(server.url() + VIRTUAL_SERVICES))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(colourful))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, warned.statusCode());
        assertEquals(List.of("299 - \"unknown field \\\"spec.colour\\\"\"",
                "299 - \"unknown field \\\"spec.ports[0].nmae\\\"\""), warned.headers().allValues("Warning"),
                "fieldValidation=Warn, the default");
        JsonNode stored = get(VIRTUAL_SERVICES + "/web").body();
        assertFalse(stored.path("spec").has("colour"));
        assertEquals("{\"port\":80,\"protocol\":\"TCP\"}", stored.at("/spec/ports/0").toString(), "pruned, defaulted");

        HttpResponse<String> ignored = http.send(adminRequest(URI.create(server.url() + VIRTUAL_SERVICES
                        + "/web?fieldValidation=Ignore")).header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"spec\": {\"shape\": \"round\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ignored.statusCode());
        assertEquals(List.of(), ignored.headers().allValues("Warning"));
        assertFalse(get(VIRTUAL_SERVICES + "/web").body().path("spec").has("shape"));
    }

    @Test
    void withoutSchemaValidationTheServerStoresWhatItIsSentWithItsDefaults() {
        restartWith(EmbeddedApiServer.Options.defaults().withSchemaValidation(false));
        createProjectCrds();
        assertEquals(201, post(VIRTUAL_SERVICES, virtualService("web", "{\"vip\": \"192.0.2.300\", \"colour\": 1, "
                + "\"ports\": [{\"port\": \"eighty\"}], " + DIRECTORS + "}")).code());
        JsonNode stored = get(VIRTUAL_SERVICES + "/web").body().path("spec");
        assertEquals("eighty", stored.at("/ports/0/port").asText());
        assertEquals(1, stored.path("colour").asInt());
        assertEquals("wlc", stored.at("/scheduler/name").asText(), "defaults are still applied");
    }

    // ---- watches -----------------------------------------------------------------------------

    @Test
    void informersSeeObjectsEnterAndLeaveTheirLabelSelection() throws Exception {
        createFrontendCrd();
        post(FRONTENDS, frontend("gold", "192.0.2.10", "\"tier\": \"gold\""));
        post(FRONTENDS, frontend("plain", "192.0.2.11", ""));
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        SharedIndexInformer<GenericKubernetesResource> informer = client.genericKubernetesResources(FRONTEND)
                .inNamespace("default").withLabelSelector("tier in (gold, silver)")
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(GenericKubernetesResource obj) {
                        events.add("add " + obj.getMetadata().getName());
                    }

                    @Override
                    public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                        events.add("update " + newObj.getMetadata().getName());
                    }

                    @Override
                    public void onDelete(GenericKubernetesResource obj, boolean unknownFinalState) {
                        events.add("delete " + obj.getMetadata().getName());
                    }
                });
        try {
            assertEquals("add gold", events.poll(10, TimeUnit.SECONDS));
            patch(FRONTENDS + "/plain", "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"tier\":\"silver\"}}}");
            assertEquals("add plain", events.poll(10, TimeUnit.SECONDS));
            patch(FRONTENDS + "/gold", "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"tier\":\"bronze\"}}}");
            assertEquals("delete gold", events.poll(10, TimeUnit.SECONDS));
            assertEquals(null, events.poll(300, TimeUnit.MILLISECONDS), "no replays of unchanged objects");
        } finally {
            informer.close();
        }
    }

    @Test
    void anHttpWatchStreamsOnlyWhatChangedAfterItsResourceVersion() throws Exception {
        createFrontendCrd();
        post(FRONTENDS, frontend("old", "192.0.2.10", ""));
        String since = get(FRONTENDS).body().path("metadata").path("resourceVersion").asText();
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + FRONTENDS
                + "?watch=true&resourceVersion=" + since + "&timeoutSeconds=2"))
                .header("Authorization", "Bearer " + server.adminToken()).build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            post(FRONTENDS, frontend("new", "192.0.2.11", ""));
            JsonNode event = Json.parse(lines.readLine()).orElseThrow();
            assertEquals("ADDED", event.path("type").asText());
            assertEquals("new", event.path("object").path("metadata").path("name").asText());
            send("DELETE", FRONTENDS + "/new", "", "", Map.of());
            event = Json.parse(lines.readLine()).orElseThrow();
            assertEquals("DELETED", event.path("type").asText());
            assertEquals(null, lines.readLine(), "the stream ends when timeoutSeconds is up");
        }
    }

    @Test
    void aWatchListEndsItsInitialEventsWithABookmark() throws Exception {
        createFrontendCrd();
        post(FRONTENDS, frontend("one", "192.0.2.10", ""));
        post(FRONTENDS, frontend("two", "192.0.2.11", ""));
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + FRONTENDS
                + "?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan"
                + "&timeoutSeconds=2")).header("Authorization", "Bearer " + server.adminToken()).build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                JsonNode event = Json.parse(lines.readLine()).orElseThrow();
                seen.add(event.path("type").asText() + " " + event.path("object").path("metadata").path("name").asText(""));
                if (event.path("type").asText().equals("BOOKMARK")) {
                    assertEquals("true", event.path("object").path("metadata").path("annotations")
                            .path("k8s.io/initial-events-end").asText());
                }
            }
            assertEquals(List.of("ADDED one", "ADDED two", "BOOKMARK "), seen);
        }
    }

    /** The events of an HTTP watch until the server ends it (timeoutSeconds), as "TYPE name". */
    private List<JsonNode> watchEvents(String query) throws Exception {
        HttpResponse<InputStream> response = http.send(adminRequest(URI.create(server.url() + FRONTENDS
                + "?watch=true&" + query)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                events.add(Json.parse(line).orElseThrow());
            }
        }
        return events;
    }

    private static List<String> summary(List<JsonNode> events) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> out.add(e.path("type").asText() + " " + e.path("object").path("metadata").path("name")
                .asText("")));
        return out;
    }

    private String listVersion() {
        return get(FRONTENDS).body().path("metadata").path("resourceVersion").asText();
    }

    @Test
    void aWatchFromAnEarlierVersionGetsWhatChangedSinceDeletionsIncluded() throws Exception {
        createFrontendCrd();
        post(FRONTENDS, frontend("kept", "192.0.2.10", ""));
        post(FRONTENDS, frontend("changed", "192.0.2.11", ""));
        post(FRONTENDS, frontend("deleted", "192.0.2.12", ""));
        String since = listVersion();
        patch(FRONTENDS + "/changed", "application/merge-patch+json", "{\"spec\":{\"port\":81}}");
        send("DELETE", FRONTENDS + "/deleted", "", "", Map.of());
        post(FRONTENDS, frontend("new", "192.0.2.13", ""));

        List<JsonNode> events = watchEvents("resourceVersion=" + since + "&timeoutSeconds=1");
        assertEquals(List.of("MODIFIED changed", "DELETED deleted", "ADDED new"), summary(events));
        long deletion = Long.parseLong(events.get(1).at("/object/metadata/resourceVersion").asText());
        assertTrue(deletion > Long.parseLong(events.get(0).at("/object/metadata/resourceVersion").asText()),
                "a deletion has a resourceVersion of its own");
        assertEquals(List.of("ADDED kept", "ADDED changed", "ADDED new"), summary(watchEvents("timeoutSeconds=1")),
                "without a resourceVersion: the current state");
    }

    @Test
    void aWatchFromAVersionTheHistoryNoLongerHoldsIsToldItIsGone() throws Exception {
        restartWith(EmbeddedApiServer.Options.defaults().withWatchHistory(3));
        createFrontendCrd();
        post(FRONTENDS, frontend("a", "192.0.2.10", ""));
        String since = listVersion();
        for (String name : List.of("b", "c", "d", "e")) {
            post(FRONTENDS, frontend(name, "192.0.2.11", ""));
        }
        List<JsonNode> events = watchEvents("resourceVersion=" + since);
        assertEquals(1, events.size(), events.toString());
        JsonNode status = events.getFirst().path("object");
        assertEquals("ERROR", events.getFirst().path("type").asText());
        assertEquals("Status Failure Expired 410", status.path("kind").asText() + " " + status.path("status").asText()
                + " " + status.path("reason").asText() + " " + status.path("code").asInt());
        long oldestKept = Long.parseLong(get(FRONTENDS + "/c").body().at("/metadata/resourceVersion").asText());
        assertEquals("too old resource version: " + since + " (" + (oldestKept - 1) + ")",
                status.path("message").asText(), "the real watch cache's words: the oldest version it serves");
        assertEquals(List.of("ADDED e"), summary(watchEvents("resourceVersion=" + (oldestKept + 1)
                + "&timeoutSeconds=1")), "a version the history still holds");
        assertEquals("ERROR", watchEvents("resourceVersion=1").getFirst().path("type").asText(),
                "a version this server never issued");

        // a Fabric8 watch hears the 410 as Gone, which makes its informers list again
        java.util.concurrent.CompletableFuture<io.fabric8.kubernetes.client.WatcherException> closed =
                new java.util.concurrent.CompletableFuture<>();
        try (io.fabric8.kubernetes.client.Watch ignored = client.genericKubernetesResources(FRONTEND)
                .inNamespace("default").watch(new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                        .withResourceVersion(since).build(), new io.fabric8.kubernetes.client.Watcher<>() {
                            @Override
                            public void eventReceived(Action action, GenericKubernetesResource resource) {
                            }

                            @Override
                            public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
                                closed.complete(cause);
                            }
                        })) {
            assertTrue(closed.get(10, TimeUnit.SECONDS).isHttpGone());
        }
    }

    @Test
    void anInformerListsAgainWhenTheServerComesBackWithAnEmptyStore() throws Exception {
        createFrontendCrd();
        post(FRONTENDS, frontend("before", "192.0.2.10", ""));
        long lastBefore = Long.parseLong(listVersion());
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        SharedIndexInformer<GenericKubernetesResource> informer = client.genericKubernetesResources(FRONTEND)
                .inNamespace("default").inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(GenericKubernetesResource obj) {
                        events.add("add " + obj.getMetadata().getName());
                    }

                    @Override
                    public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                    }

                    @Override
                    public void onDelete(GenericKubernetesResource obj, boolean unknownFinalState) {
                        events.add("delete " + obj.getMetadata().getName());
                    }
                });
        try {
            assertEquals("add before", events.poll(10, TimeUnit.SECONDS));
            int port = server.port();
            ServerKeys keys = server.keys(); // what a control plane keeps on disk: the informer's client carries on
            server.close(); // an API server restarted on an empty store (a lost etcd, a fresh control plane)
            server = EmbeddedApiServer.start(EmbeddedApiServer.Options.defaults().withPort(port).withKeys(keys));
            createFrontendCrd();
            post(FRONTENDS, frontend("after", "192.0.2.11", ""));
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                seen.add(events.poll(60, TimeUnit.SECONDS));
            }
            assertEquals(List.of("add after", "delete before"), seen.stream().map(String::valueOf).sorted().toList(),
                    "the informer's watch was told its version is gone, listed again and saw the new store");
            assertTrue(Long.parseLong(listVersion()) > lastBefore, "resourceVersions do not go backwards");
        } finally {
            informer.close();
        }
    }

    @Test
    void watchesThatAllowBookmarksGetThemAndOthersDoNot() throws Exception {
        restartWith(EmbeddedApiServer.Options.defaults().withBookmarkInterval(Duration.ofMillis(300)));
        createFrontendCrd();
        String since = listVersion();
        HttpResponse<InputStream> response = http.send(adminRequest(URI.create(server.url() + FRONTENDS
                + "?watch=true&allowWatchBookmarks=true&timeoutSeconds=5&resourceVersion=" + since)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            JsonNode first = Json.parse(lines.readLine()).orElseThrow();
            assertEquals("BOOKMARK", first.path("type").asText());
            assertEquals("Frontend e2e.lvs.io/v1alpha1 " + since, first.at("/object/kind").asText() + " "
                    + first.at("/object/apiVersion").asText() + " " + first.at("/object/metadata/resourceVersion").asText());
            post(FRONTENDS, frontend("web", "192.0.2.10", ""));
            String created = get(FRONTENDS + "/web").body().at("/metadata/resourceVersion").asText();
            JsonNode event = Json.parse(lines.readLine()).orElseThrow();
            while (event.path("type").asText().equals("BOOKMARK")) {
                event = Json.parse(lines.readLine()).orElseThrow();
            }
            assertEquals("ADDED web", event.path("type").asText() + " " + event.at("/object/metadata/name").asText());
            JsonNode next = Json.parse(lines.readLine()).orElseThrow();
            assertEquals("BOOKMARK " + created, next.path("type").asText() + " "
                    + next.at("/object/metadata/resourceVersion").asText(), "a bookmark at the version reached");
        }
        assertFalse(summary(watchEvents("timeoutSeconds=1")).stream().anyMatch(e -> e.startsWith("BOOKMARK")),
                "none unless allowed");

        // the WebSocket watches of Fabric8 clients get them too
        BlockingQueue<String> bookmarks = new LinkedBlockingQueue<>();
        try (io.fabric8.kubernetes.client.Watch ignored = client.genericKubernetesResources(FRONTEND)
                .inNamespace("default").watch(new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                        .withAllowWatchBookmarks(true).withResourceVersion(listVersion()).build(),
                        new io.fabric8.kubernetes.client.Watcher<>() {
                            @Override
                            public void eventReceived(Action action, GenericKubernetesResource resource) {
                                if (action == Action.BOOKMARK) {
                                    bookmarks.add(resource.getMetadata().getResourceVersion());
                                }
                            }

                            @Override
                            public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
                            }
                        })) {
            assertEquals(listVersion(), bookmarks.poll(10, TimeUnit.SECONDS));
        }
    }

    // ---- OpenAPI -----------------------------------------------------------------------------

    @Test
    void openApiV3PublishesTheCrdSchemaForExplain() {
        createFrontendCrd();
        JsonNode index = get("/openapi/v3").body();
        String url = index.path("paths").path("apis/e2e.lvs.io/v1alpha1").path("serverRelativeURL").asText();
        assertTrue(url.startsWith("/openapi/v3/apis/e2e.lvs.io/v1alpha1?hash="), url);

        JsonNode document = get(url).body();
        JsonNode schema = document.path("components").path("schemas").path("io.lvs.e2e.v1alpha1.Frontend");
        assertEquals("Frontend", schema.path("x-kubernetes-group-version-kind").get(0).path("kind").asText());
        assertEquals("The virtual IP address clients connect to, IPv4 or IPv6.",
                schema.path("properties").path("spec").path("properties").path("vip").path("description").asText());
        assertEquals("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
                schema.path("properties").path("metadata").path("allOf").get(0).path("$ref").asText());
        assertTrue(document.path("paths").has("/apis/e2e.lvs.io/v1alpha1/namespaces/{namespace}/frontends"));
        assertEquals(404, get("/openapi/v2").code());
    }
}
