package io.lvs.e2e.operator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Config;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.e2e.apiserver.KubeTools;
import io.lvs.e2e.apiserver.Kubectl;
import io.lvs.e2e.helm.ChartRbac;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * The control plane at scale: N VirtualServices with two RealServers each, created at once by a load client against
 * the embedded API server (its own process) and the packaged operator (its own process), on this machine. Prints, for
 * each phase, the wall time and both processes' CPU time separately:
 * <ol>
 *   <li>from the first create until every VirtualService is {@code Accepted=True};</li>
 *   <li>idle for a minute (the operator's CPU share with nothing changing);</li>
 *   <li>a director node loses its label: until no VirtualService lists it as a director;</li>
 *   <li>the operator restarts: until a VirtualService created after the restart is accepted, and how many of the
 *       others had their status rewritten.</li>
 * </ol>
 * Run from {@code e2e/} with the test classpath after {@code ./mvnw -B install -DskipTests}; the command is in
 * docs/benchmarks.md. The argument is N (default 1000).
 */
public final class ControlPlaneBenchmark {
    private static final Path REPO = Path.of("").toAbsolutePath().getFileName().toString().equals("e2e")
            ? Path.of("").toAbsolutePath().getParent() : Path.of("").toAbsolutePath();
    private static final String NS = "default";
    private static final long TICKS = 100; // USER_HZ

    private ControlPlaneBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path dir = Files.createTempDirectory("lvs-scale");
        Path kubeconfig = dir.resolve("kubeconfig");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process api = new ProcessBuilder(java, "-Xmx2g", "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
                "io.lvs.e2e.apiserver.EmbeddedApiServer", "0", kubeconfig.toString()).redirectErrorStream(true).start();
        BufferedReader apiOut = new BufferedReader(new InputStreamReader(api.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = apiOut.readLine()) != null && !line.startsWith("server: ")) {
            // wait for the server to serve
        }
        Thread.ofPlatform().daemon().start(() -> apiOut.lines().forEach(l -> { }));
        OperatorProcess operator = null;
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder(Config.fromKubeconfig(Files.readString(kubeconfig)))
                        .withMaxConcurrentRequests(64).withMaxConcurrentRequestsPerHost(64).build()).build()) {
            setUp(client);
            // the operator runs as its ServiceAccount under the chart's RBAC, as in a cluster (and as every e2e test)
            Kubectl kubectl = new Kubectl(switch (KubeTools.lookup()) {
                case KubeTools.Found found -> found.kubectl();
                case KubeTools.Unavailable u -> throw new IllegalStateException("the real kubectl is needed: " + u.reason());
                case KubeTools.Broken b -> throw new IllegalStateException("the real kubectl is needed: " + b.reason());
            }, kubeconfig);
            ChartRbac.install(kubectl, dir);
            Path operatorKubeconfig = ChartRbac.kubeconfig(kubectl, dir, ChartRbac.OPERATOR_ACCOUNT,
                    Optional.empty(), dir.resolve("kubeconfig-operator"));
            operator = startOperator(operatorKubeconfig, client);
            System.out.printf("%d VirtualServices x 2 RealServers; API server pid %d, operator pid %d%n", n, api.pid(),
                    operator.pid());

            // 1. from empty to all accepted
            Cpu before = Cpu.of(api.pid(), operator.pid());
            long t0 = System.nanoTime();
            create(client, n);
            long created = System.nanoTime();
            await(client, n, vs -> "True".equals(accepted(vs)), Duration.ofMinutes(60));
            long done = System.nanoTime();
            Cpu after = Cpu.of(api.pid(), operator.pid());
            System.out.printf("create -> all Accepted=True: %.1f s (creating took %.1f s); CPU %s%n",
                    (done - t0) / 1e9, (created - t0) / 1e9, after.minus(before));

            // 2. idle
            before = Cpu.of(api.pid(), operator.pid());
            long idleStart = System.nanoTime();
            Thread.sleep(60_000);
            after = Cpu.of(api.pid(), operator.pid());
            double idleSeconds = (System.nanoTime() - idleStart) / 1e9;
            Cpu idle = after.minus(before);
            System.out.printf("idle %.0f s: operator %.1f %% of a core, API server %.1f %% (CPU %s)%n", idleSeconds,
                    100 * idle.operator() / idleSeconds, 100 * idle.api() / idleSeconds, idle);

            // 3. a director loses its label
            before = Cpu.of(api.pid(), operator.pid());
            long t3 = System.nanoTime();
            client.nodes().withName("node-b").edit(node -> {
                node.getMetadata().getLabels().remove("lvs.io/director");
                return node;
            });
            await(client, n, vs -> vs.getStatus() != null && vs.getStatus().getDirectors() != null
                    && vs.getStatus().getDirectors().stream().noneMatch(d -> "node-b".equals(d.getNodeName())),
                    Duration.ofMinutes(30));
            after = Cpu.of(api.pid(), operator.pid());
            System.out.printf("node-b loses lvs.io/director -> no VirtualService lists it: %.1f s; CPU %s%n",
                    (System.nanoTime() - t3) / 1e9, after.minus(before));

            // 4. the operator restarts
            Map<String, String> versions = versions(client);
            operator.stop(Duration.ofSeconds(30));
            before = Cpu.of(api.pid(), 0);
            long t4 = System.nanoTime();
            operator = startOperator(operatorKubeconfig, client);
            client.resource(vs("after-restart", n + 1)).create();
            client.resource(rs("after-restart-1", "after-restart", n + 1, 1)).create();
            while (!"True".equals(accepted(client.resources(VirtualService.class).inNamespace(NS)
                    .withName("after-restart").get()))) {
                Thread.sleep(200);
            }
            double restart = (System.nanoTime() - t4) / 1e9;
            Thread.sleep(10_000); // let the new leader's first pass over everything finish
            Map<String, String> now = versions(client);
            long rewritten = versions.entrySet().stream().filter(e -> !e.getValue().equals(now.get(e.getKey()))).count();
            after = Cpu.of(api.pid(), operator.pid());
            System.out.printf("operator restart -> a new VirtualService accepted: %.1f s; statuses rewritten: %d of %d; "
                    + "new operator's CPU in its first %.0f s: %.1f s%n", restart, rewritten, versions.size(),
                    restart + 10, after.operator());
        } finally {
            if (operator != null) {
                operator.close();
            }
            api.destroy();
            api.waitFor();
        }
    }

    private static void setUp(KubernetesClient client) {
        try {
            for (Path crd : Files.list(REPO.resolve("crds")).filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                client.load(Files.newInputStream(crd)).createOrReplace();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (String name : List.of("node-a", "node-b")) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
                    .withLabels(new HashMap<>(Map.of("lvs.io/director", "true"))).endMetadata().withNewStatus()
                    .addNewAddress().withType("InternalIP").withAddress(name.equals("node-a") ? "192.0.2.1" : "192.0.2.2")
                    .endAddress().endStatus().build()).create();
        }
        client.resource(generic("VipPool", "scale", null, Map.of("addresses", List.of("198.51.100.0/24",
                "203.0.113.0/24", "2001:db8::/32")))).create();
    }

    private static OperatorProcess startOperator(Path kubeconfig, KubernetesClient client) throws InterruptedException {
        OperatorProcess op = OperatorProcess.start(kubeconfig, Map.of("LVS_OPERATOR_NAMESPACE", "lvs-system",
                "LVS_AGENT_NAMESPACE", "lvs-system"));
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (client.leases().inNamespace("lvs-system").withName("lvs-operator-leader").get() == null) {
            if (System.nanoTime() > deadline || !op.isAlive()) {
                throw new IllegalStateException("the operator did not lead: " + op.output());
            }
            Thread.sleep(200);
        }
        return op;
    }

    /** VirtualService i: an IPv6 VIP (2001:db8::/32 has room for any N), one port, its RealServers by reference. */
    private static GenericKubernetesResource vs(String name, int i) {
        return generic("VirtualService", name, NS, Map.of("vip", "2001:db8::" + Integer.toHexString(i + 1),
                "ports", List.of(Map.of("port", 80)),
                "directors", Map.of("nodeSelector", Map.of("matchLabels", Map.of("lvs.io/director", "true")))));
    }

    private static GenericKubernetesResource rs(String name, String vs, int i, int j) {
        return generic("RealServer", name, NS, Map.of("address", "2001:db8:1::" + Integer.toHexString(i * 2 + j + 1),
                "virtualServiceRef", Map.of("name", vs)));
    }

    private static GenericKubernetesResource generic(String kind, String name, String ns, Map<String, Object> spec) {
        GenericKubernetesResource g = new GenericKubernetesResource();
        g.setApiVersion("lvs.io/v1alpha1");
        g.setKind(kind);
        g.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        g.setAdditionalProperty("spec", spec);
        return g;
    }

    private static void create(KubernetesClient client, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            all.add(pool.submit(() -> {
                client.resource(vs("vs-" + k, k)).create();
                client.resource(rs("vs-" + k + "-a", "vs-" + k, k, 0)).create();
                client.resource(rs("vs-" + k + "-b", "vs-" + k, k, 1)).create();
            }));
        }
        for (Future<?> f : all) {
            f.get();
        }
        pool.shutdown();
    }

    private static String accepted(VirtualService vs) {
        return vs == null || vs.getStatus() == null || vs.getStatus().getConditions() == null ? null
                : vs.getStatus().getConditions().stream().filter(c -> "Accepted".equals(c.getType())).map(c -> c.getStatus())
                .findFirst().orElse(null);
    }

    private static void await(KubernetesClient client, int atLeast, Predicate<VirtualService> done, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            List<VirtualService> all = client.resources(VirtualService.class).inNamespace(NS).list().getItems();
            if (all.size() >= atLeast && all.stream().allMatch(done)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not done within " + within);
            }
            Thread.sleep(500);
        }
    }

    private static Map<String, String> versions(KubernetesClient client) {
        Map<String, String> out = new HashMap<>();
        client.resources(VirtualService.class).inNamespace(NS).list().getItems()
                .forEach(vs -> out.put(vs.getMetadata().getName(), vs.getMetadata().getResourceVersion()));
        return out;
    }

    /** CPU seconds (user + system) of the API server and the operator processes. */
    record Cpu(double api, double operator) {
        static Cpu of(long apiPid, long operatorPid) {
            return new Cpu(seconds(apiPid), operatorPid == 0 ? 0 : seconds(operatorPid));
        }

        Cpu minus(Cpu earlier) {
            return new Cpu(api - earlier.api, operator - earlier.operator);
        }

        private static double seconds(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) TICKS; // utime, stime
            } catch (IOException e) {
                return 0;
            }
        }

        @Override
        public String toString() {
            return String.format("operator %.1f s, API server %.1f s", operator, api);
        }
    }
}
