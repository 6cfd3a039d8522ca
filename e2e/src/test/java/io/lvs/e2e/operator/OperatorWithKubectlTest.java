package io.lvs.e2e.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lvs.e2e.apiserver.EmbeddedApiServer;
import io.lvs.e2e.apiserver.Kubectl;
import io.lvs.e2e.apiserver.KubectlTable;
import io.lvs.e2e.apiserver.RealKubectl;
import io.lvs.e2e.helm.ChartRbac;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A user's first session, with the real parts this machine has: the real kubectl applies the committed CRDs and
 * examples to the embedded API server, the packaged operator (its own JVM, production profile, leader election on,
 * as its ServiceAccount under the chart's RBAC) reconciles them, and kubectl shows the result. Where agents would
 * report, the test writes their Leases and NodeReports through kubectl as each node's agent (its token bound to its
 * node), with the verbs an agent uses.
 */
class OperatorWithKubectlTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void kubectlAppliesTheCrdsAndExamplesAndShowsTheOperatorsView() throws Exception {
        Path work = Files.createTempDirectory("operator-kubectl-");
        Path audit = work.resolve("audit.log");
        try (EmbeddedApiServer server = EmbeddedApiServer.start(EmbeddedApiServer.Options.defaults().withAuditLog(audit))) {
            Kubectl kubectl = RealKubectl.against(server);
            kubectl.run("apply", "--validate=false", "-f", REPO.resolve("crds").toString()).orFail();
            kubectl.run("apply", "--validate=false", "-f", resource("nodes.yaml")).orFail();
            kubectl.run("apply", "--validate=false", "-f", resource("agents.yaml")).orFail();
            ChartRbac.install(kubectl, work);
            Path operatorKubeconfig = ChartRbac.operatorKubeconfig(kubectl, work);
            Map<String, Kubectl> agents = new java.util.TreeMap<>();
            for (String node : List.of("node-a", "node-b", "worker-1", "worker-2")) {
                agents.put(node, kubectl.as(ChartRbac.kubeconfig(kubectl, work, ChartRbac.AGENT_ACCOUNT, Optional.of(node),
                        work.resolve("kubeconfig-" + node))));
            }
            try (OperatorProcess operator = OperatorProcess.start(operatorKubeconfig,
                    Map.of("LVS_OPERATOR_NAMESPACE", "lvs-system", "LVS_OPERATOR_LEASE_NAME", "lvs-operator-leader"))) {
                waitFor("the operator to take the leader Lease", operator,
                        () -> kubectl.run("get", "lease", "-n", "lvs-system", "lvs-operator-leader").succeeded());

                String applied = kubectl.run("apply", "--validate=false", "-f", REPO.resolve("crds/examples").toString())
                        .orFail().stdout();
                assertTrue(applied.contains("virtualservice.lvs.io/web created"), applied);
                waitFor("every example VirtualService to have a status", operator, () -> statusCount(kubectl) == 5);
                // kubectl applies the directory in file order, so the VipPool comes last: refused, then accepted
                waitFor("web to be accepted once its pool is there", operator, () -> "True".equals(jsonpath(kubectl,
                        "virtualservice/web", "{.status.conditions[?(@.type==\"Accepted\")].status}")));

                // kubectl get lvs: both kinds, the printer columns in order, with the operator's values
                List<KubectlTable> tables = KubectlTable.parseAll(kubectl.run("get", "lvs").orFail().stdout());
                KubectlTable vs = tables.stream().filter(t -> t.headers().contains("VIP")).findFirst().orElseThrow();
                KubectlTable rs = tables.stream().filter(t -> t.headers().contains("ADDRESS")).findFirst().orElseThrow();
                assertEquals(List.of("NAME", "VIP", "PORTS", "SCHEDULER", "MODE", "ACTIVE", "READY", "AGE"), vs.headers());
                assertEquals(List.of("NAME", "ADDRESS", "PORT", "WEIGHT", "HEALTHY", "AGE"), rs.headers());
                Map<String, String> web = vs.row("virtualservice.lvs.io/web").or(() -> vs.row("web")).orElseThrow();
                assertEquals("192.0.2.10", web.get("VIP"));
                assertEquals("80/TCP,443/TCP", web.get("PORTS"));
                assertEquals("wlc", web.get("SCHEDULER"));
                assertEquals("DirectRouting", web.get("MODE"));
                assertEquals("", web.get("ACTIVE"), "no director holds the VIP yet: kubectl prints a null cell blank");
                assertEquals("0/2", web.get("READY"));
                Map<String, String> api = vs.row("virtualservice.lvs.io/api").or(() -> vs.row("api")).orElseThrow();
                assertEquals("NAT", api.get("MODE"));
                assertEquals("rr", api.get("SCHEDULER"));
                Map<String, String> web1 = rs.row("realserver.lvs.io/web-1").or(() -> rs.row("web-1")).orElseThrow();
                assertEquals("192.0.2.21", web1.get("ADDRESS"));
                assertEquals("2", web1.get("WEIGHT"));
                assertEquals("", web1.get("PORT"));
                assertEquals("Unknown", web1.get("HEALTHY"));

                // -o wide adds the priority-1 columns
                KubectlTable wide = KubectlTable.parse(kubectl.run("get", "virtualservices", "-o", "wide").orFail().stdout());
                assertEquals("True", wide.row("web").orElseThrow().get("ACCEPTED"));
                assertEquals("False", wide.row("web").orElseThrow().get("PROGRAMMED"));

                // the agents report: node-a active with both servers healthy, node-b standby, the real servers' nodes
                // prepared (VIP on lo); each renews its Lease
                for (String node : agents.keySet()) {
                    agents.get(node).run("create", "--validate=false", "-f", agentLease(node).toString()).orFail();
                    agents.get(node).run("create", "--validate=false", "-f", report(node).toString()).orFail();
                }
                reportStatus(agents.get("node-a"), "web.node-a", "Active", true);
                reportStatus(agents.get("node-b"), "web.node-b", "Standby", false);
                realServerNodePrepared(agents.get("worker-1"), "web.worker-1");
                realServerNodePrepared(agents.get("worker-2"), "web.worker-2");
                waitFor("web to become Ready", operator, () -> "True".equals(jsonpath(kubectl, "virtualservice/web",
                        "{.status.conditions[?(@.type==\"Ready\")].status}")));
                Map<String, String> ready = KubectlTable.parse(kubectl.run("get", "virtualservices").orFail().stdout())
                        .row("web").orElseThrow();
                assertEquals("node-a", ready.get("ACTIVE"));
                assertEquals("2/2", ready.get("READY"));
                waitFor("web-1 to be Healthy", operator, () -> "True".equals(KubectlTable.parse(
                        kubectl.run("get", "realservers").orFail().stdout()).row("web-1").orElseThrow().get("HEALTHY")));

                // describe tells the story: conditions and events
                String described = kubectl.run("describe", "virtualservice", "web").orFail().stdout();
                assertTrue(described.contains("Accepted") && described.contains("node-a holds VIP 192.0.2.10"), described);

                // a second VirtualService on web's VIP and port is refused, by name
                Path dup = Files.createTempFile("dup", ".yaml");
                Files.writeString(dup, """
                        apiVersion: lvs.io/v1alpha1
                        kind: VirtualService
                        metadata: {name: web-copy}
                        spec:
                          vip: 192.0.2.10
                          ports: [{port: 443}]
                          realServerSelector: {matchLabels: {app: web}}
                          directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                        """);
                kubectl.run("apply", "--validate=false", "-f", dup.toString()).orFail();
                waitFor("web-copy to be refused", operator, () -> "Conflict".equals(jsonpath(kubectl, "virtualservice/web-copy",
                        "{.status.conditions[?(@.type==\"Accepted\")].reason}")));
                assertTrue(jsonpath(kubectl, "virtualservice/web-copy", "{.status.conditions[?(@.type==\"Accepted\")].message}")
                        .contains("already served by VirtualService default/web"));

                // a field of the wrong JSON type never reaches the operator: the API server refuses it, as a real one
                Path eighty = Files.createTempFile("eighty", ".yaml");
                Files.writeString(eighty, EIGHTY);
                Kubectl.Result refused = kubectl.run("apply", "--validate=false", "-f", eighty.toString());
                assertTrue(!refused.succeeded() && refused.stderr().startsWith("The VirtualService \"eighty\" is invalid: ")
                        && refused.stderr().contains("\n* spec.ports[0].port: Invalid value: \"string\": spec.ports[0].port "
                        + "in body must be of type integer: \"string\"\n"), refused.stderr());

                // a namespace the example pools do not name may not use their VIPs: refused, naming the pools
                Path elsewhere = Files.createTempFile("elsewhere", ".yaml");
                Files.writeString(elsewhere, """
                        apiVersion: v1
                        kind: Namespace
                        metadata: {name: team-z}
                        ---
                        apiVersion: lvs.io/v1alpha1
                        kind: VirtualService
                        metadata: {name: squat, namespace: team-z}
                        spec:
                          vip: 192.0.2.11
                          ports: [{port: 80}]
                          forwarding: {method: Local}
                          directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                        """);
                kubectl.run("apply", "--validate=false", "-f", elsewhere.toString()).orFail();
                waitFor("squat to be refused by the pools", operator, () -> "VipNotAllowed".equals(jsonpath(kubectl,
                        "virtualservice/squat -n team-z", "{.status.conditions[?(@.type==\"Accepted\")].reason}")));
                String refusal = jsonpath(kubectl, "virtualservice/squat -n team-z",
                        "{.status.conditions[?(@.type==\"Accepted\")].message}");
                assertTrue(refusal.contains("VIP 192.0.2.11 is in no VipPool that namespace team-z may use")
                        && refusal.contains("examples (holds the VIP but allows only namespaces default)"), refusal);
                kubectl.run("delete", "-f", elsewhere.toString(), "--wait=false").orFail();

                // deleting: web's finalizer holds while its nodes still report kernel state, then lets go
                kubectl.run("delete", "-f", dup.toString()).orFail();
                kubectl.run("delete", "-f", REPO.resolve("crds/examples").toString(), "--wait=false").orFail();
                waitFor("the operator to wait for web's nodes", operator, () -> kubectl.run("get", "events",
                        "--field-selector", "involvedObject.name=web", "-o", "jsonpath={.items[*].reason}")
                        .stdout().contains("WaitingForCleanup"));
                assertTrue(!jsonpath(kubectl, "virtualservice/web", "{.metadata.deletionTimestamp}").isEmpty(),
                        "web is still there, marked for deletion");
                for (String node : agents.keySet()) {
                    cleanedUp(agents.get(node), "web." + node);
                }
                kubectl.run("wait", "--for=delete", "virtualservice/web", "--timeout=60s").orFail();
                assertEquals("", kubectl.run("get", "virtualservices", "-o", "name").orFail().stdout().strip());

                int exit = operator.stop(Duration.ofSeconds(20));
                String log = String.join("\n", operator.output());
                assertTrue((exit == 143 || exit == 0) && log.contains("lvs-operator stopped in"),
                        "the operator stops in order on SIGTERM (exit " + exit + "):\n" + log);
            }
            assertEquals(List.of(), ChartRbac.refused(audit),
                    "the operator and the agents' writes need no right the chart lacks");
            ChartRbac.keepAuditLog(audit, "operator-with-kubectl");
        } finally {
            deleteTree(work);
        }
    }

    /** A VirtualService whose port is a string: what a schema-less server stores and a real one refuses. */
    private static final String EIGHTY = """
            apiVersion: lvs.io/v1alpha1
            kind: VirtualService
            metadata: {name: eighty}
            spec:
              vip: 192.0.2.80
              ports: [{port: eighty}]
              forwarding: {method: Local}
              directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
            """;

    /**
     * The operator's own validation, which is what stands between a malformed object and the data plane when the API
     * server skipped the schema (objects stored before a CRD change, servers without schemas): on a server that stores
     * anything, the malformed object is refused by name and the valid one beside it reconciles.
     */
    @Test
    void onAServerThatSkipsSchemasTheOperatorRefusesAMalformedObjectByNameAndReconcilesTheRest() throws Exception {
        Path work = Files.createTempDirectory("operator-schemaless-");
        Path audit = work.resolve("audit.log");
        try (EmbeddedApiServer server = EmbeddedApiServer.start(EmbeddedApiServer.Options.defaults()
                .withSchemaValidation(false).withAuditLog(audit))) {
            Kubectl kubectl = RealKubectl.against(server);
            kubectl.run("apply", "--validate=false", "-f", REPO.resolve("crds").toString()).orFail();
            ChartRbac.install(kubectl, work);
            Path operatorKubeconfig = ChartRbac.operatorKubeconfig(kubectl, work);
            Path objects = Files.createTempFile("objects", ".yaml");
            Files.writeString(objects, EIGHTY + """
                    ---
                    apiVersion: lvs.io/v1alpha1
                    kind: VirtualService
                    metadata: {name: fine}
                    spec:
                      vip: 192.0.2.81
                      ports: [{port: 80}]
                      forwarding: {method: Local}
                      directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                    ---
                    apiVersion: lvs.io/v1alpha1
                    kind: VipPool
                    metadata: {name: lab}
                    spec: {addresses: [192.0.2.0/24]}
                    """);
            kubectl.run("apply", "--validate=false", "-f", objects.toString()).orFail();
            assertEquals("eighty", jsonpath(kubectl, "virtualservice/eighty", "{.spec.ports[0].port}"), "stored as sent");
            try (OperatorProcess operator = OperatorProcess.start(operatorKubeconfig,
                    Map.of("LVS_OPERATOR_NAMESPACE", "lvs-system", "LVS_OPERATOR_LEASE_NAME", "lvs-operator-leader"))) {
                waitFor("the valid VirtualService accepted", operator, () -> "True".equals(jsonpath(kubectl,
                        "virtualservice/fine", "{.status.conditions[?(@.type==\"Accepted\")].status}")));
                waitFor("the malformed one refused", operator, () -> "InvalidSpec".equals(jsonpath(kubectl,
                        "virtualservice/eighty", "{.status.conditions[?(@.type==\"Accepted\")].reason}")));
                String message = jsonpath(kubectl, "virtualservice/eighty",
                        "{.status.conditions[?(@.type==\"Accepted\")].message}");
                // the operator says what the API server would have said for this object
                assertTrue(message.contains("spec.ports[0].port in body must be of type integer: \"string\""), message);
            }
            assertEquals(List.of(), ChartRbac.refused(audit), "the operator needs no right the chart lacks");
        } finally {
            deleteTree(work);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void kubectlExplainDescribesEveryField() throws IOException {
        try (EmbeddedApiServer server = EmbeddedApiServer.start()) {
            Kubectl kubectl = RealKubectl.against(server);
            kubectl.run("apply", "--validate=false", "-f", REPO.resolve("crds").toString()).orFail();
            JsonNode crd = YAML.readTree(REPO.resolve("crds/virtualservices.lvs.io.yaml").toFile());
            JsonNode spec = crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
            String explained = normalize(kubectl.run("explain", "virtualservice.spec").orFail().stdout());
            assertTrue(explained.contains(normalize(spec.path("description").asText())), explained);
            int fields = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("properties").fields(); it.hasNext(); fields++) {
                Map.Entry<String, JsonNode> f = it.next();
                String d = f.getValue().path("description").asText();
                assertTrue(!d.isBlank(), "spec." + f.getKey() + " has no description");
                assertTrue(explained.contains(f.getKey()) && explained.contains(normalize(d)),
                        "kubectl explain virtualservice.spec does not show spec." + f.getKey() + ": " + d);
            }
            assertEquals(9, fields);
            String failover = normalize(kubectl.run("explain", "virtualservice.spec.failover.gratuitousArp").orFail().stdout());
            assertTrue(failover.contains("refreshInterval") && failover.contains("Re-announce periodically"), failover);
            String rs = normalize(kubectl.run("explain", "realserver.spec.port").orFail().stdout());
            assertTrue(rs.contains("the kernel cannot remap ports"), rs);
        }
    }

    private static String normalize(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }

    private static String resource(String name) {
        return Path.of("src/test/resources/project", name).toAbsolutePath().toString();
    }

    private static int statusCount(Kubectl kubectl) {
        String out = kubectl.run("get", "virtualservices", "-o", "jsonpath={range .items[*]}{.status.observedGeneration}{\"\\n\"}{end}")
                .stdout();
        return (int) out.lines().filter(l -> !l.isBlank()).count();
    }

    private static String jsonpath(Kubectl kubectl, String object, String expression) {
        List<String> args = new java.util.ArrayList<>(List.of("get"));
        args.addAll(List.of(object.split(" ")));
        args.addAll(List.of("-o", "jsonpath=" + expression));
        Kubectl.Result r = kubectl.run(args.toArray(String[]::new));
        return r.succeeded() ? r.stdout().strip() : "";
    }

    /** The Lease the agent on {@code node} renews (its liveness), renewed now, as a manifest. */
    private static Path agentLease(String node) throws IOException {
        String now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS).toString();
        Path f = Files.createTempFile("lease", ".yaml");
        Files.writeString(f, """
                apiVersion: coordination.k8s.io/v1
                kind: Lease
                metadata: {name: lvs-agent-%s, namespace: lvs-system, labels: {app.kubernetes.io/name: lvs-node-agent}}
                spec: {holderIdentity: %s, leaseDurationSeconds: 40, renewTime: "%s"}
                """.formatted(node, node, now));
        return f;
    }

    /** The NodeReport of {@code node} about web, from {@code web-reports.yaml}, as a manifest of its own. */
    private static Path report(String node) throws IOException {
        String all = Files.readString(Path.of(resource("web-reports.yaml")));
        String mine = java.util.Arrays.stream(all.split("(?m)^---$")).filter(d -> d.contains("name: web." + node + ","))
                .findFirst().orElseThrow();
        Path f = Files.createTempFile("report", ".yaml");
        Files.writeString(f, mine);
        return f;
    }

    /** Writes a report's status the way an agent does: a PUT of the status subresource. */
    private static void reportStatus(Kubectl agent, String name, String role, boolean active) throws IOException {
        writeStatus(agent, name, """
                {"role": "%s", "programmed": true, "virtualServiceGeneration": 1, "vipHeld": %s,
                  "kernelStatePresent": true, "vipNetwork": "192.0.2.0/24", "reportTime": "%s",
                  "realServers": [
                    {"name": "web-1", "healthy": true, "lastProbe": {"result": "Success", "latency": "0.9ms", "message": "HTTP 200"}},
                    {"name": "web-2", "healthy": true, "lastProbe": {"result": "Success", "latency": "1.1ms", "message": "HTTP 200"}}]}
                """.formatted(role, active, Instant.now().toString()));
    }

    /** What the agent of a DirectRouting real server's node reports once the VIP is on its lo. */
    private static void realServerNodePrepared(Kubectl agent, String name) throws IOException {
        writeStatus(agent, name, """
                {"role": "RealServer", "programmed": true, "virtualServiceGeneration": 1,
                  "kernelStatePresent": true, "reportTime": "%s"}
                """.formatted(Instant.now().toString()));
    }

    /** What an agent reports once it removed a deleted VirtualService's VIP and IPVS entries. */
    private static void cleanedUp(Kubectl agent, String report) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode status = json.readTree(agent.run("get", "nodereport", report, "-o", "json").orFail().stdout())
                .path("status");
        com.fasterxml.jackson.databind.node.ObjectNode gone = status.isObject()
                ? ((com.fasterxml.jackson.databind.node.ObjectNode) status).deepCopy() : json.createObjectNode();
        gone.put("kernelStatePresent", false).put("vipHeld", false);
        if (gone.path("role").asText().equals("Active")) {
            gone.put("role", "Standby");
        }
        writeStatus(agent, report, json.writeValueAsString(gone));
    }

    /** The report read, its status replaced by {@code status} (JSON), written back with a PUT on /status. */
    private static void writeStatus(Kubectl agent, String name, String status) throws IOException {
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode report = (com.fasterxml.jackson.databind.node.ObjectNode)
                json.readTree(agent.run("get", "nodereport", name, "-o", "json").orFail().stdout());
        report.set("status", json.readTree(status));
        Path f = Files.createTempFile("status", ".json");
        Files.writeString(f, json.writeValueAsString(report));
        agent.run("replace", "--validate=false", "--subresource=status", "-f", f.toString()).orFail();
    }

    private static void waitFor(String what, OperatorProcess operator, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (!operator.isAlive()) {
                fail("the operator exited while waiting for " + what + ":\n" + String.join("\n", operator.output()));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        fail("timed out waiting for " + what + "; operator output:\n" + String.join("\n", operator.output()));
    }
}
