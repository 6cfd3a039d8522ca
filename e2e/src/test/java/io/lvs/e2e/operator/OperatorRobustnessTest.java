package io.lvs.e2e.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.lvs.e2e.apiserver.EmbeddedApiServer;
import io.lvs.e2e.apiserver.Kubectl;
import io.lvs.e2e.apiserver.RealKubectl;
import io.lvs.e2e.helm.ChartRbac;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The robustness run on the real stack: the packaged operator (its own JVM, production profile) against the
 * embedded API server, which stores objects without checking their schema, as a server that skips schemas or a store
 * written before a CRD change holds them. Hundreds of malformed objects of many kinds (wrong JSON types, numbers out of
 * range, unknown enum values, addresses that are none, rules broken, VIP ports two VirtualServices claim, references to
 * VirtualServices that do not exist, VIPs outside every pool) are created in random order among hundreds of valid ones,
 * at once, by four clients (three Fabric8 clients and kubectl). Then every valid object is {@code Accepted=True} and
 * every malformed one {@code Accepted=False} with a message naming its field (or, where only other objects make it
 * wrong, the reason and the object or pool concerned). The counts and times are printed.
 *
 * <p>The operator runs as its ServiceAccount under the chart's RBAC, as installed. The embedded API server runs in its
 * schema-less mode ({@code Options.withSchemaValidation(false)}): with its
 * default schema validation it would refuse the malformed objects at the door, as a real server does.
 */
class OperatorRobustnessTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final String NS = "robust";
    private static final int VALID = 120;
    private static final int ROUNDS = 4;
    private static final int CONFLICT_PAIRS = 20;
    private static final Duration DEADLINE = Duration.ofSeconds(300);

    @TempDir
    Path work;

    /** One way to break a spec, the reason its Accepted condition must give and what its message must name. */
    private record Breakage(String name, UnaryOperator<Map<String, Object>> edit, String reason, String names) {
        Breakage(String name, UnaryOperator<Map<String, Object>> edit, String names) {
            this(name, edit, "InvalidSpec", names);
        }
    }

    /** What an object's Accepted condition must say: True, or False with this reason naming this. */
    private record Expected(String category, boolean valid, String reason, String names) {
    }

    private static final List<Breakage> VS_BREAKAGES = List.of(
            // wrong JSON types
            new Breakage("port-a-word", s -> put(s, "ports", List.of(Map.of("port", "eighty"))),
                    "spec.ports[0].port in body must be of type integer: \"string\""),
            new Breakage("port-a-string-of-digits", s -> put(s, "ports", List.of(Map.of("port", "80"))),
                    "spec.ports[0].port in body must be of type integer: \"string\""),
            new Breakage("port-a-fraction", s -> put(s, "ports", List.of(Map.of("port", 80.5))),
                    "spec.ports[0].port in body must be of type integer: \"number\""),
            new Breakage("port-beyond-int32", s -> put(s, "ports", List.of(Map.of("port", 4_294_967_377L))),
                    "spec.ports[0].port in body should be less than or equal to 65535"),
            new Breakage("ports-an-object", s -> put(s, "ports", Map.of("port", 80)),
                    "spec.ports in body must be of type array: \"object\""),
            new Breakage("ports-a-string", s -> put(s, "ports", "80/TCP"),
                    "spec.ports in body must be of type array: \"string\""),
            new Breakage("scheduler-a-string", s -> put(s, "scheduler", "wrr"),
                    "spec.scheduler in body must be of type object: \"string\""),
            new Breakage("method-a-number", s -> put(s, "forwarding", Map.of("method", 1)),
                    "spec.forwarding.method in body must be of type string: \"integer\""),
            new Breakage("rise-a-word", s -> put(s, "healthCheck", Map.of("rise", "two")),
                    "spec.healthCheck.rise in body must be of type integer: \"string\""),
            new Breakage("preempt-a-string", s -> put(s, "failover", Map.of("preempt", "false")),
                    "spec.failover.preempt in body must be of type boolean: \"string\""),
            new Breakage("vip-a-number", s -> put(s, "vip", 3_221_225_985L),
                    "spec.vip in body must be of type string: \"integer\""),
            new Breakage("label-value-a-number", s -> put(s, "realServerSelector", Map.of("matchLabels", Map.of("app", 7))),
                    "spec.realServerSelector.matchLabels.app in body must be of type string: \"integer\""),
            // out of range
            new Breakage("port-zero", s -> put(s, "ports", List.of(Map.of("port", 0))), "spec.ports[0].port: port must be"),
            new Breakage("port-65536", s -> put(s, "ports", List.of(Map.of("port", 65536))), "spec.ports[0].port: port must be"),
            new Breakage("rise-zero", s -> put(s, "healthCheck", Map.of("rise", 0)), "spec.healthCheck.rise must be"),
            new Breakage("priority-255", s -> put(s, "directors", Map.of("nodeSelector", directorSelector(),
                    "priorities", List.of(Map.of("nodeName", "node-a", "priority", 255)))),
                    "spec.directors.priorities[0].priority: priority must be"),
            new Breakage("burst-zero", s -> put(s, "failover", Map.of("gratuitousArp", Map.of("burst", 0))),
                    "spec.failover.gratuitousArp.burst: gratuitousArp.burst must be"),
            new Breakage("prefix-33-on-ipv4", s -> put(s, "persistence", Map.of("prefixLength", 33)), "persistence.prefixLength"),
            // unknown enum values
            new Breakage("unknown-scheduler", s -> put(s, "scheduler", Map.of("name", "wrrr")), "spec.scheduler.name must be one of"),
            new Breakage("padded-scheduler", s -> put(s, "scheduler", Map.of("name", "wrr ")), "spec.scheduler.name must be one of"),
            new Breakage("unknown-method", s -> put(s, "forwarding", Map.of("method", "NATT")), "spec.forwarding.method must be one of"),
            new Breakage("unknown-protocol", s -> put(s, "ports", List.of(Map.of("port", 80, "protocol", "ICMP"))),
                    "spec.ports[0].protocol must be one of"),
            new Breakage("unknown-check-type", s -> put(s, "healthCheck", Map.of("type", "UDP")), "spec.healthCheck.type must be one of"),
            // addresses that are none, or not for a VIP
            new Breakage("vip-a-name", s -> put(s, "vip", "lb.example.com"), "spec.vip: vip must be an IPv4 or IPv6 address"),
            new Breakage("vip-300", s -> put(s, "vip", "203.0.113.300"), "spec.vip: vip must be an IPv4 or IPv6 address"),
            new Breakage("vip-full-width", s -> put(s, "vip", "\uff12\uff10\uff13.0.113.9"), "spec.vip: vip must be an IPv4 or IPv6 address"),
            new Breakage("vip-multicast", s -> put(s, "vip", "224.0.0.18"), "spec.vip: "),
            new Breakage("vip-loopback", s -> put(s, "vip", "127.0.0.9"), "spec.vip: "),
            // rules
            new Breakage("no-vip", s -> remove(s, "vip"), "spec.vip: vip is required"),
            new Breakage("no-ports", s -> put(s, "ports", List.of()), "spec.ports"),
            new Breakage("no-directors", s -> remove(s, "directors"), "spec.directors"),
            new Breakage("empty-director-selector", s -> put(s, "directors", Map.of("nodeSelector", Map.of())),
                    "spec.directors.nodeSelector"),
            new Breakage("http-check-on-udp", s -> put(put(s, "ports", List.of(Map.of("port", 53, "protocol", "UDP"))),
                    "healthCheck", Map.of("type", "HTTP")), "healthCheck.type HTTP and HTTPS need a TCP port"),
            new Breakage("interval-nonsense", s -> put(s, "healthCheck", Map.of("interval", "often")), "spec.healthCheck.interval"),
            new Breakage("persistence-forever", s -> put(s, "persistence", Map.of("timeout", "forever")), "spec.persistence.timeout"),
            new Breakage("selector-bad-operator", s -> put(s, "realServerSelector", Map.of("matchExpressions",
                    List.of(Map.of("key", "app", "operator", "Near", "values", List.of("x"))))),
                    "spec.realServerSelector.matchExpressions[0].operator"),
            // allowed by no pool
            new Breakage("vip-outside-pools", s -> put(s, "vip", "198.51.100.77"), "VipNotAllowed",
                    "VIP 198.51.100.77 is in no VipPool that namespace robust may use"));

    private static final List<Breakage> RS_BREAKAGES = List.of(
            new Breakage("weight-a-word", s -> put(s, "weight", "heavy"), "spec.weight in body must be of type integer: \"string\""),
            new Breakage("weight-a-fraction", s -> put(s, "weight", 1.5), "spec.weight in body must be of type integer: \"number\""),
            new Breakage("weight-beyond-int32", s -> put(s, "weight", 99_999_999_999L),
                    "spec.weight in body should be less than or equal to 65535"),
            new Breakage("address-a-number", s -> put(s, "address", 7), "spec.address in body must be of type string: \"integer\""),
            new Breakage("ref-a-string", s -> put(s, "virtualServiceRef", "web"),
                    "spec.virtualServiceRef in body must be of type object: \"string\""),
            new Breakage("node-name-a-number", s -> put(s, "nodeName", 12), "spec.nodeName in body must be of type string: \"integer\""),
            new Breakage("weight-negative", s -> put(s, "weight", -1), "spec.weight: weight must be between 0 and 65535"),
            new Breakage("weight-65536", s -> put(s, "weight", 65536), "spec.weight: weight must be between 0 and 65535"),
            new Breakage("port-zero", s -> put(s, "port", 0), "spec.port: port must be between 1 and 65535"),
            new Breakage("address-a-name", s -> put(s, "address", "server.example.com"), "spec.address: "),
            new Breakage("address-loopback", s -> put(s, "address", "127.0.0.2"), "spec.address: "),
            new Breakage("no-address", s -> remove(s, "address"), "spec.address: address is required"),
            new Breakage("limits-inverted", s -> put(s, "connectionLimits", Map.of("upper", 10, "lower", 75)),
                    "spec.connectionLimits: "),
            new Breakage("ref-to-nothing", s -> put(s, "virtualServiceRef", Map.of("name", "nowhere")), "VirtualServiceNotFound",
                    "spec.virtualServiceRef names VirtualService nowhere, which does not exist in namespace robust"));

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

    private static Map<String, Object> directorSelector() {
        return Map.of("matchLabels", Map.of("lvs.io/director", "true"));
    }

    /** The i-th VirtualService: a VIP of the pool and a port of its own, so no two valid ones claim the same. */
    private static Map<String, Object> vsSpec(int i) {
        return new LinkedHashMap<>(Map.of("vip", "203.0.113." + (i % 250 + 1), "ports", List.of(Map.of("port", 1000 + i)),
                "forwarding", Map.of("method", "NAT"), "directors", Map.of("nodeSelector", directorSelector())));
    }

    private static Map<String, Object> rsSpec(String vs, int i) {
        return new LinkedHashMap<>(Map.of("address", "198.51.100." + (i % 250 + 1), "weight", 2,
                "virtualServiceRef", Map.of("name", vs)));
    }

    private static GenericKubernetesResource object(String kind, String name, Object spec) {
        GenericKubernetesResource g = new GenericKubernetesResource();
        g.setApiVersion("lvs.io/v1alpha1");
        g.setKind(kind);
        g.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        g.setAdditionalProperty("spec", spec);
        return g;
    }

    @Test
    void hundredsOfMalformedObjectsAtOnceAmongValidOnesLeaveEveryValidOneAcceptedAndEveryOtherExplained() throws Exception {
        Path audit = work.resolve("audit.log");
        try (EmbeddedApiServer server = EmbeddedApiServer.start(
                EmbeddedApiServer.Options.defaults().withSchemaValidation(false).withAuditLog(audit));
                KubernetesClient admin = server.newClient()) {
            Kubectl kubectl = RealKubectl.against(server);
            kubectl.run("apply", "--validate=false", "-f", REPO.resolve("crds").toString()).orFail();
            ChartRbac.install(kubectl, work);
            kubectl.run("apply", "--validate=false", "-f", REPO.resolve("e2e/src/test/resources/project/nodes.yaml")
                    .toString()).orFail();
            kubectl.run("apply", "--validate=false", "-f", Files.writeString(work.resolve("pool.yaml"), """
                    apiVersion: v1
                    kind: Namespace
                    metadata: {name: robust}
                    ---
                    apiVersion: lvs.io/v1alpha1
                    kind: VipPool
                    metadata: {name: robust}
                    spec: {addresses: [203.0.113.0/24], namespaces: [robust]}
                    """).toString()).orFail();

            // the objects, each with what its Accepted condition must say
            Random random = new Random(20261207L);
            List<GenericKubernetesResource> objects = new ArrayList<>();
            Map<String, Expected> expected = new TreeMap<>();
            int n = 0;
            for (int i = 0; i < VALID; i++, n++) {
                String vs = "ok-" + n;
                objects.add(object("VirtualService", vs, vsSpec(n)));
                objects.add(object("RealServer", vs + "-rs", rsSpec(vs, n)));
                expected.put("VirtualService/" + vs, new Expected("valid", true, "Accepted", ""));
                expected.put("RealServer/" + vs + "-rs", new Expected("valid", true, "Accepted", ""));
            }
            for (int round = 0; round < ROUNDS; round++) {
                for (Breakage b : VS_BREAKAGES) {
                    String vs = "bad-vs-" + b.name() + "-" + round;
                    objects.add(object("VirtualService", vs, b.edit().apply(vsSpec(n++))));
                    expected.put("VirtualService/" + vs, new Expected("VirtualService " + b.name(), false, b.reason(), b.names()));
                }
                for (Breakage b : RS_BREAKAGES) {
                    String rs = "bad-rs-" + b.name() + "-" + round;
                    objects.add(object("RealServer", rs, b.edit().apply(rsSpec("ok-" + random.nextInt(VALID), n++))));
                    expected.put("RealServer/" + rs, new Expected("RealServer " + b.name(), false, b.reason(), b.names()));
                }
            }
            // pairs claiming one VIP port (Local: served without real servers): either may win, as they are created at
            // once; the other must say which one holds the port
            List<List<String>> pairs = new ArrayList<>();
            for (int p = 0; p < CONFLICT_PAIRS; p++) {
                Map<String, Object> spec = put(put(vsSpec(n++), "ports", List.of(Map.of("port", 30000 + p))),
                        "forwarding", Map.of("method", "Local"));
                pairs.add(List.of("claim-" + p + "-a", "claim-" + p + "-b"));
                objects.add(object("VirtualService", "claim-" + p + "-a", spec));
                objects.add(object("VirtualService", "claim-" + p + "-b", spec));
            }
            Collections.shuffle(objects, random);
            long malformed = expected.values().stream().filter(e -> !e.valid()).count() + CONFLICT_PAIRS;
            long valid = expected.values().stream().filter(Expected::valid).count() + CONFLICT_PAIRS;

            try (OperatorProcess operator = OperatorProcess.start(ChartRbac.operatorKubeconfig(kubectl, work),
                    Map.of("LVS_OPERATOR_NAMESPACE", "lvs-system", "LVS_OPERATOR_LEASE_NAME", "lvs-operator-leader"))) {
                waitUntil("the operator to lead", operator, Duration.ofSeconds(90), () -> admin.leases()
                        .inNamespace("lvs-system").withName("lvs-operator-leader").get() != null);

                Instant start = Instant.now();
                Duration applied = applyAtOnce(server, kubectl, objects);
                System.out.printf("robustness run: %d objects created at once by 3 Fabric8 clients and kubectl in %d ms: "
                        + "%d valid, %d malformed (%d VirtualServices of %d kinds and %d RealServers of %d kinds x %d, "
                        + "and %d VirtualServices losing a claimed VIP port)%n", objects.size(), applied.toMillis(), valid,
                        malformed, VS_BREAKAGES.size() * ROUNDS, VS_BREAKAGES.size(), RS_BREAKAGES.size() * ROUNDS,
                        RS_BREAKAGES.size(), ROUNDS, CONFLICT_PAIRS);

                AtomicReference<Map<String, String>> wrong = new AtomicReference<>(Map.of());
                waitUntil("every object to have the condition it needs", operator, DEADLINE, () -> {
                    wrong.set(mismatches(admin, expected, pairs));
                    return wrong.get().isEmpty();
                }, () -> wrong.get().size() + " objects still without the condition they need, e.g. "
                        + wrong.get().entrySet().stream().limit(10).map(e -> e.getKey() + ": " + e.getValue())
                        .collect(Collectors.joining("; ")));
                Duration converged = Duration.between(start, Instant.now());
                System.out.printf("robustness run: every valid object Accepted=True and every malformed one Accepted=False "
                        + "naming its field %d ms after the first create (%d VirtualServices, %d RealServers)%n",
                        converged.toMillis(), count(admin, "VirtualService"), count(admin, "RealServer"));
                assertTrue(operator.isAlive(), "the operator is still running");
                String log = String.join("\n", operator.output());
                assertTrue(!log.contains("will stop"), "no watch stopped:\n" + log);
            }
            assertEquals(List.of(), ChartRbac.refused(audit), "the operator, as its ServiceAccount, needs no right the "
                    + "chart lacks");
            ChartRbac.keepAuditLog(audit, "operator-robustness");
        }
    }

    /**
     * Creates the objects from four clients at once, each a quarter of the shuffled list: three Fabric8 clients (one
     * connection pool each) and kubectl (one apply of a multi-document file). Returns how long that took.
     */
    private Duration applyAtOnce(EmbeddedApiServer server, Kubectl kubectl, List<GenericKubernetesResource> objects)
            throws Exception {
        int slices = 4;
        List<List<GenericKubernetesResource>> parts = new ArrayList<>();
        for (int s = 0; s < slices; s++) {
            parts.add(new ArrayList<>());
        }
        for (int i = 0; i < objects.size(); i++) {
            parts.get(i % slices).add(objects.get(i));
        }
        Path file = work.resolve("slice.yaml");
        try (KubernetesClient yaml = server.newClient()) {
            StringBuilder docs = new StringBuilder();
            for (GenericKubernetesResource g : parts.get(slices - 1)) {
                docs.append("---\n").append(yaml.getKubernetesSerialization().asYaml(g).replaceFirst("^---\n", ""));
            }
            Files.writeString(file, docs);
        }
        List<KubernetesClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(slices);
        CountDownLatch go = new CountDownLatch(1);
        Instant start = Instant.now();
        try {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int s = 0; s < slices - 1; s++) {
                KubernetesClient client = server.newClient();
                clients.add(client);
                List<GenericKubernetesResource> part = parts.get(s);
                done.add(CompletableFuture.runAsync(() -> {
                    await(go);
                    part.forEach(o -> client.resource(o).create());
                }, pool));
            }
            done.add(CompletableFuture.runAsync(() -> {
                await(go);
                kubectl.run("apply", "--validate=false", "-f", file.toString()).orFail();
            }, pool));
            start = Instant.now();
            go.countDown();
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get();
            return Duration.between(start, Instant.now());
        } finally {
            pool.shutdownNow();
            clients.forEach(KubernetesClient::close);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Each object whose Accepted condition is not what it must be, with what it says instead. */
    private static Map<String, String> mismatches(KubernetesClient client, Map<String, Expected> expected,
                                                  List<List<String>> pairs) {
        Map<String, Map<String, Object>> accepted = new TreeMap<>();
        for (String kind : List.of("VirtualService", "RealServer")) {
            for (GenericKubernetesResource g : client.genericKubernetesResources("lvs.io/v1alpha1", kind).inNamespace(NS)
                    .list().getItems()) {
                accepted.put(kind + "/" + g.getMetadata().getName(), acceptedCondition(g));
            }
        }
        Map<String, String> wrong = new TreeMap<>();
        for (Map.Entry<String, Expected> e : expected.entrySet()) {
            Map<String, Object> c = accepted.getOrDefault(e.getKey(), Map.of());
            String status = String.valueOf(c.getOrDefault("status", "none"));
            String reason = String.valueOf(c.getOrDefault("reason", ""));
            String message = String.valueOf(c.getOrDefault("message", ""));
            Expected want = e.getValue();
            boolean ok = want.valid() ? status.equals("True")
                    : status.equals("False") && reason.equals(want.reason()) && message.contains(want.names());
            if (!ok) {
                wrong.put(e.getKey(), status + " " + reason + " \"" + message + "\", want " + (want.valid() ? "True"
                        : "False " + want.reason() + " naming \"" + want.names() + "\""));
            }
        }
        for (List<String> pair : pairs) {
            Map<String, Object> a = accepted.getOrDefault("VirtualService/" + pair.get(0), Map.of());
            Map<String, Object> b = accepted.getOrDefault("VirtualService/" + pair.get(1), Map.of());
            boolean aWins = "True".equals(a.get("status"));
            Map<String, Object> loser = aWins ? b : a;
            String winner = aWins ? pair.get(0) : pair.get(1);
            boolean ok = ("True".equals(a.get("status")) != "True".equals(b.get("status")))
                    && "False".equals(loser.get("status")) && "Conflict".equals(loser.get("reason"))
                    && String.valueOf(loser.get("message")).contains("is already served by VirtualService robust/" + winner);
            if (!ok) {
                wrong.put("pair " + pair, "a: " + a + ", b: " + b);
            }
        }
        return wrong;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> acceptedCondition(GenericKubernetesResource g) {
        if (g.getAdditionalProperties().get("status") instanceof Map<?, ?> status
                && status.get("conditions") instanceof List<?> conditions) {
            for (Object c : conditions) {
                if (c instanceof Map<?, ?> m && "Accepted".equals(m.get("type"))) {
                    return (Map<String, Object>) m;
                }
            }
        }
        return Map.of();
    }

    private static int count(KubernetesClient client, String kind) {
        return client.genericKubernetesResources("lvs.io/v1alpha1", kind).inNamespace(NS).list().getItems().size();
    }

    private static void waitUntil(String what, OperatorProcess operator, Duration limit,
                                  java.util.function.BooleanSupplier condition) throws InterruptedException {
        waitUntil(what, operator, limit, condition, () -> "");
    }

    private static void waitUntil(String what, OperatorProcess operator, Duration limit,
                                  java.util.function.BooleanSupplier condition,
                                  java.util.function.Supplier<String> state) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        while (!condition.getAsBoolean()) {
            if (!operator.isAlive()) {
                fail("the operator exited while waiting for " + what + ":\n" + String.join("\n", operator.output()));
            }
            if (Instant.now().isAfter(deadline)) {
                fail("no " + what + " within " + limit.toSeconds() + " s: " + state.get());
            }
            Thread.sleep(1000);
        }
    }
}
