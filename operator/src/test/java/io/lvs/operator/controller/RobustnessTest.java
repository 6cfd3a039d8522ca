package io.lvs.operator.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.operator.model.Conditions;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of malformed objects of both kinds, applied at once in random order among valid ones, on a server that
 * checks no schema (so the operator's own reading and validation is all there is): every valid object ends
 * {@code Accepted=True}, every malformed one gets an {@code Accepted} condition saying so, and none stops another.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class RobustnessTest {
    private static final String NS = "robust";
    private static final int VALID = 120;

    @Inject
    KubernetesClient client;

    /** One way to break a spec: a name for the failure and the edit that makes it. */
    private record Breakage(String name, UnaryOperator<Map<String, Object>> edit) {
    }

    private static final List<Breakage> VS_BREAKAGES = List.of(
            new Breakage("port-as-word", s -> put(s, "ports", List.of(Map.of("port", "eighty")))),
            new Breakage("port-as-string-number", s -> put(s, "ports", List.of(Map.of("port", "80")))),
            new Breakage("port-fraction", s -> put(s, "ports", List.of(Map.of("port", 80.5)))),
            new Breakage("port-zero", s -> put(s, "ports", List.of(Map.of("port", 0)))),
            new Breakage("port-beyond-int32", s -> put(s, "ports", List.of(Map.of("port", 4_294_967_377L)))),
            new Breakage("no-ports", s -> put(s, "ports", List.of())),
            new Breakage("ports-an-object", s -> put(s, "ports", Map.of("port", 80))),
            new Breakage("scheduler-a-string", s -> put(s, "scheduler", "wrr")),
            new Breakage("unknown-scheduler", s -> put(s, "scheduler", Map.of("name", "wrrr"))),
            new Breakage("padded-scheduler", s -> put(s, "scheduler", Map.of("name", "wrr "))),
            new Breakage("method-a-number", s -> put(s, "forwarding", Map.of("method", 1))),
            new Breakage("unknown-method", s -> put(s, "forwarding", Map.of("method", "NATT"))),
            new Breakage("vip-a-name", s -> put(s, "vip", "lb.example.com")),
            new Breakage("vip-a-number", s -> put(s, "vip", 3221225985L)),
            new Breakage("vip-multicast", s -> put(s, "vip", "224.0.0.18")),
            new Breakage("vip-full-width", s -> put(s, "vip", "\uff12\uff10\uff13.0.113.9")),
            new Breakage("no-vip", s -> remove(s, "vip")),
            new Breakage("no-directors", s -> remove(s, "directors")),
            new Breakage("empty-director-selector", s -> put(s, "directors", Map.of("nodeSelector", Map.of()))),
            new Breakage("rise-a-word", s -> put(s, "healthCheck", Map.of("rise", "two"))),
            new Breakage("interval-nonsense", s -> put(s, "healthCheck", Map.of("interval", "often"))),
            new Breakage("http-check-on-udp", s -> put(put(s, "ports", List.of(Map.of("port", 53, "protocol", "UDP"))),
                    "healthCheck", Map.of("type", "HTTP"))),
            new Breakage("preempt-a-string", s -> put(s, "failover", Map.of("preempt", "false"))),
            new Breakage("persistence-forever", s -> put(s, "persistence", Map.of("timeout", "forever"))),
            new Breakage("ports-a-string", s -> put(s, "ports", "80/TCP")),
            new Breakage("selector-bad-operator", s -> put(s, "realServerSelector",
                    Map.of("matchExpressions", List.of(Map.of("key", "app", "operator", "Near", "values", List.of("x")))))),
            new Breakage("vip-outside-pools", s -> put(s, "vip", "198.51.100.77")));

    private static final List<Breakage> RS_BREAKAGES = List.of(
            new Breakage("weight-a-word", s -> put(s, "weight", "heavy")),
            new Breakage("weight-fraction", s -> put(s, "weight", 1.5)),
            new Breakage("weight-negative", s -> put(s, "weight", -1)),
            new Breakage("weight-beyond-int32", s -> put(s, "weight", 99_999_999_999L)),
            new Breakage("address-a-name", s -> put(s, "address", "server.example.com")),
            new Breakage("address-a-number", s -> put(s, "address", 7)),
            new Breakage("no-address", s -> remove(s, "address")),
            new Breakage("port-zero", s -> put(s, "port", 0)),
            new Breakage("ref-a-string", s -> put(s, "virtualServiceRef", "web")),
            new Breakage("node-name-a-number", s -> put(s, "nodeName", 12)),
            new Breakage("limits-inverted", s -> put(s, "connectionLimits", Map.of("upper", 10, "lower", 75))));

    private static Map<String, Object> put(Map<String, Object> spec, String key, Object value) {
        Map<String, Object> out = new LinkedHashMap<>(spec);
        out.put(key, value);
        return out;
    }

    private static Map<String, Object> remove(Map<String, Object> spec, String key) {
        Map<String, Object> out = new LinkedHashMap<>(spec);
        out.remove(key);
        return out;
    }

    private static Map<String, Object> vsSpec(int i) {
        return new LinkedHashMap<>(Map.of("vip", "203.0.113." + (i % 250 + 1), "ports", List.of(Map.of("port", 1000 + i)),
                "directors", Map.of("nodeSelector", Map.of("matchLabels", Map.of("lvs.io/director", "true")))));
    }

    private static Map<String, Object> rsSpec(String vs, int i) {
        return new LinkedHashMap<>(Map.of("address", "192.0.2." + (i % 250 + 1), "weight", 2,
                "virtualServiceRef", Map.of("name", vs)));
    }

    private static GenericKubernetesResource object(String kind, String name, Object spec) {
        GenericKubernetesResource g = new GenericKubernetesResource();
        g.setApiVersion("lvs.io/v1alpha1");
        g.setKind(kind);
        g.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        g.setAdditionalProperty("spec", spec);
        return g;
    }

    @Test
    void malformedObjectsInRandomOrderAmongValidOnesNeverStopTheValidOnes() {
        OperatorTestSupport.node(client, "robust-a", "198.51.100.201", Map.of("lvs.io/director", "true"));
        client.resource(client.getKubernetesSerialization().unmarshal("""
                apiVersion: lvs.io/v1alpha1
                kind: VipPool
                metadata: {name: robust}
                spec: {addresses: [203.0.113.0/24], namespaces: [robust]}
                """, io.lvs.api.v1alpha1.VipPool.class)).create();

        Random random = new Random(20261203L);
        List<GenericKubernetesResource> objects = new ArrayList<>();
        Map<String, Boolean> vsValid = new TreeMap<>();
        Map<String, Boolean> rsValid = new TreeMap<>();
        int n = 0;
        for (int i = 0; i < VALID; i++, n++) {
            String vs = "ok-" + n;
            objects.add(object("VirtualService", vs, vsSpec(n)));
            objects.add(object("RealServer", vs + "-rs", rsSpec(vs, n)));
            vsValid.put(vs, true);
            rsValid.put(vs + "-rs", true);
        }
        // each breakage several times, on fresh VIPs and ports; a broken VirtualService's RealServer is valid itself
        // (it gets a condition saying its VirtualService is not served), and a broken RealServer belongs to a valid one
        for (int round = 0; round < 4; round++) {
            for (Breakage b : VS_BREAKAGES) {
                String vs = "bad-vs-" + b.name() + "-" + round;
                objects.add(object("VirtualService", vs, b.edit().apply(vsSpec(n++))));
                vsValid.put(vs, false);
            }
            for (Breakage b : RS_BREAKAGES) {
                String rs = "bad-rs-" + b.name() + "-" + round;
                objects.add(object("RealServer", rs, b.edit().apply(rsSpec("ok-" + random.nextInt(VALID), n++))));
                rsValid.put(rs, false);
            }
        }
        Collections.shuffle(objects, random);
        objects.parallelStream().forEach(o -> client.resource(o).create());

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, String> wrong = new TreeMap<>();
            for (VirtualService vs : client.resources(VirtualService.class).inNamespace(NS).list().getItems()) {
                String want = vsValid.get(vs.getMetadata().getName()) ? "True" : "False";
                String got = OperatorTestSupport.condition(vs, Conditions.ACCEPTED).map(c -> c.getStatus()).orElse("none");
                if (!want.equals(got)) {
                    wrong.put("VirtualService " + vs.getMetadata().getName(), "Accepted " + got + ", want " + want);
                }
            }
            for (RealServer rs : client.resources(RealServer.class).inNamespace(NS).list().getItems()) {
                String want = rsValid.get(rs.getMetadata().getName()) ? "True" : "False";
                String got = OperatorTestSupport.condition(rs, Conditions.ACCEPTED).map(c -> c.getStatus()).orElse("none");
                if (!want.equals(got)) {
                    wrong.put("RealServer " + rs.getMetadata().getName(), "Accepted " + got + ", want " + want);
                }
            }
            assertEquals(Map.of(), wrong, wrong.size() + " objects without the condition they need");
        });

        // every refusal says what is wrong, by field or reason
        List<String> unexplained = client.resources(VirtualService.class).inNamespace(NS).list().getItems().stream()
                .filter(vs -> !vsValid.get(vs.getMetadata().getName()))
                .map(vs -> OperatorTestSupport.condition(vs, Conditions.ACCEPTED).orElseThrow())
                .filter(c -> c.getMessage() == null || c.getMessage().isBlank() || c.getReason().isBlank())
                .map(c -> c.getReason() + ": " + c.getMessage()).collect(Collectors.toList());
        assertEquals(List.of(), unexplained);
    }
}
