package io.lvs.e2e.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real kubectl against a fresh embedded API server: a user applies CRDs shaped like the
 * project's and objects of both kinds, then reads, changes, waits on and deletes them.
 */
class KubectlScenariosTest {

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private EmbeddedApiServer server;
    private Kubectl kubectl;

    @BeforeEach
    void startServerAndApplyCrds() {
        server = EmbeddedApiServer.start(EmbeddedApiServer.Options.defaults().withRequestLog(requests::add));
        kubectl = RealKubectl.against(server);
        Kubectl.Result applied = kubectl.run("apply", "--validate=false", "-f",
                RealKubectl.resource("/apiserver/crds")).orFail();
        assertTrue(applied.stdout().contains("customresourcedefinition.apiextensions.k8s.io/frontends.e2e.lvs.io created"),
                applied.stdout());
        kubectl.run("wait", "--for=condition=Established", "--timeout=10s",
                "crd/frontends.e2e.lvs.io", "crd/backends.e2e.lvs.io").orFail();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** Waits (20 s at most) until the server has answered a request whose log line contains {@code fragment}. */
    private void awaitRequest(String fragment) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (requests.stream().noneMatch(line -> line.contains(fragment))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no request with \"" + fragment + "\" in " + requests);
            }
            Thread.sleep(20);
        }
    }

    private void applyExamples() {
        kubectl.run("apply", "--validate=false", "-f", RealKubectl.resource("/apiserver/examples")).orFail();
    }

    private void reportStatus() {
        kubectl.run("patch", "frontend", "web", "--subresource=status", "--type=merge", "-p",
                "{\"status\":{\"readyBackends\":2,\"conditions\":[{\"type\":\"Degraded\",\"status\":\"False\"},"
                        + "{\"type\":\"Ready\",\"status\":\"True\"}]}}").orFail();
        kubectl.run("patch", "backend", "web-1", "--subresource=status", "--type=merge", "-p",
                "{\"status\":{\"healthy\":true}}").orFail();
    }

    private static KubectlTable tableWith(List<KubectlTable> tables, String header) {
        return tables.stream().filter(t -> t.headers().contains(header)).findFirst()
                .orElseThrow(() -> new AssertionError("no table with " + header + " in " + tables));
    }

    @Test
    void theCategoryListsBothKindsWithTheirPrinterColumns() {
        applyExamples();
        reportStatus();

        Kubectl.Result result = kubectl.run("get", "lvs").orFail();

        List<KubectlTable> tables = KubectlTable.parseAll(result.stdout());
        assertEquals(2, tables.size(), result.stdout());
        KubectlTable frontends = tableWith(tables, "VIP");
        assertEquals(List.of("NAME", "VIP", "PORT", "READY", "BACKENDS", "AGE"), frontends.headers());
        Map<String, String> web = frontends.row("web").orElseThrow();
        assertEquals("frontend.e2e.lvs.io/web", web.get("NAME"));
        assertEquals("192.0.2.10", web.get("VIP"));
        assertEquals("80", web.get("PORT"));
        assertEquals("True", web.get("READY"));
        assertEquals("2", web.get("BACKENDS"));
        assertTrue(web.get("AGE").matches("\\d+s"), web.get("AGE"));

        KubectlTable backends = tableWith(tables, "WEIGHT");
        assertEquals(List.of("NAME", "ADDRESS", "WEIGHT", "HEALTHY", "AGE"), backends.headers());
        assertEquals(Map.of("NAME", "backend.e2e.lvs.io/web-1", "ADDRESS", "198.51.100.21", "WEIGHT", "100",
                "HEALTHY", "true"), without(backends.row("web-1").orElseThrow(), "AGE"));
        assertEquals(Map.of("NAME", "backend.e2e.lvs.io/web-2", "ADDRESS", "198.51.100.22", "WEIGHT", "50",
                "HEALTHY", ""), without(backends.row("web-2").orElseThrow(), "AGE"));
    }

    private static Map<String, String> without(Map<String, String> row, String column) {
        Map<String, String> copy = new HashMap<>(row);
        copy.remove(column);
        return copy;
    }

    @Test
    void wideOutputAddsLowPriorityColumnsAndAllNamespacesAddsTheNamespace() {
        applyExamples();

        KubectlTable wide = KubectlTable.parse(kubectl.run("get", "frontends", "-o", "wide").orFail().stdout());
        assertEquals("mh", wide.row("web").orElseThrow().get("SCHEDULER"));

        KubectlTable everywhere = KubectlTable.parse(kubectl.run("get", "backends", "-A").orFail().stdout());
        assertEquals(List.of("NAMESPACE", "NAME", "ADDRESS", "WEIGHT", "HEALTHY", "AGE"), everywhere.headers());
        assertEquals("default", everywhere.rows().getFirst().get("NAMESPACE"));
    }

    @Test
    void shortNamesSingularsAndFullNamesAllResolve() {
        applyExamples();
        for (String name : List.of("fe", "fes", "frontend", "frontends", "frontends.e2e.lvs.io",
                "frontend.v1alpha1.e2e.lvs.io")) {
            KubectlTable table = KubectlTable.parse(kubectl.run("get", name).orFail().stdout());
            assertEquals("web", table.rows().getFirst().get("NAME"), name);
        }
        assertEquals("web-2", KubectlTable.parse(kubectl.run("get", "be", "web-2").orFail().stdout())
                .rows().getFirst().get("NAME"));
    }

    @Test
    void applyingTheSameManifestsAgainChangesNothing() {
        applyExamples();
        String before = kubectl.run("get", "fe", "web", "-o", "jsonpath={.metadata.resourceVersion}").orFail().stdout();

        Kubectl.Result again = kubectl.run("apply", "--validate=false", "-f", RealKubectl.resource("/apiserver/examples"))
                .orFail();

        assertEquals(List.of("frontend.e2e.lvs.io/web unchanged", "backend.e2e.lvs.io/web-1 unchanged",
                "backend.e2e.lvs.io/web-2 unchanged"), again.stdout().lines().toList());
        assertEquals(before,
                kubectl.run("get", "fe", "web", "-o", "jsonpath={.metadata.resourceVersion}").orFail().stdout());
        Kubectl.Result crdsAgain = kubectl.run("apply", "--validate=false", "-f", RealKubectl.resource("/apiserver/crds"))
                .orFail();
        assertTrue(crdsAgain.stdout().lines().allMatch(l -> l.endsWith(" unchanged")), crdsAgain.stdout());
    }

    @Test
    void aMergePatchReplacesListsAndBumpsTheGeneration() {
        applyExamples();

        kubectl.run("patch", "fe", "web", "--type=merge", "-p", "{\"spec\":{\"port\":8080,\"backends\":[\"web-2\"]}}")
                .orFail();

        assertEquals("8080 [\"web-2\"] 2", kubectl.run("get", "fe", "web", "-o",
                "jsonpath={.spec.port} {.spec.backends} {.metadata.generation}").orFail().stdout());
        assertEquals("8080", KubectlTable.parse(kubectl.run("get", "fe").orFail().stdout())
                .row("web").orElseThrow().get("PORT"));
    }

    @Test
    void deletedObjectsAreGoneAndSaySo() {
        applyExamples();

        assertEquals("backend.e2e.lvs.io \"web-2\" deleted from default namespace",
                kubectl.run("delete", "backend", "web-2").orFail().stdout().strip());

        Kubectl.Result missing = kubectl.run("get", "backend", "web-2");
        assertFalse(missing.succeeded());
        assertEquals("Error from server (NotFound): backends.e2e.lvs.io \"web-2\" not found",
                missing.stderr().strip());
        assertEquals(1, KubectlTable.parse(kubectl.run("get", "be").orFail().stdout()).rows().size());
    }

    @Test
    void deleteWaitsForFinalizersLikeOnARealCluster() throws Exception {
        applyExamples();
        kubectl.run("patch", "fe", "web", "--type=merge", "-p",
                "{\"metadata\":{\"finalizers\":[\"e2e.lvs.io/cleanup\"]}}").orFail();
        CompletableFuture<Kubectl.Result> deletion = CompletableFuture.supplyAsync(
                () -> kubectl.run("delete", "fe", "web", "--timeout=30s"));

        awaitRequest("frontends?allowWatchBookmarks=true&fieldSelector=metadata.name%3Dweb");
        assertFalse(deletion.isDone(), "delete returned while a finalizer was still set");
        assertTrue(kubectl.run("get", "fe", "web", "-o", "jsonpath={.metadata.deletionTimestamp}").orFail()
                .stdout().matches("\\d{4}-.*"));

        kubectl.run("patch", "fe", "web", "--type=json", "-p",
                "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]").orFail();
        deletion.get(30, TimeUnit.SECONDS).orFail();
        assertFalse(kubectl.run("get", "fe", "web").succeeded());
    }

    @Test
    void waitSeesAConditionReportedLater() throws Exception {
        applyExamples();
        CompletableFuture<Kubectl.Result> waiting = CompletableFuture.supplyAsync(
                () -> kubectl.run("wait", "--for=condition=Ready", "frontend/web", "--timeout=30s"));

        awaitRequest("frontends?allowWatchBookmarks=true&fieldSelector=metadata.name%3Dweb");
        assertFalse(waiting.isDone(), "Ready before any status was reported");
        reportStatus();

        assertEquals("frontend.e2e.lvs.io/web condition met",
                waiting.get(30, TimeUnit.SECONDS).orFail().stdout().strip());
    }

    @Test
    void watchPrintsEachChangeAsARowOfTheSameTable() throws Exception {
        applyExamples();
        CompletableFuture<Kubectl.Result> watching = CompletableFuture.supplyAsync(
                () -> kubectl.run("get", "backends", "--watch", "--request-timeout=4s"));

        awaitRequest("backends?resourceVersion=");
        kubectl.run("patch", "be", "web-2", "--type=merge", "-p", "{\"spec\":{\"weight\":7}}").orFail();

        KubectlTable printed = KubectlTable.parse(watching.get(30, TimeUnit.SECONDS).orFail().stdout());
        assertEquals(List.of("web-1", "web-2", "web-2"), printed.rows().stream().map(r -> r.get("NAME")).toList());
        assertEquals(List.of("100", "50", "7"), printed.rows().stream().map(r -> r.get("WEIGHT")).toList());
    }

    @Test
    void kubectlShowsTheServersRefusalsAndItsFieldValidation() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("frontends");
        try {
            java.nio.file.Path ssh = dir.resolve("ssh.yaml");
            java.nio.file.Files.writeString(ssh, """
                    apiVersion: e2e.lvs.io/v1alpha1
                    kind: Frontend
                    metadata: {name: ssh, namespace: default}
                    spec: {vip: 192.0.2.22, port: 22}
                    """);
            Kubectl.Result refused = kubectl.run("apply", "--validate=false", "-f", ssh.toString());
            assertFalse(refused.succeeded());
            assertEquals("The Frontend \"ssh\" is invalid: spec: Invalid value: \"object\": port 22 is the nodes' SSH",
                    refused.stderr().strip());
            java.nio.file.Files.writeString(ssh, java.nio.file.Files.readString(ssh).replace("port: 22", "port: 70000"));
            assertEquals("The Frontend \"ssh\" is invalid: spec.port: Invalid value: 70000: spec.port in body should be "
                    + "less than or equal to 65535", kubectl.run("apply", "--validate=false", "-f", ssh.toString())
                    .stderr().strip());

            // kubectl validates with the server (fieldValidation=Strict) unless told otherwise
            java.nio.file.Path colour = dir.resolve("colour.yaml");
            java.nio.file.Files.writeString(colour, """
                    apiVersion: e2e.lvs.io/v1alpha1
                    kind: Frontend
                    metadata: {name: colour, namespace: default}
                    spec: {vip: 192.0.2.23, port: 80, colour: blue}
                    """);
            Kubectl.Result strict = kubectl.run("apply", "-f", colour.toString());
            assertFalse(strict.succeeded());
            assertEquals("Error from server (BadRequest): error when creating \"" + colour + "\": Frontend in version "
                    + "\"v1alpha1\" cannot be handled as a Frontend: strict decoding error: unknown field \"spec.colour\"",
                    strict.stderr().strip());
            Kubectl.Result warned = kubectl.run("apply", "--validate=warn", "-f", colour.toString()).orFail();
            assertEquals("Warning: unknown field \"spec.colour\"", warned.stderr().strip());
            assertEquals("frontend.e2e.lvs.io/colour created", warned.stdout().strip());
            assertEquals("{\"port\":80,\"scheduler\":\"wlc\",\"vip\":\"192.0.2.23\"}", kubectl.run("get", "fe", "colour",
                    "-o", "jsonpath={.spec}").orFail().stdout(), "stored pruned");
            assertTrue(requests.stream().anyMatch(l -> l.contains("fieldValidation=Strict") && l.endsWith("-> 400")),
                    requests.toString());
        } finally {
            try (var files = java.nio.file.Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void explainDescribesEveryFieldFromTheCrdSchema() {
        String spec = kubectl.run("explain", "frontend.spec").orFail().stdout();
        assertTrue(spec.contains("KIND:       Frontend"), spec);
        assertTrue(spec.contains("What the frontend should serve."), spec);
        assertTrue(spec.contains("vip\t<string> -required-"), spec);
        assertTrue(spec.contains("The virtual IP address clients connect to, IPv4 or IPv6."), spec);
        assertTrue(spec.contains("backends\t<[]string>"), spec);

        String scheduler = kubectl.run("explain", "frontends.spec.scheduler").orFail().stdout();
        assertTrue(scheduler.contains("FIELD: scheduler <string>"), scheduler);
        assertTrue(scheduler.contains("How new connections are spread over backends."), scheduler);
        assertTrue(scheduler.contains("mh"), scheduler);

        String recursive = kubectl.run("explain", "be", "--recursive").orFail().stdout();
        assertTrue(recursive.contains("weight\t<integer>"), recursive);
        assertTrue(recursive.contains("metadata\t<ObjectMeta>"), recursive);
    }

    @Test
    void describeShowsTheObjectAndItsEvents() {
        applyExamples();
        String uid = kubectl.run("get", "fe", "web", "-o", "jsonpath={.metadata.uid}").orFail().stdout();
        String event = """
                {"apiVersion": "v1", "kind": "Event",
                 "metadata": {"name": "web.1", "namespace": "default"},
                 "involvedObject": {"apiVersion": "e2e.lvs.io/v1alpha1", "kind": "Frontend", "name": "web",
                                    "namespace": "default", "uid": "%s"},
                 "reason": "Programmed", "message": "director took over 192.0.2.10:80", "type": "Normal",
                 "count": 1, "source": {"component": "lvs-operator"}}
                """.formatted(uid);
        try (var client = server.newClient()) {
            client.resource(client.getKubernetesSerialization().unmarshal(event,
                    Event.class)).create();
        }

        String described = kubectl.run("describe", "frontend", "web").orFail().stdout();

        assertTrue(described.contains("Vip:        192.0.2.10"), described);
        assertTrue(described.contains("Programmed"), described);
        assertTrue(described.contains("director took over 192.0.2.10:80"), described);
    }
}
