package io.lvs.e2e.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.lvs.e2e.apiserver.KubeTools;
import io.lvs.e2e.apiserver.Kubeconfig;
import io.lvs.e2e.apiserver.Kubectl;
import io.lvs.e2e.helm.ChartRbac;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The control plane at scale: N VirtualServices with two RealServers each, created at once by a load client against
 * the embedded API server (its own process) and the packaged operator (its own process, with the chart's JVM
 * settings), on this machine. Prints, for each phase, the wall time, the CPU time of the operator, the API server and
 * this load client separately, and the requests the API server answered by verb and resource:
 * <ol>
 *   <li>from the first create until every VirtualService is {@code Accepted=True};</li>
 *   <li>idle for a minute (the operator's CPU share with nothing changing);</li>
 *   <li>a director node loses its label: until no VirtualService lists it as a director;</li>
 *   <li>the operator restarts: until a VirtualService created after the restart is accepted, and how many of the
 *       others had their status rewritten.</li>
 * </ol>
 * The load client is kept cheap, since it shares the cores: request bodies are written once as bytes and sent with
 * the JDK's HTTP client, a few at a time; progress comes from one watch on VirtualServices (no polling lists).
 * Run from {@code e2e/} with the test classpath after {@code ./mvnw -B install -DskipTests}; the command is in
 * docs/benchmarks.md. Arguments: N (default 1000), then {@code --jfr DIR} to record both processes with JDK Flight
 * Recorder (files {@code DIR/<pid>.jfr}, written when each process exits).
 */
public final class ControlPlaneBenchmark {
    private static final Path REPO = Path.of("").toAbsolutePath().getFileName().toString().equals("e2e")
            ? Path.of("").toAbsolutePath().getParent() : Path.of("").toAbsolutePath();
    private static final String NS = "default";
    private static final long TICKS = 100; // USER_HZ
    /** Creations in flight at once: enough to keep the API server busy, few enough to cost this client little. */
    private static final int IN_FLIGHT = 8;
    /** The operator's JVM as the chart runs it: Dockerfile.jvm's flags, 75 % of the 512Mi memory limit as heap. */
    private static final List<String> OPERATOR_JVM = List.of("-XX:+UseSerialGC", "-Xmx384m", "-XX:-UsePerfData");
    private static final String GROUP = "/apis/lvs.io/v1alpha1/namespaces/" + NS;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ControlPlaneBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = 1000;
        List<String> jfr = List.of();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--jfr")) {
                Path dir = Path.of(args[++i]).toAbsolutePath();
                Files.createDirectories(dir);
                jfr = List.of("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + dir + "/%p.jfr");
            } else {
                n = Integer.parseInt(args[i]);
            }
        }
        Path dir = Files.createTempDirectory("lvs-scale");
        Path kubeconfig = dir.resolve("kubeconfig");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> apiCommand = new ArrayList<>(List.of(java, "-Xmx2g", "-XX:+UseParallelGC"));
        apiCommand.addAll(jfr);
        apiCommand.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.lvs.e2e.apiserver.EmbeddedApiServer",
                "--log", "0", kubeconfig.toString()));
        Process api = new ProcessBuilder(apiCommand).redirectErrorStream(true).start();
        BufferedReader apiOut = new BufferedReader(new InputStreamReader(api.getInputStream(), StandardCharsets.UTF_8));
        String line;
        String url = null;
        while ((line = apiOut.readLine()) != null) {
            if (line.startsWith("server: ")) {
                url = line.substring("server: ".length()).trim();
                break;
            }
        }
        if (url == null) {
            throw new IllegalStateException("the API server did not start");
        }
        Requests requests = new Requests();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                apiOut.lines().forEach(requests::count);
            } catch (java.io.UncheckedIOException e) {
                // the API server stopped
            }
        });
        List<String> operatorJvm = new ArrayList<>(OPERATOR_JVM);
        operatorJvm.addAll(jfr);
        OperatorProcess operator = null;
        Config admin = Config.fromKubeconfig(Files.readString(kubeconfig));
        // the load client is the administrator: the API server's certificate trusted, its token on every request
        token = admin.getOauthToken() != null ? admin.getOauthToken() : admin.getAutoOAuthToken();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(Kubeconfig.trustedContext(kubeconfig))
                .build();
        Load load = new Load(http, URI.create(url));
        VirtualServiceWatch watch = null;
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(admin).build()) {
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
            operator = startOperator(operatorKubeconfig, client, operatorJvm);
            System.out.printf("%d VirtualServices x 2 RealServers; API server pid %d, operator pid %d (%s)%n", n,
                    api.pid(), operator.pid(), String.join(" ", OPERATOR_JVM));
            watch = VirtualServiceWatch.start(http, URI.create(url));

            // 1. from empty to all accepted
            Phase phase = Phase.start(api, operator, requests);
            load.createAll(n);
            long created = System.nanoTime();
            watch.await(n, VirtualServiceWatch.State::accepted, Duration.ofMinutes(60));
            phase.end(String.format("create -> all Accepted=True (creating took %.1f s)",
                    (created - phase.start) / 1e9));

            // 2. idle
            phase = Phase.start(api, operator, requests);
            Thread.sleep(60_000);
            Cpu idle = phase.cpu();
            double idleSeconds = (System.nanoTime() - phase.start) / 1e9;
            phase.end(String.format("idle: operator %.1f %% of a core, API server %.1f %%",
                    100 * idle.operator() / idleSeconds, 100 * idle.api() / idleSeconds));

            // 3. a director loses its label
            phase = Phase.start(api, operator, requests);
            load.send("PATCH", "/api/v1/nodes/node-b", "application/merge-patch+json",
                    "{\"metadata\":{\"labels\":{\"lvs.io/director\":null}}}").join();
            watch.await(n, s -> !s.listsNodeB(), Duration.ofMinutes(30));
            phase.end("node-b loses lvs.io/director -> no VirtualService lists it");

            // 4. the operator restarts
            operator.stop(Duration.ofSeconds(30));
            phase = Phase.start(api, null, requests);
            watch.markWrites();
            operator = startOperator(operatorKubeconfig, client, operatorJvm);
            phase.operator = operator;
            load.createOne("after-restart", n + 1).join();
            watch.await("after-restart", VirtualServiceWatch.State::accepted, Duration.ofMinutes(30));
            double restart = (System.nanoTime() - phase.start) / 1e9;
            Thread.sleep(10_000); // let the new leader's first pass over everything finish
            phase.end(String.format("operator restart -> a new VirtualService accepted: %.1f s; statuses rewritten: "
                    + "%d of %d; new operator's first %.0f s", restart, watch.writtenSinceMark("after-restart"), n,
                    restart + 10));
        } finally {
            if (watch != null) {
                watch.stop();
            }
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
        GenericKubernetesResource pool = new GenericKubernetesResource();
        pool.setApiVersion("lvs.io/v1alpha1");
        pool.setKind("VipPool");
        pool.setMetadata(new ObjectMetaBuilder().withName("scale").build());
        pool.setAdditionalProperty("spec", Map.of("addresses", List.of("198.51.100.0/24", "203.0.113.0/24",
                "2001:db8::/32")));
        client.resource(pool).create();
    }

    /** The administrator's bearer token, which every request of the load client carries. */
    private static String token;

    /** A request to the API server as the administrator. */
    private static HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token);
    }

    private static OperatorProcess startOperator(Path kubeconfig, KubernetesClient client, List<String> jvm)
            throws InterruptedException {
        String before = lease(client);
        // a name of its own in the Lease (as a pod's), so the new leader is told from the old
        OperatorProcess op = OperatorProcess.start(kubeconfig, Map.of("LVS_OPERATOR_NAMESPACE", "lvs-system",
                "LVS_AGENT_NAMESPACE", "lvs-system", "HOSTNAME", "lvs-operator-" + System.nanoTime()), jvm);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        String holder;
        while ((holder = lease(client)) == null || holder.equals(before)) {
            if (System.nanoTime() > deadline || !op.isAlive()) {
                throw new IllegalStateException("the operator did not lead: " + op.output());
            }
            Thread.sleep(200);
        }
        return op;
    }

    /** The holder of the operator's Lease, or null. */
    private static String lease(KubernetesClient client) {
        var lease = client.leases().inNamespace("lvs-system").withName("lvs-operator-leader").get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    /** Writes objects with pre-serialized bodies over the JDK's HTTP client, {@link #IN_FLIGHT} at a time. */
    private record Load(HttpClient http, URI server) {
        /** VirtualService i, then its two RealServers (by reference), as a user applying them in order would. */
        void createAll(int n) {
            Semaphore slots = new Semaphore(IN_FLIGHT);
            List<CompletableFuture<Void>> all = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                slots.acquireUninterruptibly();
                all.add(createOne("vs-" + i, i).whenComplete((ok, e) -> slots.release()));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        }

        CompletableFuture<Void> createOne(String name, int i) {
            return send("POST", GROUP + "/virtualservices", "application/json", virtualService(name, i))
                    .thenCompose(r -> send("POST", GROUP + "/realservers", "application/json", realServer(name + "-a", name, i, 0)))
                    .thenCompose(r -> send("POST", GROUP + "/realservers", "application/json", realServer(name + "-b", name, i, 1)))
                    .thenApply(r -> null);
        }

        CompletableFuture<String> send(String method, String path, String contentType, String body) {
            HttpRequest request = request(server.resolve(path)).header("Content-Type", contentType)
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body.getBytes(StandardCharsets.UTF_8)))
                    .build();
            return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
                if (r.statusCode() >= 300) {
                    throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + ": " + r.body());
                }
                return r.body();
            });
        }

        /** VirtualService i: an IPv6 VIP (2001:db8::/32 has room for any N), one port, its RealServers by reference. */
        private static String virtualService(String name, int i) {
            return """
                    {"apiVersion":"lvs.io/v1alpha1","kind":"VirtualService","metadata":{"name":"%s","namespace":"%s"},\
                    "spec":{"vip":"2001:db8::%s","ports":[{"port":80}],\
                    "directors":{"nodeSelector":{"matchLabels":{"lvs.io/director":"true"}}}}}"""
                    .formatted(name, NS, Integer.toHexString(i + 1));
        }

        private static String realServer(String name, String vs, int i, int j) {
            return """
                    {"apiVersion":"lvs.io/v1alpha1","kind":"RealServer","metadata":{"name":"%s","namespace":"%s"},\
                    "spec":{"address":"2001:db8:1::%s","virtualServiceRef":{"name":"%s"}}}"""
                    .formatted(name, NS, Integer.toHexString(i * 2 + j + 1), vs);
        }
    }

    /**
     * What every VirtualService's status says, from one HTTP watch (resumed from its last version if the server ends
     * it), and how often each was written since a mark.
     */
    private static final class VirtualServiceWatch {
        record State(String resourceVersion, boolean accepted, boolean listsNodeB) {
        }

        private final Map<String, State> states = new ConcurrentHashMap<>();
        private final Map<String, LongAdder> writes = new ConcurrentHashMap<>();
        private final AtomicReference<String> version = new AtomicReference<>();
        private volatile boolean stopped;

        static VirtualServiceWatch start(HttpClient http, URI server) throws Exception {
            VirtualServiceWatch w = new VirtualServiceWatch();
            HttpResponse<String> list = http.send(request(server.resolve(GROUP + "/virtualservices"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            w.version.set(JSON.readTree(list.body()).path("metadata").path("resourceVersion").asText());
            Thread.ofPlatform().daemon().name("virtualservice-watch").start(() -> w.run(http, server));
            return w;
        }

        private void run(HttpClient http, URI server) {
            while (!stopped) {
                try {
                    HttpRequest watch = request(server.resolve(GROUP + "/virtualservices?watch=true"
                            + "&resourceVersion=" + version.get())).build();
                    try (Stream<String> lines = http.send(watch, HttpResponse.BodyHandlers.ofLines()).body()) {
                        lines.forEach(this::event);
                    }
                } catch (IOException | InterruptedException | RuntimeException e) {
                    if (!stopped) {
                        System.err.println("watch: " + e + "; watching again");
                    }
                }
            }
        }

        private void event(String line) {
            JsonNode event;
            try {
                event = JSON.readTree(line);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            JsonNode object = event.path("object");
            String rv = object.path("metadata").path("resourceVersion").asText();
            version.set(rv);
            String name = object.path("metadata").path("name").asText();
            if (event.path("type").asText().equals("DELETED")) {
                states.remove(name);
                return;
            }
            boolean accepted = false;
            for (JsonNode c : object.path("status").path("conditions")) {
                accepted |= c.path("type").asText().equals("Accepted") && c.path("status").asText().equals("True");
            }
            boolean nodeB = false;
            for (JsonNode d : object.path("status").path("directors")) {
                nodeB |= d.path("nodeName").asText().equals("node-b");
            }
            states.put(name, new State(rv, accepted, nodeB));
            writes.computeIfAbsent(name, k -> new LongAdder()).increment();
        }

        void await(int count, Predicate<State> done, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (states.size() < count || !states.values().stream().allMatch(done)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not done within " + within);
                }
                Thread.sleep(100);
            }
        }

        void await(String name, Predicate<State> done, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (states.get(name) == null || !done.test(states.get(name))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " not done within " + within);
                }
                Thread.sleep(100);
            }
        }

        void stop() {
            stopped = true;
        }

        void markWrites() {
            writes.clear();
        }

        /** How many VirtualServices other than {@code except} were written since {@link #markWrites}. */
        long writtenSinceMark(String except) {
            return writes.keySet().stream().filter(k -> !k.equals(except)).count();
        }
    }

    /** The API server's requests by verb and resource ("PUT virtualservices/status"), from its request log. */
    private static final class Requests {
        private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

        /** One log line: "PUT /apis/lvs.io/v1alpha1/namespaces/default/virtualservices/vs-1/status -> 200". */
        void count(String line) {
            int space = line.indexOf(' ');
            int arrow = line.indexOf(" -> ");
            if (space < 0 || arrow < 0) {
                return;
            }
            String method = line.substring(0, space);
            String path = line.substring(space + 1, arrow);
            boolean watch = line.substring(arrow).contains("watch");
            int q = path.indexOf('?');
            List<String> segments = List.of((q < 0 ? path : path.substring(0, q)).split("/"));
            // /api/v1/..., /apis/group/version/...: then [namespaces/ns/] plural [/name [/subresource]]
            int i = segments.size() > 1 && segments.get(1).equals("api") ? 3 : 4;
            if (segments.size() > i + 1 && segments.get(i).equals("namespaces") && segments.size() > i + 2) {
                i += 2;
            }
            String resource = segments.size() > i ? segments.get(i) : path;
            String sub = segments.size() > i + 2 ? "/" + segments.get(i + 2) : "";
            String verb = watch ? "WATCH" : method.equals("GET") && segments.size() <= i + 1 ? "LIST" : method;
            counts.computeIfAbsent(verb + " " + resource + sub, k -> new LongAdder()).increment();
        }

        Map<String, Long> snapshot() {
            Map<String, Long> out = new TreeMap<>();
            counts.forEach((k, v) -> out.put(k, v.sum()));
            return out;
        }
    }

    /** A phase's start: the clock, the processes' CPU, the request counts. */
    private static final class Phase {
        final long start = System.nanoTime();
        final Process api;
        OperatorProcess operator;
        final Requests requests;
        final Cpu cpu;
        final Map<String, Long> counts;

        private Phase(Process api, OperatorProcess operator, Requests requests) {
            this.api = api;
            this.operator = operator;
            this.requests = requests;
            this.cpu = Cpu.of(api, operator);
            this.counts = requests.snapshot();
        }

        static Phase start(Process api, OperatorProcess operator, Requests requests) {
            return new Phase(api, operator, requests);
        }

        /** CPU since the start (an operator started during the phase counts from zero). */
        Cpu cpu() {
            Cpu now = Cpu.of(api, operator);
            return new Cpu(now.api() - cpu.api(), cpu.operator() > now.operator() || cpu.operator() == 0
                    ? now.operator() : now.operator() - cpu.operator(), now.client() - cpu.client());
        }

        void end(String what) {
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Long> now = requests.snapshot();
            String made = now.entrySet().stream().filter(e -> e.getValue() - counts.getOrDefault(e.getKey(), 0L) > 0)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .map(e -> e.getKey() + " " + (e.getValue() - counts.getOrDefault(e.getKey(), 0L)))
                    .collect(Collectors.joining(", "));
            System.out.printf("%s: %.1f s; CPU %s%n    requests: %s%n", what, seconds, cpu(), made);
        }
    }

    /** CPU seconds (user + system) of the API server, the operator and this load client. */
    record Cpu(double api, double operator, double client) {
        static Cpu of(Process api, OperatorProcess operator) {
            return new Cpu(seconds(api.pid()), operator == null ? 0 : seconds(operator.pid()),
                    seconds(ProcessHandle.current().pid()));
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
            return String.format("operator %.1f s, API server %.1f s, load client %.1f s", operator, api, client);
        }
    }
}
