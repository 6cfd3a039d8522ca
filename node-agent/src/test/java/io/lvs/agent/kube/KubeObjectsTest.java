package io.lvs.agent.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.lvs.agent.node.MockApi;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.VirtualServiceSpec;
import io.lvs.api.v1alpha1.validation.ApiObjects;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The agent's informer caches: what they keep of each object, and when they tell the loop. */
class KubeObjectsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theCachesKeepWhatTheAgentReadsAndNotTheOperatorsStatusOrTheServersBookkeeping() throws Exception {
        try (MockApi api = new MockApi()) {
            KubernetesClient k = api.client();
            VirtualService vs = k.resource(ApiObjects.MAPPER.convertValue(Map.of(
                    "apiVersion", "lvs.io/v1alpha1", "kind", "VirtualService",
                    "metadata", Map.of("name", "web", "namespace", "default",
                            "annotations", Map.of("kubectl.kubernetes.io/last-applied-configuration", "{\"a\": 1}")),
                    "spec", Map.of("vip", "192.0.2.10", "ports", List.of(Map.of("port", 80)),
                            "directors", Map.of("nodeSelector", Map.of("matchLabels", Map.of("lvs.io/director", "true"))))),
                    VirtualService.class)).create();
            vs.setStatus(ApiObjects.MAPPER.convertValue(Map.of("acceptedGeneration", 1,
                    "acceptedSpec", ApiObjects.MAPPER.convertValue(vs.getSpec(), Map.class),
                    "conditions", List.of(Map.of("type", "Accepted", "status", "True", "reason", "Accepted",
                            "message", "VIP 192.0.2.10 80/TCP", "lastTransitionTime", "2026-12-07T10:00:00Z")),
                    "directors", List.of(Map.of("nodeName", "node-a", "role", "Active"))),
                    io.lvs.api.v1alpha1.VirtualServiceStatus.class));
            k.resource(vs).updateStatus();
            RealServer rs = k.resource(ApiObjects.MAPPER.convertValue(Map.of(
                    "apiVersion", "lvs.io/v1alpha1", "kind", "RealServer",
                    "metadata", Map.of("name", "web-1", "namespace", "default", "labels", Map.of("app", "web")),
                    "spec", Map.of("virtualServiceRef", Map.of("name", "web"), "address", "198.51.100.11")),
                    RealServer.class)).create();
            rs.setStatus(ApiObjects.MAPPER.convertValue(Map.of("virtualServices", List.of("web"),
                    "conditions", List.of(Map.of("type", "Healthy", "status", "True", "reason", "HealthCheckPassed",
                            "lastTransitionTime", "2026-12-07T10:00:00Z"))), io.lvs.api.v1alpha1.RealServerStatus.class));
            k.resource(rs).updateStatus();
            k.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a")
                    .withLabels(Map.of("lvs.io/director", "true")).withAnnotations(Map.of("big", "x".repeat(1000)))
                    .endMetadata().withNewSpec().withPodCIDR("10.0.0.0/24").endSpec().withNewStatus().addNewAddress()
                    .withType("InternalIP").withAddress("192.0.2.2").endAddress().addNewImage()
                    .withNames("registry.example/big:1").withSizeBytes(1L << 30).endImage().addNewCondition()
                    .withType("Ready").withStatus("True").endCondition().endStatus().build()).create();
            k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("default")
                    .withLabels(Map.of("team", "web")).endMetadata().build()).createOr(c -> c.update());

            try (KubeObjects objects = new KubeObjects(k, "node-a")) {
                objects.start();
                await("synced", objects::synced);

                VirtualService v = objects.virtualServices().iterator().next();
                assertEquals("web", v.getMetadata().getName());
                assertNotNull(v.getMetadata().getUid(), "its NodeReports' owner");
                assertEquals(1L, v.getMetadata().getGeneration());
                assertNotNull(v.getMetadata().getCreationTimestamp(), "the older of two claims wins");
                assertEquals(Map.of(), v.getMetadata().getAnnotations(), "kubectl's last-applied copy");
                assertEquals(1L, v.getStatus().getAcceptedGeneration());
                VirtualServiceSpec accepted = v.getStatus().getAcceptedSpec();
                assertEquals("192.0.2.10", accepted.getVip());
                assertNull(v.getSpec(), "with an accepted spec the spec is never read");
                assertTrue(v.getStatus().getConditions().isEmpty(), "the operator's conditions");
                assertTrue(v.getStatus().getDirectors().isEmpty(), "the operator's per-director status");

                RealServer r = objects.realServers().iterator().next();
                assertEquals(Map.of("app", "web"), r.getMetadata().getLabels());
                assertEquals("198.51.100.11", r.getSpec().getAddress());
                assertNull(r.getStatus());
                assertNull(r.getMetadata().getUid());

                Node n = objects.nodes().iterator().next();
                assertEquals(Map.of("lvs.io/director", "true"), n.getMetadata().getLabels());
                assertEquals("192.0.2.2", n.getStatus().getAddresses().getFirst().getAddress());
                assertTrue(n.getStatus().getImages().isEmpty() && n.getStatus().getConditions().isEmpty());
                assertNull(n.getSpec());
                assertEquals(Map.of(), n.getMetadata().getAnnotations());

                assertEquals(Map.of("team", "web"), objects.namespaceLabels("default"));
            }
        }
    }

    @Test
    void theInitialListsTellTheLoopOnceAndEachLaterChangeTellsItAgain() throws Exception {
        try (MockApi api = new MockApi()) {
            KubernetesClient k = api.client();
            for (int i = 0; i < 50; i++) {
                k.resource(realServer("web-" + i, "198.51.100." + (10 + i))).create();
            }
            try (KubeObjects objects = new KubeObjects(k, "node-a")) {
                AtomicInteger told = new AtomicInteger();
                objects.onChange(told::incrementAndGet);
                objects.start();
                await("synced and told", () -> objects.synced() && told.get() > 0);
                long synced = objects.version();
                assertTrue(synced >= 50, "each object stored counts: " + synced);

                RealServer edited = k.resources(RealServer.class).inNamespace("default").withName("web-7").get();
                edited.getSpec().setWeight(5);
                k.resource(edited).update();
                await("told of the edit", () -> told.get() >= 2);
                assertEquals(synced + 1, objects.version());
                k.resources(RealServer.class).inNamespace("default").withName("web-8").delete();
                await("told of the deletion", () -> told.get() >= 3);
                assertEquals(synced + 2, objects.version());
                // this node's NodeReport (the agent's own writes): the report writer hears of it, desired state
                // (which does not read reports) is not recomputed for it
                k.resource(nodeReport("web", "node-a")).create();
                await("told of the report", () -> told.get() >= 4);
                assertEquals(synced + 2, objects.version());
                // An informer delivers its events in order: the 50 adds it delivers after its list came before these
                // two, and changed nothing stored, so nobody heard of them.
                assertEquals(4, told.get());
            }
        }
    }

    private static RealServer realServer(String name, String address) {
        return ApiObjects.MAPPER.convertValue(Map.of("apiVersion", "lvs.io/v1alpha1", "kind", "RealServer",
                "metadata", Map.of("name", name, "namespace", "default"),
                "spec", Map.of("virtualServiceRef", Map.of("name", "web"), "address", address)), RealServer.class);
    }

    private static io.lvs.api.v1alpha1.NodeReport nodeReport(String virtualService, String node) {
        return ApiObjects.MAPPER.convertValue(Map.of("apiVersion", "lvs.io/v1alpha1", "kind", "NodeReport",
                "metadata", Map.of("name", io.lvs.api.v1alpha1.NodeReports.name(virtualService, node),
                        "namespace", "default", "labels", io.lvs.api.v1alpha1.NodeReports.labels(virtualService, node)),
                "spec", Map.of("virtualService", virtualService, "nodeName", node)), io.lvs.api.v1alpha1.NodeReport.class);
    }

    /** Waits for {@code condition} up to {@link #WAIT} (also for the other tests of this package's caches). */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
