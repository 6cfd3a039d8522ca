package io.lvs.agent.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VipPool;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.VirtualServiceSpec;
import io.lvs.api.v1alpha1.rules.VipPolicy;
import io.lvs.api.v1alpha1.validation.ApiObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** API objects for scenario tests, written as users write them (YAML), with the status the operator would give. */
final class Given {
    static final ObjectMapper YAML = ApiObjects.configure(new ObjectMapper(new YAMLFactory()));

    private Given() {
    }

    static <T> T yaml(String text, Class<T> type) {
        try {
            return YAML.readValue(text, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A VirtualService from YAML, accepted at its generation (status.acceptedSpec = its spec), as the operator does. */
    static VirtualService accepted(String yaml) {
        VirtualService vs = yaml(yaml, VirtualService.class);
        if (vs.getMetadata().getGeneration() == null) {
            vs.getMetadata().setGeneration(1L);
        }
        if (vs.getMetadata().getNamespace() == null) {
            vs.getMetadata().setNamespace("default");
        }
        vs.getMetadata().setCreationTimestamp("2026-12-01T10:00:00Z");
        vs.setStatus(new io.lvs.api.v1alpha1.VirtualServiceStatus());
        vs.getStatus().setAcceptedGeneration(vs.getMetadata().getGeneration());
        vs.getStatus().setAcceptedSpec(ApiObjects.MAPPER.convertValue(vs.getSpec(), VirtualServiceSpec.class));
        return vs;
    }

    /** A VipPool of {@code addresses} for every namespace. */
    static VipPool pool(String name, String... addresses) {
        return yaml("""
                apiVersion: lvs.io/v1alpha1
                kind: VipPool
                metadata: {name: %s}
                spec: {addresses: [%s]}
                """.formatted(name, String.join(", ", addresses)), VipPool.class);
    }

    /** Every documentation range, for every namespace: the policy of tests that are not about pools. */
    static final VipPolicy DOCUMENTATION_POOL = VipPolicy.of(List.of(pool("documentation", "192.0.2.0/24",
            "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")), ns -> null);

    static RealServer rs(String yaml) {
        RealServer r = yaml(yaml, RealServer.class);
        if (r.getMetadata().getNamespace() == null) {
            r.getMetadata().setNamespace("default");
        }
        return r;
    }

    static Node node(String name, String internalIp, Map<String, String> labels) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress(internalIp).endAddress().endStatus().build();
    }
}
