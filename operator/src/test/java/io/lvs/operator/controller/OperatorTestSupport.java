package io.lvs.operator.controller;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.lvs.api.v1alpha1.NodeReport;
import io.lvs.api.v1alpha1.NodeReports;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VipPool;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.operator.model.Conditions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** Helpers for tests that run the operator against the mock API server: objects as users write them, waiting. */
final class OperatorTestSupport {
    static final Duration WAIT = Duration.ofSeconds(20);

    private OperatorTestSupport() {
    }

    static VirtualService apply(KubernetesClient client, String yaml) {
        return client.resource(client.getKubernetesSerialization().unmarshal(yaml, VirtualService.class)).inNamespace("default")
                .create();
    }

    static RealServer applyRealServer(KubernetesClient client, String yaml) {
        return client.resource(client.getKubernetesSerialization().unmarshal(yaml, RealServer.class)).inNamespace("default")
                .create();
    }

    static Node node(KubernetesClient client, String name, String ip, Map<String, String> labels) {
        return client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress(ip).endAddress().endStatus().build())
                .create();
    }

    static VirtualService vs(KubernetesClient client, String name) {
        return client.resources(VirtualService.class).inNamespace("default").withName(name).get();
    }

    static RealServer rs(KubernetesClient client, String name) {
        return client.resources(RealServer.class).inNamespace("default").withName(name).get();
    }

    static Optional<Condition> condition(VirtualService vs, String type) {
        return vs == null || vs.getStatus() == null ? Optional.empty() : Conditions.find(vs.getStatus().getConditions(), type);
    }

    static Optional<Condition> condition(RealServer rs, String type) {
        return rs == null || rs.getStatus() == null ? Optional.empty() : Conditions.find(rs.getStatus().getConditions(), type);
    }

    /** Waits until the VirtualService satisfies {@code check}; returns it. */
    static VirtualService awaitVs(KubernetesClient client, String name, Predicate<VirtualService> check) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> vs(client, name), v -> v != null && check.test(v));
    }

    static RealServer awaitRs(KubernetesClient client, String name, Predicate<RealServer> check) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> rs(client, name), r -> r != null && check.test(r));
    }

    static Predicate<VirtualService> has(String type, String status, String reason) {
        return v -> condition(v, type).map(c -> status.equals(c.getStatus()) && reason.equals(c.getReason())).orElse(false);
    }

    static Predicate<RealServer> rsHas(String type, String status, String reason) {
        return r -> condition(r, type).map(c -> status.equals(c.getStatus()) && reason.equals(c.getReason())).orElse(false);
    }

    /** The pool the tests' VirtualServices in {@code default} take their VIPs from (every documentation range). */
    static void testPool(KubernetesClient client) {
        if (client.resources(VipPool.class).withName("tests").get() == null) {
            client.resource(client.getKubernetesSerialization().unmarshal("""
                    apiVersion: lvs.io/v1alpha1
                    kind: VipPool
                    metadata: {name: tests}
                    spec:
                      addresses: [192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32]
                      namespaces: [default]
                    """, VipPool.class)).create();
        }
    }

    /** The agents' DaemonSet as the Helm chart installs it (no node selector: every node gets an agent). */
    static void chartDaemonSet(KubernetesClient client) {
        client.apps().daemonSets().inNamespace("lvs-system").resource(new io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder()
                .withNewMetadata().withName("lvs-node-agent").withNamespace("lvs-system").endMetadata()
                .withNewSpec().withNewSelector().withMatchLabels(Map.of("app.kubernetes.io/name", "lvs-node-agent")).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(Map.of("app.kubernetes.io/name", "lvs-node-agent")).endMetadata()
                .withNewSpec().addNewToleration().withOperator("Exists").endToleration().addNewContainer().withName("agent")
                .withImage("lvs-node-agent").endContainer().endSpec().endTemplate().endSpec().build()).create();
    }

    /** Creates or replaces the Lease of {@code node}'s agent as that agent writes it, last renewed at {@code renewed}. */
    static void lease(KubernetesClient client, String node, java.time.Instant renewed) {
        var l = io.lvs.operator.model.AgentFixtures.lease(node, renewed);
        var current = client.leases().inNamespace("lvs-system").withName(l.getMetadata().getName()).get();
        if (current == null) {
            client.leases().inNamespace("lvs-system").resource(l).create();
        } else {
            current.setSpec(l.getSpec());
            client.leases().inNamespace("lvs-system").resource(current).update();
        }
    }

    /**
     * A NodeReport as the agent on a DirectRouting or Tunnel real server's node writes it: prepared (VIP on lo, sysctls),
     * or not with its reason and message. Creates or replaces it.
     */
    static NodeReport realServerNodeReport(KubernetesClient client, String vs, String node, long generation,
                                           boolean programmed, String reason, String message) {
        lease(client, node, java.time.Instant.now());
        NodeReport current = client.resources(NodeReport.class).inNamespace("default").withName(NodeReports.name(vs, node)).get();
        if (current == null) {
            NodeReport r = new NodeReport();
            r.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(NodeReports.name(vs, node))
                    .withNamespace("default").withLabels(NodeReports.labels(vs, node)).build());
            r.setSpec(new io.lvs.api.v1alpha1.NodeReportSpec(vs, node));
            current = client.resource(r).create();
        }
        io.lvs.api.v1alpha1.NodeReportStatus st = new io.lvs.api.v1alpha1.NodeReportStatus();
        st.setRole(io.lvs.api.v1alpha1.DirectorRole.RealServer);
        st.setProgrammed(programmed);
        st.setReason(reason);
        st.setMessage(message);
        st.setVirtualServiceGeneration(generation);
        st.setKernelStatePresent(true);
        st.setReportTime("2026-11-25T10:00:00Z");
        current.setStatus(st);
        return client.resource(current).updateStatus();
    }

    /** A NodeReport as the agent on {@code node} would write it, with one real server's health. */
    static NodeReport report(KubernetesClient client, String vs, String node, String role, long generation,
                             String realServer, boolean healthy) {
        lease(client, node, java.time.Instant.now()); // the agent that writes a report renews its Lease
        NodeReport r = new NodeReport();
        r.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(NodeReports.name(vs, node))
                .withNamespace("default").withLabels(NodeReports.labels(vs, node)).build());
        r.setSpec(new io.lvs.api.v1alpha1.NodeReportSpec(vs, node));
        NodeReport created = client.resource(r).create();
        created.setStatus(client.getKubernetesSerialization().unmarshal("""
                role: %s
                programmed: true
                virtualServiceGeneration: %d
                vipHeld: %s
                kernelStatePresent: true
                reportTime: "2026-11-25T10:00:00Z"
                realServers:
                  - {name: %s, healthy: %s, lastProbe: {result: %s, latency: 1.1ms, nodeName: %s, message: "HTTP %s"}}
                """.formatted(role, generation, role.equals("Active"), realServer, healthy, healthy ? "Success" : "Failure", node,
                healthy ? "200" : "503"), io.lvs.api.v1alpha1.NodeReportStatus.class));
        return client.resource(created).updateStatus();
    }
}
