package io.lvs.api.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.lvs.api.v1alpha1.ForwardingMethod;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VipPool;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.rules.VipPolicy;
import io.lvs.api.v1alpha1.validation.ApiObjects;
import io.lvs.api.v1alpha1.validation.RealServerValidator;
import io.lvs.api.v1alpha1.validation.VipPoolValidator;
import io.lvs.api.v1alpha1.validation.VirtualServiceValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example under crds/examples passes the CRD (schema and CEL) and the operator's validation. */
class ExamplesTest {
    private static final ApiServerModel VS = new ApiServerModel(VirtualService.class);
    private static final ApiServerModel RS = new ApiServerModel(RealServer.class);
    private static final ApiServerModel POOL = new ApiServerModel(VipPool.class);

    static Stream<Path> examples() throws IOException {
        return Files.list(Crds.repositoryRoot().resolve("crds/examples")).filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> it = Crds.YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isEmpty()) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void exampleIsValid(Path file) throws IOException {
        List<JsonNode> docs = documents(file);
        assertFalse(docs.isEmpty(), file + " holds no objects");
        for (JsonNode d : docs) {
            String what = file.getFileName() + " " + d.path("kind").asText() + "/" + d.path("metadata").path("name").asText();
            switch (d.path("kind").asText()) {
                case "VirtualService" -> {
                    assertEquals(List.of(), VS.admit(d), what);
                    assertEquals(List.of(), VirtualServiceValidator.validate(
                            ApiObjects.MAPPER.treeToValue(d, VirtualService.class).getSpec()), what);
                }
                case "RealServer" -> {
                    assertEquals(List.of(), RS.admit(d), what);
                    assertEquals(List.of(), RealServerValidator.validate(
                            ApiObjects.MAPPER.treeToValue(d, RealServer.class).getSpec()), what);
                }
                case "VipPool" -> {
                    assertEquals(List.of(), POOL.admit(d), what);
                    assertEquals(List.of(), VipPoolValidator.validate(
                            ApiObjects.MAPPER.treeToValue(d, VipPool.class).getSpec()), what);
                }
                default -> throw new AssertionError(what + ": examples hold VirtualServices, RealServers and VipPools only");
            }
        }
    }

    @Test
    void everyForwardingMethodHasAnExample() throws IOException {
        Set<ForwardingMethod> seen = EnumSet.noneOf(ForwardingMethod.class);
        for (Path p : examples().toList()) {
            for (JsonNode d : documents(p)) {
                if (d.path("kind").asText().equals("VirtualService")) {
                    seen.add(ApiObjects.MAPPER.treeToValue(d, VirtualService.class).getSpec().getForwarding().getMethod());
                }
            }
        }
        assertEquals(EnumSet.allOf(ForwardingMethod.class), seen);
    }

    @Test
    void theExamplePoolsHoldEveryExampleVip() throws IOException {
        List<VipPool> pools = new java.util.ArrayList<>();
        List<VirtualService> services = new java.util.ArrayList<>();
        for (Path p : examples().toList()) {
            for (JsonNode d : documents(p)) {
                switch (d.path("kind").asText()) {
                    case "VipPool" -> pools.add(ApiObjects.MAPPER.treeToValue(d, VipPool.class));
                    case "VirtualService" -> services.add(ApiObjects.MAPPER.treeToValue(d, VirtualService.class));
                    default -> {
                    }
                }
            }
        }
        VipPolicy policy = VipPolicy.of(pools, ns -> java.util.Map.of());
        for (VirtualService vs : services) {
            String ns = vs.getMetadata().getNamespace() == null ? "default" : vs.getMetadata().getNamespace();
            assertEquals(java.util.Optional.empty(), policy.check(ns, vs.getSpec().getVip()), vs.getMetadata().getName());
        }
    }
}
