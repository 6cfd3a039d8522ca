package io.lvs.e2e.agent;

import io.lvs.e2e.apiserver.KubeTools;
import io.lvs.e2e.apiserver.Kubectl;
import io.lvs.e2e.helm.ChartRbac;
import io.lvs.e2e.helm.RightsUsage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;

/**
 * A small data centre on this machine, for end-to-end scenarios: a "lab" network namespace holding a bridge
 * (192.0.2.1/24, 2001:db8::1/64) and the processes of the control plane (the embedded API server on 192.0.2.1, the
 * packaged operator, the real kubectl), and one network namespace per node or host, each with an {@code eth0} on the
 * bridge. Node agents run as their own processes ({@code java -jar lvs-node-agent.jar run}) inside their node's
 * namespace, as the DaemonSet runs them in the host's. Everything is removed on close: processes by PID, then the
 * namespaces.
 *
 * <p>Every process acts as its own identity under the chart's RBAC, as in a cluster: kubectl as the administrator
 * ({@code system:masters}), the operator as its ServiceAccount, each agent as the agents' ServiceAccount with a token
 * bound to its node ({@link ChartRbac}: the chart's Roles, ClusterRoles, bindings and admission policy, rendered by
 * the real helm, are applied before the operator or an agent starts). The API server writes an audit log; on close a
 * request of the operator or an agent that the server refused (401, 403) fails the test, and with
 * {@code -Dlvs.rbac.auditDir=DIR} the log is kept there (see {@code RightsUsage}).
 */
public final class Lab implements AutoCloseable {
    /** The bridge's (and the API server's) address. */
    public static final String GATEWAY = "192.0.2.1";
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Duration START = Duration.ofSeconds(90);

    private final String tag;
    private final String lab;
    private final Path dir;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Proc> processes = new ArrayList<>();
    private final Map<String, String> nodeAddresses = new LinkedHashMap<>();
    private Kubectl kubectl;
    private Path kubeconfig;
    /** Each API server's audit log, the first server's first. */
    private final List<ServerLog> auditLogs = new ArrayList<>();
    private Proc apiServer;
    private List<String> apiServerOptions = List.of();
    private int ports;
    private boolean chartRbac;
    private Path operatorKubeconfig;
    private final Map<String, Path> agentKubeconfigs = new LinkedHashMap<>();

    private Lab(String tag) throws IOException {
        this.tag = tag + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(4);
        this.lab = "lvs-" + this.tag + "-lab";
        this.dir = Files.createTempDirectory(Path.of("/var/tmp"), "lvs-lab-");
    }

    /** Creates the lab namespace and its bridge. Skips the test when not root. */
    public static Lab create(String tag) throws IOException {
        Assumptions.assumeTrue(isRoot(), "skipped: needs root to create network namespaces");
        Lab l = new Lab(tag);
        try {
            l.sh("ip", "netns", "add", l.lab);
            l.namespaces.add(l.lab);
            l.in(l.lab, "ip", "link", "set", "lo", "up");
            l.in(l.lab, "ip", "link", "add", "br0", "type", "bridge");
            l.in(l.lab, "ip", "addr", "add", GATEWAY + "/24", "dev", "br0");
            l.in(l.lab, "ip", "addr", "add", "2001:db8::1/64", "dev", "br0", "nodad");
            l.in(l.lab, "ip", "link", "set", "br0", "up");
        } catch (RuntimeException | AssertionError e) {
            l.close();
            throw e;
        }
        return l;
    }

    /** A node (or any host) on the bridge: namespace {@code lvs-TAG-NAME} with eth0 at {@code address/24}. */
    public String host(String name, String address) {
        String ns = "lvs-" + tag + "-" + name;
        sh("ip", "netns", "add", ns);
        namespaces.add(ns);
        in(ns, "ip", "link", "set", "lo", "up");
        String port = "p" + tag.substring(0, Math.min(6, tag.length())) + (ports++);
        in(lab, "ip", "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
        in(lab, "ip", "link", "set", port, "master", "br0", "up");
        in(ns, "ip", "addr", "add", address + "/24", "dev", "eth0");
        in(ns, "ip", "link", "set", "eth0", "up");
        nodeAddresses.put(name, address);
        return ns;
    }

    /** The namespace of host {@code name}. */
    public String ns(String name) {
        return "lvs-" + tag + "-" + name;
    }

    /**
     * Starts the embedded API server in the lab on {@link #GATEWAY}; returns kubectl for it (skips without kubectl).
     *
     * @param options more of the server's command-line options, e.g. {@code --no-schema-validation}
     */
    public Kubectl startApiServer(String... options) {
        KubeTools.Found tools = switch (KubeTools.lookup()) {
            case KubeTools.Found found -> found;
            case KubeTools.Unavailable u -> Assumptions.abort("real kubectl needed: " + u.reason());
            case KubeTools.Broken b -> throw new AssertionError("real kubectl needed: " + b.reason());
        };
        kubeconfig = dir.resolve("kubeconfig");
        apiServerOptions = List.of(options);
        apiServer = launchApiServer("0");
        // kubectl runs in the lab too: a wrapper puts it there.
        Path wrapper = dir.resolve("kubectl");
        try {
            Files.writeString(wrapper, "#!/bin/sh\nexec ip netns exec " + lab + " " + tools.kubectl() + " \"$@\"\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        kubectl = new Kubectl(wrapper, kubeconfig);
        return kubectl;
    }

    /**
     * The API server dies (SIGKILL) and a new one starts at the same address and port with an empty store, as when a
     * control plane comes back without its data: every object is gone, clients reconnect to it unchanged (the same
     * certificate and keys: their kubeconfigs and tokens stay valid).
     */
    public void restartApiServerEmpty() throws InterruptedException {
        String url = apiServer.output().stream().filter(l -> l.startsWith("server: ")).findFirst().orElseThrow();
        String port = url.substring(url.lastIndexOf(':') + 1);
        apiServer.kill();
        chartRbac = false; // gone with the store: the next installChartRbac() applies it again
        apiServer = launchApiServer(port);
    }

    /**
     * One API server's audit log, and from when its refusals count: a server that came back with an empty store holds
     * none of the chart's rights until they are applied again (its refusals of the operator and the agents until then
     * are what an empty store means, not a right the chart lacks).
     */
    private record ServerLog(Path file, Instant countsFrom) {
    }

    /**
     * Starts the API server process; its certificate, administrator token and service-account key are kept in the lab's
     * {@code pki} directory (made by the first), so a restarted one accepts every client of the one before, as a real
     * control plane keeps its PKI on disk. Each server writes an audit log of its own.
     */
    private Proc launchApiServer(String port) {
        Path log = dir.resolve("audit-" + auditLogs.size() + ".log");
        auditLogs.add(new ServerLog(log, auditLogs.isEmpty() ? Instant.MIN : Instant.MAX));
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx512m", "-Dio.netty.noUnsafe=true", "-cp",
                testClasspath(), "io.lvs.e2e.apiserver.EmbeddedApiServer", "--address", GATEWAY, "--pki-dir",
                dir.resolve("pki").toString(), "--audit-log", log.toString()));
        cmd.addAll(apiServerOptions);
        cmd.addAll(List.of(port, kubeconfig.toString()));
        Proc api = start("apiserver", lab, Map.of(), cmd);
        await("the API server", START, () -> api.output().stream().anyMatch(l -> l.startsWith("server: ")), api);
        return api;
    }

    /** The API server's process (e.g. to freeze it with SIGSTOP: an API server that stalls). */
    public Proc apiServer() {
        return apiServer;
    }

    /** kubectl as the administrator. */
    public Kubectl kubectl() {
        return kubectl;
    }

    /** The administrator's kubeconfig (kubectl's). */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /**
     * Applies the chart's rights (ServiceAccounts, Roles, ClusterRoles, bindings, the agents' admission policy, the
     * VRRP key Secret it creates empty), rendered by the real helm, once; the operator and agents start after it.
     */
    public void installChartRbac() {
        if (!chartRbac) {
            ChartRbac.install(kubectl, dir);
            chartRbac = true;
            ServerLog current = auditLogs.getLast();
            if (current.countsFrom().equals(Instant.MAX)) { // a restarted server has the rights from now on
                auditLogs.set(auditLogs.size() - 1, new ServerLog(current.file(), Instant.now()));
            }
        }
    }

    /** The operator's kubeconfig: its ServiceAccount's token (one per lab, as one ServiceAccount). */
    public Path operatorKubeconfig() {
        installChartRbac();
        if (operatorKubeconfig == null) {
            operatorKubeconfig = ChartRbac.kubeconfig(kubectl, dir, ChartRbac.OPERATOR_ACCOUNT, Optional.empty(),
                    dir.resolve("kubeconfig-operator"));
        }
        return operatorKubeconfig;
    }

    /**
     * The kubeconfig of node {@code name}'s agent: the agents' ServiceAccount with a token bound to the node, as the
     * kubelet's projected token of the agent's pod is. The node must be registered first ({@link #registerNode}).
     */
    public Path agentKubeconfig(String name) {
        installChartRbac();
        return agentKubeconfigs.computeIfAbsent(name, n -> ChartRbac.kubeconfig(kubectl, dir, ChartRbac.AGENT_ACCOUNT,
                Optional.of(n), dir.resolve("kubeconfig-agent-" + n)));
    }

    /** Applies Node objects for the hosts named, as kubelets would register them, with these labels. */
    public void registerNode(String name, Map<String, String> labels) {
        StringBuilder l = new StringBuilder();
        labels.forEach((k, v) -> l.append(k).append(": \"").append(v).append("\", "));
        String yaml = """
                apiVersion: v1
                kind: Node
                metadata: {name: %s, labels: {%s kubernetes.io/hostname: %s}}
                status: {addresses: [{type: InternalIP, address: %s}]}
                """.formatted(name, l, name, nodeAddresses.get(name));
        apply(yaml);
    }

    /**
     * What every agent scenario's cluster starts with: {@code crds/} applied with kubectl, the chart's rights
     * ({@link #installChartRbac()}), a VipPool of the documentation ranges for every namespace (as an administrator
     * would create), the agents' namespace and their DaemonSet (a stopping agent reads it to tell a restart from an
     * uninstall).
     */
    public void installCrdsAndAgentDaemonSet() {
        installCrdsAndAgentDaemonSet(true);
    }

    /** As {@link #installCrdsAndAgentDaemonSet()}; without the lab's VipPool when {@code labPool} is false. */
    public void installCrdsAndAgentDaemonSet(boolean labPool) {
        kubectl.run("apply", "--validate=false", "-f", REPO.resolve("crds").toString()).orFail();
        installChartRbac();
        apply("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: lvs-system}
                ---
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: lvs-node-agent, namespace: lvs-system}
                spec:
                  selector: {matchLabels: {app.kubernetes.io/name: lvs-node-agent}}
                  template:
                    metadata: {labels: {app.kubernetes.io/name: lvs-node-agent}}
                    spec: {containers: [{name: agent, image: lvs-node-agent}]}
                """);
        if (labPool) {
            apply("""
                    apiVersion: lvs.io/v1alpha1
                    kind: VipPool
                    metadata: {name: lab}
                    spec: {addresses: [192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32]}
                    """);
        }
    }

    /** {@code kubectl apply -f -} of {@code yaml}. */
    public void apply(String yaml) {
        Path f = dir.resolve("apply-" + System.nanoTime() + ".yaml");
        try {
            Files.writeString(f, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        kubectl.run("apply", "--validate=false", "-f", f.toString()).orFail();
    }

    /**
     * Starts the packaged operator in the lab (production profile: it takes its leader Lease first), as its
     * ServiceAccount.
     */
    public Proc startOperator() {
        return startOperator(Map.of());
    }

    /** Starts the packaged operator with more settings ({@code LVS_...} environment variables, as the chart sets). */
    public Proc startOperator(Map<String, String> extraEnv) {
        Path jar = REPO.resolve("operator/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("the operator is not packaged: ./mvnw -B -pl operator -am package -DskipTests");
        }
        Map<String, String> env = new LinkedHashMap<>(Map.of("KUBECONFIG", operatorKubeconfig().toString(),
                "QUARKUS_HTTP_PORT", "0", "LVS_OPERATOR_NAMESPACE", "lvs-system", "LVS_AGENT_NAMESPACE", "lvs-system"));
        env.putAll(extraEnv);
        Proc op = start("operator", lab, env, List.of(java(), "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar.toString()));
        await("the operator's leader Lease", START, () -> kubectl.run("get", "lease", "-n", "lvs-system",
                "lvs-operator-leader").succeeded(), op);
        return op;
    }

    /** Starts the packaged node agent of node {@code name} in its namespace, with its node-bound token. */
    public Proc startAgent(String name, Map<String, String> extraEnv) {
        Path jar = REPO.resolve("node-agent/target/lvs-node-agent.jar");
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("the node agent is not packaged: ./mvnw -B -pl node-agent -am package -DskipTests");
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("NODE_NAME", name);
        env.put("POD_NAMESPACE", "lvs-system");
        env.put("KUBECONFIG", agentKubeconfig(name).toString());
        env.put("LVS_AGENT_STATE_DIR", dir.resolve("state-" + name).toString());
        env.put("LVS_AGENT_HTTP_ADDRESS", "127.0.0.1");
        env.put("LVS_AGENT_HTTP_PORT", "9470");
        env.putAll(extraEnv);
        return start("agent-" + name, ns(name), env, List.of(java(), "-XX:+UseSerialGC", "-Xmx96m", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString(), "run"));
    }

    /**
     * A small HTTP server in node {@code name}'s namespace on {@code port} that answers with the node's name (the local
     * proxy of a Local-mode director in the failover scenarios), stopped on close.
     */
    public Proc nameServer(String name, int port) throws IOException {
        Path www = Files.createDirectories(dir.resolve("www-" + name));
        Files.writeString(www.resolve("index.html"), name + "\n");
        return background("httpd-" + name, ns(name), "busybox", "httpd", "-f", "-p", Integer.toString(port), "-h",
                www.toString());
    }

    /** Starts any long-running command (a test server, a client loop) in namespace {@code ns}, stopped on close. */
    public Proc background(String name, String ns, String... cmd) {
        return start(name, ns, Map.of(), List.of(cmd));
    }

    /** A VRRP key file for the directors' agents: one random 32-byte key, in this lab's directory. */
    public Path vrrpKeyFile() {
        Path f = dir.resolve("vrrp.key");
        if (!Files.exists(f)) {
            byte[] secret = new byte[32];
            new java.security.SecureRandom().nextBytes(secret);
            try {
                Files.writeString(f, "1:" + java.util.Base64.getEncoder().encodeToString(secret) + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return f;
    }

    /** A scratch directory of this lab (removed on close). */
    public Path dir() {
        return dir;
    }

    /** The state directory of node {@code name}'s agent. */
    public Path stateDir(String name) {
        return dir.resolve("state-" + name);
    }

    /** Runs a command in namespace {@code ns}; fails unless it exits 0; returns its output. */
    public String in(String ns, String... cmd) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        return sh(c.toArray(String[]::new));
    }

    /** One HTTP GET from namespace {@code ns}: the body, stripped, or "" when the request failed (1 s at most). */
    public String curl(String ns, String target) {
        Run r = tryIn(ns, "curl", "-s", "--max-time", "1", "http://" + target + "/");
        return r.exit() == 0 ? r.out().strip() : "";
    }

    /** {@code kubectl get OBJECT -o jsonpath=...}, or "" when the object cannot be read. */
    public static String get(Kubectl k, String object, String jsonpath) {
        Kubectl.Result r = k.run("get", object, "-o", "jsonpath=" + jsonpath);
        return r.succeeded() ? r.stdout().strip() : "";
    }

    /** The status of condition {@code type} of {@code object}, or "". */
    public static String condition(Kubectl k, String object, String type) {
        return get(k, object, "{.status.conditions[?(@.type==\"" + type + "\")].status}");
    }

    /**
     * A whole node with its own kernel: a User-mode Linux guest (IPVS as modules) whose eth0 is a tap on the bridge,
     * running {@code script} as root (see e2e/guest/README.md). Stopping the returned process halts the guest; a
     * SIGKILL of its process group is node loss. {@code address} is the node address the script gives eth0.
     */
    public Proc guest(String name, String address, String script, Duration timeout) {
        String tap = "t" + tag.substring(0, Math.min(6, tag.length())) + (ports++);
        in(lab, "ip", "tuntap", "add", tap, "mode", "tap");
        in(lab, "ip", "link", "set", tap, "master", "br0", "up");
        Path file = dir.resolve("guest-" + name + ".sh");
        try {
            Files.writeString(file, script);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        nodeAddresses.put(name, address);
        Proc p = start("guest-" + name, lab, Map.of("UML_EXTRA", "eth0=tuntap," + tap,
                "TIMEOUT", Long.toString(timeout.toSeconds())),
                List.of(REPO.resolve("e2e/guest/run-scenario.sh").toString(), file.toString()));
        p.guest = true;
        return p;
    }

    /** Runs a command in namespace {@code ns} whatever its exit status: exit code and output. */
    public Run tryIn(String ns, String... cmd) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        return run(c);
    }

    /** A finished command. */
    public record Run(int exit, String out) {
    }

    private String sh(String... cmd) {
        Run r = run(List.of(cmd));
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " exited " + r.exit() + ": " + r.out());
        }
        return r.out();
    }

    private static Run run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Run(-1, out + "(timed out)");
            }
            return new Run(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A process the lab started, with its output kept. */
    public final class Proc {
        private final String name;
        private final Process process;
        private final List<String> output = Collections.synchronizedList(new ArrayList<>());
        /** When each line of {@link #output} arrived ({@link System#nanoTime()}), index for index. */
        private final List<Long> arrived = Collections.synchronizedList(new ArrayList<>());
        private boolean guest;

        private Proc(String name, Process process) {
            this.name = name;
            this.process = process;
            Thread.ofPlatform().daemon().name("lab-" + name).start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (output) {
                            arrived.add(System.nanoTime());
                            output.add(line);
                        }
                    }
                } catch (IOException e) {
                    output.add("(output closed: " + e.getMessage() + ")");
                }
            });
        }

        public List<String> output() {
            synchronized (output) {
                return List.copyOf(output);
            }
        }

        /** When the line at {@code index} of {@link #output()} arrived ({@link System#nanoTime()}). */
        public long arrivedAt(int index) {
            return arrived.get(index);
        }

        public boolean alive() {
            return process.isAlive();
        }

        public long pid() {
            return process.pid();
        }

        /** SIGTERM, then waits; returns the exit code. */
        public int stop(Duration grace) throws InterruptedException {
            process.toHandle().destroy();
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.toHandle().destroyForcibly();
                process.waitFor();
            }
            return process.exitValue();
        }

        /** SIGSTOP ({@code true}) or SIGCONT: the process freezes or resumes, its sockets open but silent. */
        public void freeze(boolean frozen) {
            try {
                Process p = new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", Long.toString(process.pid()))
                        .inheritIO().start();
                if (p.waitFor() != 0) {
                    throw new AssertionError("kill " + (frozen ? "-STOP " : "-CONT ") + process.pid() + " failed");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** SIGKILL: the process dies without a word, as when its node fails. */
        public void kill() throws InterruptedException {
            process.toHandle().destroyForcibly();
            process.waitFor();
        }

        @Override
        public String toString() {
            return name + " (pid " + process.pid() + ")";
        }
    }

    private Proc start(String name, String ns, Map<String, String> env, List<String> cmd) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(cmd);
        ProcessBuilder pb = new ProcessBuilder(c).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            Proc p = new Proc(name, pb.start());
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Waits for {@code condition}, failing with {@code proc}'s output when it ends or the time is up. */
    public static void await(String what, Duration within, BooleanSupplier condition, Proc... watched) {
        Instant deadline = Instant.now().plus(within);
        while (!condition.getAsBoolean()) {
            for (Proc p : watched) {
                if (!p.alive()) {
                    throw new AssertionError(p + " exited while waiting for " + what + ":\n" + String.join("\n", p.output()));
                }
            }
            if (Instant.now().isAfter(deadline)) {
                StringBuilder b = new StringBuilder("timed out after " + within.toSeconds() + "s waiting for " + what);
                for (Proc p : watched) {
                    b.append("\n--- ").append(p).append(":\n").append(String.join("\n", tail(p.output(), 60)));
                }
                throw new AssertionError(b.toString());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    private static List<String> tail(List<String> lines, int n) {
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String testClasspath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * The requests of the operator and the agents that the API server refused (401 or 403), as
     * "user verb resource: code" lines: each one is a right the chart lacks or a request the product should not make.
     * A server back with an empty store counts from when the chart's rights were applied to it again.
     */
    public List<String> refusedProductRequests() {
        return countedRequests().stream().filter(e -> e.user().startsWith(PRODUCT_USERS))
                .filter(e -> e.code() == 401 || e.code() == 403).map(RightsUsage.Request::toString).toList();
    }

    private List<RightsUsage.Request> countedRequests() {
        List<RightsUsage.Request> counted = new ArrayList<>();
        for (ServerLog log : auditLogs) {
            if (Files.exists(log.file())) {
                RightsUsage.read(List.of(log.file())).stream().filter(r -> !r.received().isBefore(log.countsFrom()))
                        .forEach(counted::add);
            }
        }
        return counted;
    }

    private static final String PRODUCT_USERS = "system:serviceaccount:" + ChartRbac.NAMESPACE + ":";

    @Override
    public void close() {
        stopEverything();
        List<String> refused = List.of();
        try {
            refused = refusedProductRequests();
            String keep = System.getProperty("lvs.rbac.auditDir", "");
            if (!keep.isEmpty()) {
                Path into = Files.createDirectories(Path.of(keep));
                for (ServerLog log : auditLogs) {
                    if (Files.exists(log.file())) { // the lines that count, as they are: ChartRightsTest reads them
                        List<String> lines = RightsUsage.linesFrom(log.file(), log.countsFrom());
                        Files.write(into.resolve(lab + "-" + System.currentTimeMillis() + "-"
                                + log.file().getFileName().toString().replace(".log", ".audit.log")), lines);
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("lab " + lab + ": could not read or keep the audit log: " + e.getMessage());
        } finally {
            deleteDirectory();
        }
        if (!refused.isEmpty()) {
            throw new AssertionError("the API server refused " + refused.size() + " request(s) of the operator or the "
                    + "agents under the chart's RBAC:\n" + String.join("\n", refused.stream().distinct().toList()));
        }
    }

    private void stopEverything() {
        // guests first, and gently: their runner stops the whole UML process group on SIGTERM (a SIGKILL of the
        // runner would leave the guest running)
        for (Proc p : processes) {
            if (p.guest && p.alive()) {
                try {
                    p.stop(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        for (Proc p : processes) {
            if (p.alive()) {
                p.process.toHandle().destroyForcibly();
                try {
                    p.process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            run(List.of("ip", "netns", "del", namespaces.get(i)));
        }
    }

    private void deleteDirectory() {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
