package io.lvs.operator.controller;

import static io.lvs.operator.controller.OperatorTestSupport.WAIT;
import static io.lvs.operator.controller.OperatorTestSupport.apply;
import static io.lvs.operator.controller.OperatorTestSupport.applyRealServer;
import static io.lvs.operator.controller.OperatorTestSupport.awaitRs;
import static io.lvs.operator.controller.OperatorTestSupport.awaitVs;
import static io.lvs.operator.controller.OperatorTestSupport.condition;
import static io.lvs.operator.controller.OperatorTestSupport.has;
import static io.lvs.operator.controller.OperatorTestSupport.node;
import static io.lvs.operator.controller.OperatorTestSupport.report;
import static io.lvs.operator.controller.OperatorTestSupport.rsHas;
import static io.lvs.operator.controller.OperatorTestSupport.vs;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.lvs.api.v1alpha1.DirectorRole;
import io.lvs.api.v1alpha1.NodeReport;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.operator.model.Conditions;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator running against the Fabric8 mock API server (CRUD mode, with watches): what a user sees after applying
 * objects, and what agents' reports turn into. Each test uses its own VIPs and names.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class VirtualServiceControllerTest {
    @Inject
    KubernetesClient client;

    @BeforeEach
    void nodes() {
        if (client.nodes().withName("node-a").get() == null) {
            node(client, "node-a", "198.51.100.1", Map.of("lvs.io/director", "true"));
            node(client, "node-b", "198.51.100.2", Map.of("lvs.io/director", "true"));
            node(client, "worker-1", "192.0.2.21", Map.of());
            node(client, "worker-2", "192.0.2.22", Map.of());
        }
    }

    private static String vsYaml(String name, String vip, int port) {
        return """
                apiVersion: lvs.io/v1alpha1
                kind: VirtualService
                metadata: {name: %s, namespace: default}
                spec:
                  vip: %s
                  ports: [{name: p, port: %d}]
                  realServerSelector: {matchLabels: {app: %s}}
                  directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                """.formatted(name, vip, port, name);
    }

    private static String rsYaml(String name, String app, String address) {
        return """
                apiVersion: lvs.io/v1alpha1
                kind: RealServer
                metadata: {name: %s, namespace: default, labels: {app: %s}}
                spec: {address: %s}
                """.formatted(name, app, address);
    }

    @Test
    void aNewVirtualServiceIsAcceptedAndWaitsForItsAgents() {
        applyRealServer(client, rsYaml("web-1", "web", "192.0.2.21"));
        apply(client, vsYaml("web", "192.0.2.10", 80));
        VirtualService vs = awaitVs(client, "web", has(Conditions.ACCEPTED, "True", "Accepted"));
        assertEquals(1L, vs.getStatus().getObservedGeneration());
        assertEquals(1L, condition(vs, Conditions.ACCEPTED).orElseThrow().getObservedGeneration());
        assertEquals("VIP 192.0.2.10 80/TCP with 1 real server", condition(vs, Conditions.ACCEPTED).orElseThrow().getMessage());
        assertEquals("AwaitingAgents", condition(vs, Conditions.PROGRAMMED).orElseThrow().getReason());
        assertEquals("80/TCP", vs.getStatus().getPorts());
        assertEquals("0/1", vs.getStatus().getRealServersReady());
        assertTrue(vs.getMetadata().getFinalizers().contains(VirtualServiceReconciler.FINALIZER));
        awaitRs(client, "web-1", rsHas(Conditions.ACCEPTED, "True", "Accepted"));
        assertEquals("worker-1", OperatorTestSupport.rs(client, "web-1").getStatus().getNodeName());

        // a spec change is a new generation, reflected everywhere
        client.resources(VirtualService.class).inNamespace("default").withName("web").edit(v -> {
            v.getSpec().getPorts().getFirst().setPort(8080);
            return v;
        });
        vs = awaitVs(client, "web", v -> v.getStatus().getObservedGeneration() == 2L);
        assertEquals(2L, vs.getStatus().getAcceptedGeneration());
        assertEquals("8080/TCP", vs.getStatus().getPorts());
        assertEquals(2L, condition(vs, Conditions.ACCEPTED).orElseThrow().getObservedGeneration());
    }

    @Test
    void theOlderVirtualServiceKeepsAContestedPortUntilItIsDeleted() {
        applyRealServer(client, rsYaml("first-1", "first", "192.0.2.31"));
        applyRealServer(client, rsYaml("second-1", "second", "192.0.2.32"));
        apply(client, vsYaml("first", "192.0.2.30", 443));
        awaitVs(client, "first", has(Conditions.ACCEPTED, "True", "Accepted"));
        apply(client, vsYaml("second", "192.0.2.30", 443));
        VirtualService second = awaitVs(client, "second", has(Conditions.ACCEPTED, "False", "Conflict"));
        assertEquals("VIP 192.0.2.30 port 443/TCP is already served by VirtualService default/first, created earlier; "
                + "use another VIP or port, or delete that VirtualService", condition(second, Conditions.ACCEPTED).orElseThrow().getMessage());
        await().atMost(WAIT).until(() -> events("second").stream().anyMatch(e -> e.getReason().equals("Conflict")
                && e.getType().equals("Warning")));

        client.resources(VirtualService.class).inNamespace("default").withName("first").delete();
        awaitVs(client, "second", has(Conditions.ACCEPTED, "True", "Accepted"));
    }

    @Test
    void invalidObjectsThatSkippedTheSchemaAreRejectedWithReasons() {
        // The mock API server does not validate against the CRD, like an API server or tool that bypasses schemas.
        // Sent untyped, so the unknown scheduler name reaches the server as written.
        client.resource(client.getKubernetesSerialization().unmarshal("""
                apiVersion: lvs.io/v1alpha1
                kind: VirtualService
                metadata: {name: broken, namespace: default}
                spec:
                  vip: 192.0.2.300
                  ports: [{port: 80}]
                  scheduler: {name: wlcc}
                  directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                """, io.fabric8.kubernetes.api.model.GenericKubernetesResource.class)).inNamespace("default").create();
        VirtualService vs = awaitVs(client, "broken", has(Conditions.ACCEPTED, "False", "InvalidSpec"));
        String message = condition(vs, Conditions.ACCEPTED).orElseThrow().getMessage();
        assertTrue(message.contains("spec.vip: vip must be an IPv4 or IPv6 address"), message);
        assertTrue(message.contains("spec.scheduler.name: spec.scheduler.name must be one of rr, wrr"), message);
        assertEquals("NotAccepted", condition(vs, Conditions.PROGRAMMED).orElseThrow().getReason());

        applyRealServer(client, """
                apiVersion: lvs.io/v1alpha1
                kind: RealServer
                metadata: {name: lonely, namespace: default}
                spec: {address: 192.0.2.99, virtualServiceRef: {name: nowhere}}
                """);
        awaitRs(client, "lonely", rsHas(Conditions.ACCEPTED, "False", "VirtualServiceNotFound"));
    }

    @Test
    void agentReportsBecomeProgrammedReadyAndHealth() {
        applyRealServer(client, rsYaml("api-1", "api", "192.0.2.41"));
        apply(client, vsYaml("api", "192.0.2.40", 80));
        awaitVs(client, "api", has(Conditions.ACCEPTED, "True", "Accepted"));
        // what the node agents will write: node-a active, node-b standby; node-a sees api-1 healthy
        report(client, "api", "node-a", "Active", 1, "api-1", true);
        report(client, "api", "node-b", "Standby", 1, "api-1", true);
        VirtualService vs = awaitVs(client, "api", has(Conditions.READY, "True", "Ready"));
        assertEquals("node-a", vs.getStatus().getActiveDirector());
        assertEquals("True", condition(vs, Conditions.PROGRAMMED).orElseThrow().getStatus());
        assertEquals("1/1", vs.getStatus().getRealServersReady());
        assertEquals(List.of(DirectorRole.Active, DirectorRole.Standby),
                vs.getStatus().getDirectors().stream().map(d -> d.getRole()).toList());
        var rs = awaitRs(client, "api-1", rsHas(Conditions.HEALTHY, "True", "HealthCheckPassed"));
        assertEquals("1.1ms", rs.getStatus().getLastProbe().getLatency());

        // node-a's probe now fails; then node-b takes over
        NodeReport a = client.resources(NodeReport.class).inNamespace("default").withName("api.node-a").get();
        a.getStatus().getRealServers().getFirst().setHealthy(false);
        a.getStatus().getRealServers().getFirst().getLastProbe().setMessage("HTTP 503");
        client.resource(a).updateStatus();
        vs = awaitVs(client, "api", has(Conditions.READY, "False", "NoHealthyRealServers"));
        assertEquals("AllRealServersDown", condition(vs, Conditions.DEGRADED).orElseThrow().getReason());
        awaitRs(client, "api-1", rsHas(Conditions.HEALTHY, "False", "HealthCheckFailed"));
    }

    @Test
    void theAgentDaemonSetFollowsDirectorsRealServersAndLabels() {
        applyRealServer(client, rsYaml("ds-1", "ds", "192.0.2.22"));
        apply(client, vsYaml("ds", "192.0.2.50", 80));
        DaemonSet ds = await().atMost(WAIT).until(() -> client.apps().daemonSets().inNamespace("lvs-system")
                .withName("lvs-node-agent").get(), d -> d != null && terms(d).size() == 2);
        var container = ds.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertTrue(ds.getSpec().getTemplate().getSpec().getHostNetwork());
        assertEquals(List.of("NET_ADMIN", "NET_RAW"), container.getSecurityContext().getCapabilities().getAdd());
        assertEquals(List.of("ALL"), container.getSecurityContext().getCapabilities().getDrop());
        assertTrue(container.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(Boolean.FALSE, container.getSecurityContext().getPrivileged());
        assertNotNull(container.getResources().getRequests().get("memory"));
        assertEquals("lvs-node-agent", ds.getSpec().getTemplate().getSpec().getServiceAccountName());
        assertNotNull(client.serviceAccounts().inNamespace("lvs-system").withName("lvs-node-agent").get());
        List<NodeSelectorTerm> t = terms(ds);
        assertEquals("lvs.io/director", t.get(0).getMatchExpressions().getFirst().getKey());
        assertTrue(t.get(1).getMatchFields().getFirst().getValues().contains("worker-2"), "the DR real server's node");

        // the node set follows node labels: label worker-1 a director, unlabel node-b
        assertEquals(java.util.Set.of("node-a", "node-b", "worker-2"), selected(ds));
        label("worker-1", "lvs.io/director", "true");
        label("node-b", "lvs.io/director", null);
        DaemonSet relabelled = client.apps().daemonSets().inNamespace("lvs-system").withName("lvs-node-agent").get();
        assertEquals(java.util.Set.of("node-a", "worker-1", "worker-2"), selected(relabelled));
        label("worker-1", "lvs.io/director", null);
        label("node-b", "lvs.io/director", "true");

        // a real server moved to worker-1's address moves its agent term
        client.resources(io.lvs.api.v1alpha1.RealServer.class).inNamespace("default").withName("ds-1")
                .edit(r -> {
                    r.getSpec().setAddress("192.0.2.21");
                    return r;
                });
        await().atMost(WAIT).until(() -> terms(client.apps().daemonSets().inNamespace("lvs-system").withName("lvs-node-agent").get())
                .stream().anyMatch(term -> !term.getMatchFields().isEmpty() && term.getMatchFields().getFirst().getValues().contains("worker-1")
                        && !term.getMatchFields().getFirst().getValues().contains("worker-2")));
    }

    /** Sets ({@code value} non-null) or removes a node label, as an administrator would. */
    private void label(String node, String key, String value) {
        client.nodes().withName(node).edit(n -> {
            Map<String, String> labels = new java.util.HashMap<>(n.getMetadata().getLabels() == null ? Map.of()
                    : n.getMetadata().getLabels());
            if (value == null) {
                labels.remove(key);
            } else {
                labels.put(key, value);
            }
            n.getMetadata().setLabels(labels);
            return n;
        });
    }

    private java.util.SortedSet<String> selected(DaemonSet ds) {
        return NodeAffinityEvaluator.nodesSelected(ds, client.nodes().list().getItems());
    }

    private static List<NodeSelectorTerm> terms(DaemonSet ds) {
        return ds == null ? List.of() : ds.getSpec().getTemplate().getSpec().getAffinity().getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
    }

    @Test
    void deletionWaitsForTheAgentsToCleanUp() {
        applyRealServer(client, rsYaml("gone-1", "gone", "192.0.2.61"));
        apply(client, vsYaml("gone", "192.0.2.60", 80));
        awaitVs(client, "gone", has(Conditions.ACCEPTED, "True", "Accepted"));
        NodeReport r = report(client, "gone", "node-a", "Active", 1, "gone-1", true); // node-a holds kernel state
        awaitVs(client, "gone", v -> "node-a".equals(v.getStatus().getActiveDirector())); // the operator has seen it
        client.resources(VirtualService.class).inNamespace("default").withName("gone").delete();
        await().during(java.time.Duration.ofSeconds(2)).atMost(WAIT).until(() -> vs(client, "gone") != null);
        assertTrue(events("gone").stream().anyMatch(e -> e.getReason().equals("WaitingForCleanup")));
        r = client.resources(NodeReport.class).inNamespace("default").withName("gone.node-a").get();
        r.getStatus().setKernelStatePresent(false); // the agent removed the VIP and IPVS entries
        client.resource(r).updateStatus();
        await().atMost(WAIT).until(() -> vs(client, "gone") == null);
    }

    @Test
    void deletionGivesUpAfterTheCleanupTimeoutWithAWarning() {
        applyRealServer(client, rsYaml("stuck-1", "stuck", "192.0.2.71"));
        apply(client, vsYaml("stuck", "192.0.2.70", 80));
        awaitVs(client, "stuck", has(Conditions.ACCEPTED, "True", "Accepted"));
        report(client, "stuck", "node-b", "Active", 1, "stuck-1", true);
        awaitVs(client, "stuck", v -> "node-b".equals(v.getStatus().getActiveDirector())); // the operator has seen it
        client.resources(VirtualService.class).inNamespace("default").withName("stuck").delete();
        await().atMost(WAIT).until(() -> vs(client, "stuck") == null); // lvs.cleanup-timeout is 6s in tests
        assertTrue(events("stuck").stream().anyMatch(e -> e.getReason().equals("CleanupTimedOut")
                && e.getType().equals("Warning") && e.getMessage().contains("node-b")));
    }

    private List<Event> events(String name) {
        return client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName())).toList();
    }
}
