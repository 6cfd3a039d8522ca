package io.lvs.operator.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.lvs.api.v1alpha1.DirectorRole;
import io.lvs.api.v1alpha1.NodeReport;
import io.lvs.api.v1alpha1.NodeReportSpec;
import io.lvs.api.v1alpha1.NodeReportStatus;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.ReportedRealServer;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.validation.ApiObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small objects for model scenarios, written as the YAML a user would apply. */
final class Fixtures {
    static final ObjectMapper YAML = ApiObjects.configure(new ObjectMapper(new YAMLFactory()));

    private Fixtures() {
    }

    static <T> T yaml(String text, Class<T> type) {
        try {
            return YAML.readValue(text, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A DirectRouting VirtualService "name" on vip:80 selecting app=name, directed by lvs.io/director=true. */
    static VirtualService vs(String name, String vip, String created) {
        VirtualService vs = yaml("""
                apiVersion: lvs.io/v1alpha1
                kind: VirtualService
                metadata: {name: %s, namespace: default, generation: 1, creationTimestamp: "%s"}
                spec:
                  vip: %s
                  ports: [{name: http, port: 80}]
                  realServerSelector: {matchLabels: {app: %s}}
                  directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                """.formatted(name, created, vip, name), VirtualService.class);
        return vs;
    }

    static VirtualService vs(String name, String vip) {
        return vs(name, vip, "2026-11-25T10:00:00Z");
    }

    static RealServer rs(String name, String address, Map<String, String> labels) {
        RealServer rs = yaml("""
                apiVersion: lvs.io/v1alpha1
                kind: RealServer
                metadata: {name: %s, namespace: default, generation: 1}
                spec: {address: %s}
                """.formatted(name, address), RealServer.class);
        rs.getMetadata().setLabels(labels);
        return rs;
    }

    static Node node(String name, String internalIp, Map<String, String> labels) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress(internalIp).endAddress().endStatus()
                .build();
    }

    static Node director(String name, String ip) {
        return node(name, ip, Map.of("lvs.io/director", "true"));
    }

    /** A report from {@code node} about {@code vs}: role, programmed at the VirtualService's generation, VIP held if Active. */
    static NodeReport report(VirtualService vs, String node, DirectorRole role) {
        NodeReport r = new NodeReport();
        r.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withName(vs.getMetadata().getName() + "." + node).withNamespace("default").build());
        r.setSpec(new NodeReportSpec(vs.getMetadata().getName(), node));
        NodeReportStatus s = new NodeReportStatus();
        s.setRole(role);
        s.setProgrammed(true);
        s.setVirtualServiceGeneration(vs.getMetadata().getGeneration());
        s.setVipHeld(role == DirectorRole.Active);
        s.setActiveSince(role == DirectorRole.Active ? "2026-11-25T10:05:00Z" : null);
        s.setReportTime("2026-11-25T10:05:01Z");
        s.setRealServers(new ArrayList<>());
        r.setStatus(s);
        return r;
    }

    static NodeReport withHealth(NodeReport r, String realServer, boolean healthy, String message) {
        io.lvs.api.v1alpha1.ProbeResult p = new io.lvs.api.v1alpha1.ProbeResult();
        p.setResult(healthy ? "Success" : "Failure");
        p.setMessage(message);
        p.setLatency("1.2ms");
        p.setNodeName(r.getSpec().getNodeName());
        List<ReportedRealServer> list = new ArrayList<>(r.getStatus().getRealServers());
        list.add(new ReportedRealServer(realServer, healthy, "2026-11-25T10:05:00Z", p));
        r.getStatus().setRealServers(list);
        return r;
    }
}
