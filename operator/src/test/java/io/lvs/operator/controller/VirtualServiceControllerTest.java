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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.lvs.api.v1alpha1.DirectorRole;
import io.lvs.api.v1alpha1.NodeReport;
import io.lvs.api.v1alpha1.VipPool;
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
            OperatorTestSupport.chartDaemonSet(client);
            OperatorTestSupport.testPool(client);
        }
    }

    private VirtualService localIn(String namespace, String name, String vip, int port) {
        return client.resource(client.getKubernetesSerialization().unmarshal(localYaml(name, vip).replace("80}]",
                port + "}]"), VirtualService.class)).inNamespace(namespace).create();
    }

    private VirtualService vsIn(String namespace, String name) {
        return client.resources(VirtualService.class).inNamespace(namespace).withName(name).get();
    }

    private void awaitIn(String namespace, String name, java.util.function.Predicate<VirtualService> check) {
        org.awaitility.Awaitility.await().atMost(OperatorTestSupport.WAIT).pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> vsIn(namespace, name), v -> v != null && check.test(v));
    }

    @Test
    void aVipOutsideThePoolsIsRefusedNamingThemAndAPoolForItsNamespaceLabelsAcceptsItUntilTheLabelGoes() {
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName("team-x").endMetadata().build()).create();
        localIn("team-x", "edge", "192.0.2.140", 80);
        awaitIn("team-x", "edge", has(Conditions.ACCEPTED, "False", "VipNotAllowed"));
        String message = condition(vsIn("team-x", "edge"), Conditions.ACCEPTED).orElseThrow().getMessage();
        assertTrue(message.contains("VIP 192.0.2.140 is in no VipPool that namespace team-x may use")
                && message.contains("tests (holds the VIP but allows only namespaces default)"), message);
        assertNull(vsIn("team-x", "edge").getStatus().getAcceptedSpec(), "nothing for the agents to serve");

        client.resource(client.getKubernetesSerialization().unmarshal("""
                apiVersion: lvs.io/v1alpha1
                kind: VipPool
                metadata: {name: gold}
                spec:
                  addresses: [192.0.2.140/32]
                  namespaceSelector: {matchLabels: {tier: gold}}
                """, VipPool.class)).create();
        client.namespaces().withName("team-x").edit(n -> {
            n.getMetadata().setLabels(Map.of("tier", "gold"));
            return n;
        });
        awaitIn("team-x", "edge", has(Conditions.ACCEPTED, "True", "Accepted"));
        assertEquals("192.0.2.140", vsIn("team-x", "edge").getStatus().getAcceptedSpec().getVip());

        // the administrator takes the label away: the accepted VIP is withdrawn, not kept
        client.namespaces().withName("team-x").edit(n -> {
            n.getMetadata().setLabels(Map.of());
            return n;
        });
        awaitIn("team-x", "edge", has(Conditions.ACCEPTED, "False", "VipNotAllowed"));
        assertNull(vsIn("team-x", "edge").getStatus().getAcceptedSpec());
        assertNull(vsIn("team-x", "edge").getStatus().getAcceptedGeneration());
    }

    @Inject
    io.lvs.operator.kube.EventRecorder recorder;

    @Test
    void aRepeatedEventIsCountedOnOneEventWithoutReadingEvents() {
        VirtualService about = localIn("default", "counted", "192.0.2.142", 80);
        for (int i = 0; i < 3; i++) {
            recorder.normal(about, "Counted", "the same thing again");
        }
        var events = client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> "Counted".equals(e.getReason())).toList();
        assertEquals(1, events.size(), events.toString());
        assertEquals(3, events.getFirst().getCount());
        assertEquals("counted", events.getFirst().getInvolvedObject().getName());
    }

    @Test
    void aVirtualServiceRefusedByThePoolsHoldsNoPortOfItsVipAndDoesNotTakeItOverWhenAllowedLater() {
        // older, and its namespace/name sorts first: only the pools keep it from holding the port
        localIn("aaa-squat", "squatter", "192.0.2.141", 80);
        awaitIn("aaa-squat", "squatter", has(Conditions.ACCEPTED, "False", "VipNotAllowed"));
        localIn("default", "owner", "192.0.2.141", 80);
        awaitIn("default", "owner", has(Conditions.ACCEPTED, "True", "Accepted"));

        // a pool starts allowing the squatter's namespace: the port being served stays with its holder
        client.resource(client.getKubernetesSerialization().unmarshal("""
                apiVersion: lvs.io/v1alpha1
                kind: VipPool
                metadata: {name: squat}
                spec: {addresses: [192.0.2.141/32], namespaces: [aaa-squat]}
                """, VipPool.class)).create();
        awaitIn("aaa-squat", "squatter", has(Conditions.ACCEPTED, "False", "Conflict"));
        String message = condition(vsIn("aaa-squat", "squatter"), Conditions.ACCEPTED).orElseThrow().getMessage();
        // "which serves it now", or, when both were created in the same second, "... and accepted first"
        assertTrue(message.contains("already served by VirtualService default/owner, which serves it now")
                || message.contains("already served by VirtualService default/owner, created in the same second and "
                + "accepted first"), message);
        assertEquals("True", condition(vsIn("default", "owner"), Conditions.ACCEPTED).orElseThrow().getStatus());
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
        // API timestamps have one-second resolution: within one second, "first" wins because it was accepted first
        boolean sameSecond = vs(client, "first").getMetadata().getCreationTimestamp()
                .equals(second.getMetadata().getCreationTimestamp());
        assertEquals("VIP 192.0.2.30 port 443/TCP is already served by VirtualService default/first, "
                + (sameSecond ? "created in the same second and accepted first" : "created earlier")
                + "; use another VIP or port, or delete that VirtualService",
                condition(second, Conditions.ACCEPTED).orElseThrow().getMessage());
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
        assertTrue(message.contains("; spec.scheduler.name must be one of rr, wrr"), message + " (the field named once)");
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
    void everyLoserTakesThePortOverWhenItsHolderIsDeleted() {
        // Before, some losers stayed in Conflict for good: woken by the holder's deletion before their own cache had
        // seen it. 40 pairs at once make that race likely; each loser must end Accepted.
        int pairs = 40;
        for (int i = 0; i < pairs; i++) {
            apply(client, localYaml("holder-" + i, "203.0.113." + (100 + i)));
        }
        for (int i = 0; i < pairs; i++) {
            awaitVs(client, "holder-" + i, has(Conditions.ACCEPTED, "True", "Accepted"));
        }
        for (int i = 0; i < pairs; i++) {
            apply(client, localYaml("loser-" + i, "203.0.113." + (100 + i)));
        }
        for (int i = 0; i < pairs; i++) {
            awaitVs(client, "loser-" + i, has(Conditions.ACCEPTED, "False", "Conflict"));
        }
        for (int i = 0; i < pairs; i++) {
            client.resources(VirtualService.class).inNamespace("default").withName("holder-" + i).delete();
        }
        for (int i = 0; i < pairs; i++) {
            awaitVs(client, "loser-" + i, has(Conditions.ACCEPTED, "True", "Accepted"));
        }
    }

    private static String localYaml(String name, String vip) {
        return """
                apiVersion: lvs.io/v1alpha1
                kind: VirtualService
                metadata: {name: %s, namespace: default}
                spec:
                  vip: %s
                  ports: [{port: 80}]
                  forwarding: {method: Local}
                  directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                """.formatted(name, vip);
    }

    @Test
    void objectsWithAFieldOfTheWrongJsonTypeAreRefusedByNameAndEveryOtherObjectKeepsReconciling() {
        // Stored untyped on a server that skips schemas: before, the first read of such an object stopped the
        // operator's watch of its whole kind ("watch failed ... will stop") and nothing reconciled any more.
        untyped("""
                apiVersion: lvs.io/v1alpha1
                kind: VirtualService
                metadata: {name: typo, namespace: default}
                spec:
                  vip: 192.0.2.160
                  ports: [{port: eighty}]
                  scheduler: wrr
                  directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                """);
        untyped("""
                apiVersion: lvs.io/v1alpha1
                kind: RealServer
                metadata: {name: heavy, namespace: default, labels: {app: after-typo}}
                spec: {address: 192.0.2.162, weight: heavy}
                """);
        VirtualService typo = awaitVs(client, "typo", has(Conditions.ACCEPTED, "False", "InvalidSpec"));
        // kube-apiserver's sentence for the same object, naming the field once
        assertEquals("spec.ports[0].port in body must be of type integer: \"string\"",
                condition(typo, Conditions.ACCEPTED).orElseThrow().getMessage());
        awaitRs(client, "heavy", r -> condition(r, Conditions.ACCEPTED).map(c -> "False".equals(c.getStatus())
                && c.getMessage().contains("spec.weight in body must be of type integer: \"string\"")).orElse(false));

        // objects created afterwards, of both kinds, are reconciled as usual
        apply(client, vsYaml("after-typo", "192.0.2.161", 80));
        applyRealServer(client, rsYaml("after-typo-1", "after-typo", "192.0.2.163"));
        VirtualService after = awaitVs(client, "after-typo", has(Conditions.ACCEPTED, "True", "Accepted"));
        assertEquals(1, after.getStatus().getTotalRealServers(), "the new RealServer is a member; the unreadable one is not");

        // fixing the object is enough
        client.genericKubernetesResources("lvs.io/v1alpha1", "VirtualService").inNamespace("default").withName("typo")
                .edit(g -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> spec = (Map<String, Object>) g.getAdditionalProperties().get("spec");
                    spec.put("ports", List.of(Map.of("port", 80)));
                    spec.put("scheduler", Map.of("name", "wrr"));
                    spec.put("realServerSelector", Map.of("matchLabels", Map.of("app", "typo")));
                    return g;
                });
        applyRealServer(client, rsYaml("typo-1", "typo", "192.0.2.164"));
        awaitVs(client, "typo", has(Conditions.ACCEPTED, "True", "Accepted"));
    }

    private void untyped(String yaml) {
        client.resource(client.getKubernetesSerialization().unmarshal(yaml,
                io.fabric8.kubernetes.api.model.GenericKubernetesResource.class)).inNamespace("default").create();
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
    void aReportIsBelievedOnlyWhileItsAgentsLeaseIsCurrent() {
        applyRealServer(client, rsYaml("live-1", "live", "192.0.2.51"));
        apply(client, vsYaml("live", "192.0.2.50", 80));
        awaitVs(client, "live", has(Conditions.ACCEPTED, "True", "Accepted"));
        report(client, "live", "node-a", "Active", 1, "live-1", true);
        report(client, "live", "node-b", "Standby", 1, "live-1", true);
        awaitVs(client, "live", v -> "node-a".equals(v.getStatus().getActiveDirector()));
        // node-a's agent dies: its Lease lapses, so its last word (Active) is no longer believed
        OperatorTestSupport.lease(client, "node-a", java.time.Instant.now().minusSeconds(60));
        VirtualService vs = awaitVs(client, "live", v -> v.getStatus().getActiveDirector() == null);
        assertEquals("NoActiveDirector", condition(vs, Conditions.READY).orElseThrow().getReason());
        assertTrue(vs.getStatus().getDirectors().getFirst().getMessage().startsWith("its agent last renewed its Lease at"),
                vs.getStatus().getDirectors().getFirst().getMessage());
        // it comes back
        OperatorTestSupport.lease(client, "node-a", java.time.Instant.now());
        awaitVs(client, "live", v -> "node-a".equals(v.getStatus().getActiveDirector()));
        // a Lease that simply runs out (no event at all) is noticed too
        OperatorTestSupport.lease(client, "node-a", java.time.Instant.now().minus(io.lvs.api.v1alpha1.AgentLeases.DURATION)
                .plusSeconds(3));
        awaitVs(client, "live", v -> v.getStatus().getActiveDirector() == null);
    }

    @Test
    void anAgentPodThatCannotStartIsNamedInTheConditions() {
        applyRealServer(client, rsYaml("pull-1", "pull", "192.0.2.56"));
        apply(client, vsYaml("pull", "192.0.2.55", 80));
        awaitVs(client, "pull", has(Conditions.ACCEPTED, "True", "Accepted"));
        OperatorTestSupport.lease(client, "node-a", java.time.Instant.now());
        OperatorTestSupport.lease(client, "node-b", java.time.Instant.now().minusSeconds(600));
        client.pods().inNamespace("lvs-system").resource(io.lvs.operator.model.AgentFixtures.waitingPod("node-b",
                "ImagePullBackOff", "Back-off pulling image \"registry.example/lvs-node-agent:0.1.0\"")).create();
        VirtualService vs = awaitVs(client, "pull", has(Conditions.PROGRAMMED, "False", "AgentNotRunning"));
        assertTrue(condition(vs, Conditions.PROGRAMMED).orElseThrow().getMessage().contains(
                "node-b (its agent last renewed its Lease at"), condition(vs, Conditions.PROGRAMMED).orElseThrow().getMessage());
        assertTrue(condition(vs, Conditions.PROGRAMMED).orElseThrow().getMessage().endsWith(
                "agent pod lvs-node-agent-node-b: ImagePullBackOff: Back-off pulling image "
                        + "\"registry.example/lvs-node-agent:0.1.0\")"), condition(vs, Conditions.PROGRAMMED).orElseThrow().getMessage());
        client.pods().inNamespace("lvs-system").withName("lvs-node-agent-node-b").delete();
        OperatorTestSupport.lease(client, "node-b", java.time.Instant.now());
    }

    @Test
    void aDirectRoutingServersNodeWithoutAWorkingAgentIsNamedUntilItsAgentPreparesIt() {
        applyRealServer(client, rsYaml("prep-1", "prep", "192.0.2.22")); // worker-2's address: its agent prepares it
        apply(client, vsYaml("prep", "192.0.2.90", 80));
        awaitVs(client, "prep", has(Conditions.ACCEPTED, "True", "Accepted"));
        report(client, "prep", "node-a", "Active", 1, "prep-1", true);
        report(client, "prep", "node-b", "Standby", 1, "prep-1", true);
        awaitVs(client, "prep", v -> "node-a".equals(v.getStatus().getActiveDirector()));
        // worker-2's agent cannot start: nothing about the VirtualService changes, only the agent's pod and Lease
        OperatorTestSupport.lease(client, "worker-2", java.time.Instant.now().minusSeconds(600));
        client.pods().inNamespace("lvs-system").resource(io.lvs.operator.model.AgentFixtures.waitingPod("worker-2",
                "ErrImagePull", "pull access denied for registry.example/lvs-node-agent")).create();
        VirtualService vs = awaitVs(client, "prep", has(Conditions.PROGRAMMED, "False", "AgentNotRunning"));
        String programmed = condition(vs, Conditions.PROGRAMMED).orElseThrow().getMessage();
        assertTrue(programmed.startsWith("no lvs agent runs on real-server node worker-2 (prep-1) (its agent last renewed "
                + "its Lease at"), programmed);
        assertTrue(programmed.endsWith("agent pod lvs-node-agent-worker-2: ErrImagePull: pull access denied for "
                + "registry.example/lvs-node-agent)"), programmed);
        assertEquals("RealServerNodesNotPrepared", condition(vs, Conditions.READY).orElseThrow().getReason());
        assertEquals("RealServerNodeNotPrepared", condition(vs, Conditions.DEGRADED).orElseThrow().getReason());
        assertEquals("0/1", vs.getStatus().getRealServersReady());
        var rs = awaitRs(client, "prep-1", rsHas(Conditions.NODE_PREPARED, "False", "AgentNotRunning"));
        assertTrue(condition(rs, Conditions.NODE_PREPARED).orElseThrow().getMessage().contains("ErrImagePull"),
                condition(rs, Conditions.NODE_PREPARED).orElseThrow().getMessage());

        // the image is fixed: the agent runs, but cannot put the VIP on lo yet
        client.pods().inNamespace("lvs-system").withName("lvs-node-agent-worker-2").delete();
        OperatorTestSupport.realServerNodeReport(client, "prep", "worker-2", 1, false, "NotProgrammed",
                "VIP 192.0.2.90 could not be put on lo: EPERM - Operation not permitted");
        vs = awaitVs(client, "prep", has(Conditions.PROGRAMMED, "False", "NotProgrammed"));
        assertEquals("real-server node worker-2 (prep-1): VIP 192.0.2.90 could not be put on lo: EPERM - Operation not "
                + "permitted", condition(vs, Conditions.PROGRAMMED).orElseThrow().getMessage());
        awaitRs(client, "prep-1", rsHas(Conditions.NODE_PREPARED, "False", "NotPrepared"));

        // and then it does
        OperatorTestSupport.realServerNodeReport(client, "prep", "worker-2", 1, true, null, null);
        vs = awaitVs(client, "prep", has(Conditions.READY, "True", "Ready"));
        assertEquals("True", condition(vs, Conditions.PROGRAMMED).orElseThrow().getStatus());
        assertEquals("False", condition(vs, Conditions.DEGRADED).orElseThrow().getStatus());
        assertEquals("1/1", vs.getStatus().getRealServersReady());
        awaitRs(client, "prep-1", rsHas(Conditions.NODE_PREPARED, "True", "Prepared"));

        // a director finds its IPVS service held by kube-proxy: Programmed says so, in the agent's words
        NodeReport b = client.resources(NodeReport.class).inNamespace("default").withName("prep.node-b").get();
        b.getStatus().setProgrammed(false);
        b.getStatus().setReason("Conflict");
        b.getStatus().setMessage("IPVS service TCP 192.0.2.90:80 is held by an entry lvs-operator did not create");
        client.resource(b).updateStatus();
        vs = awaitVs(client, "prep", has(Conditions.PROGRAMMED, "False", "Conflict"));
        assertEquals("node-b: IPVS service TCP 192.0.2.90:80 is held by an entry lvs-operator did not create",
                condition(vs, Conditions.PROGRAMMED).orElseThrow().getMessage());
    }

    @Test
    void deletionWaitsForTheAgentsToCleanUp() {
        applyRealServer(client, rsYaml("gone-1", "gone", "192.0.2.61"));
        apply(client, vsYaml("gone", "192.0.2.60", 80));
        awaitVs(client, "gone", has(Conditions.ACCEPTED, "True", "Accepted"));
        NodeReport r = report(client, "gone", "node-a", "Active", 1, "gone-1", true); // node-a holds kernel state
        awaitVs(client, "gone", v -> "node-a".equals(v.getStatus().getActiveDirector())); // the operator has seen it
        client.resources(VirtualService.class).inNamespace("default").withName("gone").delete();
        await().atMost(WAIT).until(() -> events("gone").stream().anyMatch(e -> e.getReason().equals("WaitingForCleanup")));
        assertNotNull(vs(client, "gone"), "held by its finalizer while node-a holds kernel state");
        r = client.resources(NodeReport.class).inNamespace("default").withName("gone.node-a").get();
        r.getStatus().setKernelStatePresent(false); // the agent removed the VIP and IPVS entries
        client.resource(r).updateStatus();
        // Released because of the report, not by the cleanup timeout (6s in tests): no CleanupTimedOut warning.
        await().atMost(WAIT).until(() -> vs(client, "gone") == null);
        assertTrue(events("gone").stream().noneMatch(e -> e.getReason().equals("CleanupTimedOut")),
                "the finalizer must go because the agent reported, not because the timeout passed");
    }

    @Test
    void aNodeWhoseAgentIsGoneDoesNotHoldTheFinalizer() {
        applyRealServer(client, rsYaml("dead-1", "dead", "192.0.2.81"));
        apply(client, vsYaml("dead", "192.0.2.80", 80));
        awaitVs(client, "dead", has(Conditions.ACCEPTED, "True", "Accepted"));
        report(client, "dead", "worker-2", "Active", 1, "dead-1", true); // kernel state on worker-2
        awaitVs(client, "dead", v -> "worker-2".equals(v.getStatus().getActiveDirector()));
        OperatorTestSupport.lease(client, "worker-2", java.time.Instant.now().minusSeconds(120)); // its agent died
        awaitVs(client, "dead", v -> v.getStatus().getActiveDirector() == null);
        client.resources(VirtualService.class).inNamespace("default").withName("dead").delete();
        await().atMost(WAIT).until(() -> vs(client, "dead") == null);
        assertTrue(events("dead").stream().noneMatch(e -> e.getReason().equals("CleanupTimedOut")),
                "released at once: nothing on worker-2 can remove that state now");
    }

    @Test
    void deletionGivesUpAfterTheCleanupTimeoutWithAWarning() {
        applyRealServer(client, rsYaml("stuck-1", "stuck", "192.0.2.71"));
        apply(client, vsYaml("stuck", "192.0.2.70", 80));
        awaitVs(client, "stuck", has(Conditions.ACCEPTED, "True", "Accepted"));
        NodeReport r = report(client, "stuck", "node-b", "Active", 1, "stuck-1", true);
        awaitVs(client, "stuck", v -> "node-b".equals(v.getStatus().getActiveDirector())); // the operator has seen it
        // what the agent says while it cannot finish: someone else's destination keeps the service
        String kept = "IPVS service TCP 192.0.2.70:80 is no longer wanted, but it holds destinations lvs-operator did not "
                + "create (198.51.100.7:80)";
        r.getStatus().setMessage(kept);
        client.resource(r).updateStatus();
        // The operator shows that report before the deletion: the CRUD mock marks an object deleted without a new
        // resourceVersion, so a status PUT racing the deletion succeeds there (a real server answers 409 and the
        // operator retries) and hides the deletion from the operator until its next resync.
        awaitVs(client, "stuck", v -> v.getStatus().getDirectors().stream()
                .anyMatch(d -> d.getNodeName().equals("node-b") && kept.equals(d.getMessage())));
        client.resources(VirtualService.class).inNamespace("default").withName("stuck").delete();
        await().atMost(WAIT).until(() -> vs(client, "stuck") == null); // lvs.cleanup-timeout is 6s in tests
        assertTrue(events("stuck").stream().anyMatch(e -> e.getReason().equals("CleanupTimedOut")
                && e.getType().equals("Warning") && e.getMessage().contains("node-b: " + kept)),
                events("stuck").stream().map(Event::getMessage).toList().toString());
    }

    private List<Event> events(String name) {
        return client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName())).toList();
    }
}
