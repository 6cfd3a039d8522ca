package io.lvs.agent.kube;

import static io.lvs.agent.kube.KubeObjectsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.lvs.agent.model.VsRef;
import io.lvs.agent.node.MockApi;
import io.lvs.api.v1alpha1.NodeReport;
import io.lvs.api.v1alpha1.NodeReportStatus;
import io.lvs.api.v1alpha1.NodeReports;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.validation.ApiObjects;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The NodeReport writer: a report reaches the API server, also when a write of it failed. */
class ReportWriterTest {
    @Test
    void aStatusWriteThatFailedIsWrittenAgainUntilTheApiServerHoldsIt() throws Exception {
        try (MockApi api = new MockApi()) {
            KubernetesClient k = api.client();
            k.resource(ApiObjects.MAPPER.convertValue(Map.of(
                    "apiVersion", "lvs.io/v1alpha1", "kind", "VirtualService",
                    "metadata", Map.of("name", "web", "namespace", "default"),
                    "spec", Map.of("vip", "192.0.2.10", "ports", List.of(Map.of("port", 80)),
                            "directors", Map.of("nodeSelector", Map.of("matchLabels", Map.of("lvs.io/director", "true"))))),
                    VirtualService.class)).create();
            try (KubeObjects objects = new KubeObjects(k, "node-a");
                 ReportWriter writer = new ReportWriter(k, objects, "node-a", Clock.systemUTC())) {
                objects.start();
                await("synced", objects::synced);
                VsRef web = new VsRef("default", "web");
                writer.publish(Map.of(web, status(true, null)));
                await("the first report", () -> programmed(k).equals("true"));
                await("the cache to show it", () -> objects.ownReports().stream()
                        .anyMatch(r -> r.getStatus() != null && Boolean.TRUE.equals(r.getStatus().getProgrammed())));

                // the API server fails the next two writes of that report's status
                api.failUpdates("/nodereports/" + NodeReports.name("web", "node-a") + "/status", 2);
                writer.publish(Map.of(web, status(false, "IPVS service TCP 192.0.2.10:80 could not be added")));
                await("the new content despite the failed writes", () -> programmed(k).equals("false"));
                assertTrue(writer.failures() >= 2, "the failures were counted: " + writer.failures());
                assertEquals("IPVS service TCP 192.0.2.10:80 could not be added", report(k).getStatus().getMessage());
            }
        }
    }

    private static NodeReportStatus status(boolean programmed, String message) {
        NodeReportStatus s = new NodeReportStatus();
        s.setVirtualServiceGeneration(1L);
        s.setProgrammed(programmed);
        s.setMessage(message);
        return s;
    }

    private static NodeReport report(KubernetesClient k) {
        return k.resources(NodeReport.class).inNamespace("default").withName(NodeReports.name("web", "node-a")).get();
    }

    private static String programmed(KubernetesClient k) {
        NodeReport r = report(k);
        return r == null || r.getStatus() == null ? "none" : String.valueOf(r.getStatus().getProgrammed());
    }
}
