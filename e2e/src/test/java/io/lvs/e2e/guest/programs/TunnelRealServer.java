package io.lvs.e2e.guest.programs;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.lvs.agent.kernel.ipvs.KernelModules;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import io.lvs.agent.kernel.sysctl.Sysctl;
import io.lvs.agent.kernel.sysctl.Sysctls;
import io.lvs.agent.model.NodeDesired.DirectorGroup;
import io.lvs.agent.model.NodeDesired.ProbeSpec;
import io.lvs.agent.model.VsRef;
import io.lvs.agent.node.ActiveDirectors;
import io.lvs.agent.node.ControlLoop;
import io.lvs.agent.node.HealthChecks;
import io.lvs.agent.node.NodeKernel;
import io.lvs.agent.node.ObjectSource;
import io.lvs.agent.node.ReportSink;
import io.lvs.agent.state.StateDirectory;
import io.lvs.api.v1alpha1.NodeReportStatus;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VipPool;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.VirtualServiceSpec;
import io.lvs.api.v1alpha1.VirtualServiceStatus;
import io.lvs.api.v1alpha1.validation.ApiObjects;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Inside the guest (scenario {@code tunnel-real-server}): the node agent's control loop prepares a Tunnel real server's
 * node (the namespace named by the first argument; the client's is the second) for four VirtualServices whose director
 * (another namespace, programmed by ipvsadm) encapsulates with IPIP, GUE and GRE over IPv4 and with IPIP over IPv6
 * (IPv6 and, once an administrator has set ip6tnl0's mode to any, IPv4 inside): the
 * VIPs on lo, the ARP sysctls, each fallback tunnel device up, rp_filter loosened from strict, the GUE port open. The
 * client gets answers through every VIP; an agent restart adopts with zero kernel operations; deleting the
 * VirtualServices gives the node back. Twice: first with no tunnel module loaded (the agent's requests load them; the
 * kernel then keeps their fallback devices, left down), then with the modules loaded and the devices down, one of them
 * brought up by an administrator, where the node must end exactly as it began.
 */
public final class TunnelRealServer {
    private static final String NODE = "rs-node";
    private static final String VIP4 = "203.0.113.10";
    private static final String VIP6 = "2001:db8:10::10";
    private static final List<String> DEVICES = List.of("tunl0", "gre0", "ip6tnl0", "sit0", "ip6gre0");
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final Checks checks = new Checks();
    private final String rs;
    private final NetworkNamespace rsNs;
    private final HttpProbe client;
    private final Source objects = new Source();
    private final Reports reports = new Reports();

    private TunnelRealServer(String rs, String client) {
        this.rs = rs;
        this.rsNs = NetworkNamespace.named(rs);
        this.client = new HttpProbe(client);
    }

    public static void main(String[] args) throws Exception {
        TunnelRealServer t = new TunnelRealServer(args[0], args[1]);
        try {
            t.withoutModules();
            t.withModulesLoaded();
        } catch (Exception | AssertionError e) {
            e.printStackTrace(System.out);
            t.checks.check("the scenario ran to its end", false, e.toString());
        }
        t.checks.exit();
    }

    // ------------------------------------------------------------------ the two rounds

    /** No tunnel module, no fou: the agent's own requests load the tunnel modules; fou must be loaded by hand. */
    private void withoutModules() throws Exception {
        NodeState before = NodeState.read(this);
        System.out.println("before, no modules: " + before);
        checks.check("no tunnel device before the agent", before.links().isEmpty(), before.toString());
        Path dir = Path.of("/tmp/lvs-agent-a");
        objects.set(virtualServices(), realServers());
        try (Agent agent = new Agent(rsNs, dir, objects, reports)) {
            await("the IPIP, GRE and IPv6 VirtualServices programmed", () -> programmed("web-ipip")
                    && programmed("web-gre") && programmed("web-v6"));
            String gueReport = reports.message("web-gue");
            checks.check("without fou the GUE VirtualService's report names the module to load",
                    gueReport.contains("GUE port 6080 (IPv4) cannot be opened") && gueReport.contains("modprobe fou"),
                    gueReport);
            checks.check("the IPIP report carries no problem of the GUE port", reports.message("web-ipip").isEmpty(),
                    reports.message("web-ipip"));
            expectUp("tunl0", "gre0", "ip6tnl0");
            checks.check("tunl0 rp_filter loosened from strict 1 to 2", sysctl("net.ipv4.conf.tunl0.rp_filter").equals("2"),
                    sysctl("net.ipv4.conf.tunl0.rp_filter"));
            checks.check("gre0 rp_filter loosened from strict 1 to 2", sysctl("net.ipv4.conf.gre0.rp_filter").equals("2"),
                    sysctl("net.ipv4.conf.gre0.rp_filter"));
            checks.check("conf/all rp_filter left strict", sysctl("net.ipv4.conf.all.rp_filter").equals("1"),
                    sysctl("net.ipv4.conf.all.rp_filter"));
            String lo = ip("-n", rs, "-o", "addr", "show", "dev", "lo");
            checks.check("both VIPs on lo", lo.contains("inet " + VIP4 + "/32") && lo.contains("inet6 " + VIP6 + "/128"), lo);
            for (String d : List.of("tunl0", "gre0")) {
                String on = ip("-n", rs, "-o", "-4", "addr", "show", "dev", d);
                checks.check("the IPv4 VIP on " + d + " (loose rp_filter needs an address there)",
                        on.contains("inet " + VIP4 + "/32"), on);
            }
            checks.check("arp_ignore 1 on the real server's link", sysctl("net.ipv4.conf.eth0.arp_ignore").equals("1"),
                    sysctl("net.ipv4.conf.eth0.arp_ignore"));
            answers("IPIP over IPv4", VIP4, 80);
            answers("GRE over IPv4", VIP4, 82);
            answers("IPIP over IPv6", VIP6, 80);

            String mixed = reports.message("web-mixed");
            checks.check("IPv4 over IPv6 needs ip6tnl0 in mode any and the report says so",
                    mixed.contains("ip6tnl0 takes only IPv6 inside") && mixed.contains("ip -6 tunnel change ip6tnl0 mode any"),
                    mixed);
            checks.check("an administrator sets ip6tnl0 mode any", ip("-n", rs, "-6", "tunnel", "change", "ip6tnl0", "mode",
                    "any").contains("exit 0"), "ip -6 tunnel change failed");
            await("the IPv4-over-IPv6 VirtualService programmed", () -> programmed("web-mixed"));
            String on = ip("-n", rs, "-o", "-4", "addr", "show", "dev", "ip6tnl0");
            checks.check("the IPv4 VIP on ip6tnl0", on.contains("inet " + VIP4 + "/32"), on);
            answers("IPIP (IPv4 inside) over IPv6", VIP4, 83);

            checks.check("modprobe fou", run("modprobe", "fou").contains("exit 0"), "modprobe failed");
            await("the GUE VirtualService programmed once fou is loaded", () -> programmed("web-gue"));
            String fou = ip("-n", rs, "fou", "show");
            checks.check("ip fou shows GUE port 6080", fou.contains("port 6080 gue"), fou);
            answers("GUE over IPv4", VIP4, 81);
            String owned = Files.readString(dir.resolve("owned"));
            System.out.println(owned);
            checks.check("the state directory records the devices it created and the port it opened",
                    owned.contains("link-created gre0\nlink-created ip6tnl0\nlink-created tunl0\nfou 6080 ipv4\n")
                            && owned.contains("sysctl net.ipv4.conf.tunl0.rp_filter 1 2\n"), owned);
        }

        try (Agent again = new Agent(rsNs, dir, objects, reports)) {
            long from = again.loop.status().pass();
            await("the restarted agent converged over three passes",
                    () -> again.loop.status().converged() && again.loop.status().pass() >= from + 3);
            checks.check("a restarted agent adopts with zero kernel operations", again.loop.counters().kernelOps.get() == 0,
                    again.loop.counters().kernelOps.get() + " operations");
            answers("IPIP over IPv4 after the restart", VIP4, 80);

            objects.set(List.of(), realServers());
            await("everything given back", again.state::ownsNothing);
            await("no report left", () -> reports.latest().isEmpty());
        }
        NodeState after = NodeState.read(this);
        System.out.println("after, modules loaded by the agent's requests: " + after);
        checks.check("the devices the agent created are down (the kernel keeps a module's fallback devices)",
                List.of("tunl0", "gre0", "ip6tnl0").stream().allMatch(d -> Boolean.FALSE.equals(after.links().get(d))),
                after.links().toString());
        checks.check("tunl0 rp_filter restored to 1", after.sysctls().get("net.ipv4.conf.tunl0.rp_filter").equals("1"),
                after.toString());
        checks.check("addresses, FOU ports and the other sysctls as before",
                after.addresses().equals(before.addresses()) && after.fou().equals(List.of())
                        && without(after.sysctls(), "tunl0", "gre0", "ip6tnl0").equals(before.sysctls()),
                "before " + before + ", after " + after);
    }

    /** The modules are loaded, their devices down; an administrator has gre0 up. The node must end as it began. */
    private void withModulesLoaded() throws Exception {
        ip("-n", rs, "link", "set", "gre0", "up");
        NodeState before = NodeState.read(this);
        System.out.println("before, modules loaded: " + before);
        Path dir = Path.of("/tmp/lvs-agent-b");
        objects.set(virtualServices(), realServers());
        try (Agent agent = new Agent(rsNs, dir, objects, reports)) {
            await("every VirtualService programmed", () -> programmed("web-ipip") && programmed("web-gue")
                    && programmed("web-gre") && programmed("web-v6") && programmed("web-mixed"));
            expectUp("tunl0", "gre0", "ip6tnl0");
            answers("IPIP over IPv4 through a device brought up", VIP4, 80);
            answers("GUE over IPv4 through a device brought up", VIP4, 81);
            answers("GRE over IPv4 through the administrator's device", VIP4, 82);
            answers("IPIP over IPv6 through a device brought up", VIP6, 80);
            answers("IPIP (IPv4 inside) over IPv6 through a device brought up", VIP4, 83);
            String owned = Files.readString(dir.resolve("owned"));
            System.out.println(owned);
            checks.check("the devices it brought up are recorded, the administrator's gre0 is not",
                    owned.contains("link-up ip6tnl0\nlink-up tunl0\n") && !owned.contains("link-up gre0")
                            && !owned.contains("link-created"), owned);

            objects.set(List.of(), realServers());
            await("everything given back", agent.state::ownsNothing);
        }
        NodeState after = NodeState.read(this);
        System.out.println("after: " + after);
        checks.check("the node is exactly as before (devices, addresses, FOU ports, sysctls)", after.equals(before),
                "before " + before + ", after " + after);
        checks.check("the administrator's gre0 is still up", Boolean.TRUE.equals(after.links().get("gre0")),
                after.links().toString());
    }

    // ------------------------------------------------------------------ objects

    private static List<VirtualService> virtualServices() throws IOException {
        return List.of(
                virtualService("web-ipip", VIP4, 80, "{\"encapsulation\": \"IPIP\"}"),
                virtualService("web-gue", VIP4, 81, "{\"encapsulation\": \"GUE\", \"port\": 6080}"),
                virtualService("web-gre", VIP4, 82, "{\"encapsulation\": \"GRE\"}"),
                virtualService("web-v6", VIP6, 80, "{\"encapsulation\": \"IPIP\"}"),
                virtualService("web-mixed", VIP4, 83, "{\"encapsulation\": \"IPIP\"}"));
    }

    private static VirtualService virtualService(String name, String vip, int port, String tunnel) throws IOException {
        VirtualService vs = ApiObjects.MAPPER.readValue("""
                {"apiVersion": "lvs.io/v1alpha1", "kind": "VirtualService",
                 "metadata": {"name": "%s", "namespace": "default", "generation": 1,
                              "creationTimestamp": "2026-12-01T10:00:00Z"},
                 "spec": {"vip": "%s", "ports": [{"port": %d}],
                          "forwarding": {"method": "Tunnel", "tunnel": %s},
                          "realServerSelector": {"matchLabels": {"app": "%s"}},
                          "directors": {"nodeSelector": {"matchLabels": {"lvs.io/director": "true"}}}}}
                """.formatted(name, vip, port, tunnel, name), VirtualService.class);
        VirtualServiceStatus st = new VirtualServiceStatus();
        st.setAcceptedGeneration(1L);
        st.setAcceptedSpec(ApiObjects.MAPPER.convertValue(vs.getSpec(), VirtualServiceSpec.class));
        vs.setStatus(st);
        return vs;
    }

    private static List<RealServer> realServers() throws IOException {
        List<RealServer> out = new ArrayList<>();
        for (String app : List.of("web-ipip", "web-gue", "web-gre")) {
            out.add(realServer(app + "-1", app, "198.51.100.3"));
        }
        out.add(realServer("web-v6-1", "web-v6", "2001:db8:1::3"));
        out.add(realServer("web-mixed-1", "web-mixed", "2001:db8:1::3"));
        return out;
    }

    private static RealServer realServer(String name, String app, String address) throws IOException {
        return ApiObjects.MAPPER.readValue("""
                {"apiVersion": "lvs.io/v1alpha1", "kind": "RealServer",
                 "metadata": {"name": "%s", "namespace": "default", "labels": {"app": "%s"}},
                 "spec": {"address": "%s", "nodeName": "%s"}}
                """.formatted(name, app, address, NODE), RealServer.class);
    }

    // ------------------------------------------------------------------ checks and oracles

    private boolean programmed(String vs) {
        NodeReportStatus r = reports.latest().get(new VsRef("default", vs));
        return r != null && Boolean.TRUE.equals(r.getProgrammed());
    }

    private void expectUp(String... devices) throws Exception {
        String links = ip("-n", rs, "-o", "link", "show");
        for (String d : devices) {
            boolean up = links.lines().anyMatch(l -> l.contains(" " + d + "@") && l.matches(".*<[^>]*\\bUP\\b[^>]*>.*"));
            checks.check(d + " up", up, links);
        }
    }

    private void answers(String what, String vip, int port) {
        String body = "";
        Instant deadline = Instant.now().plusSeconds(10); // the first request may meet a neighbour entry being made
        while (Instant.now().isBefore(deadline)) {
            body = client.getAt(vip, port);
            if (body.equals("rs port " + port)) {
                break;
            }
        }
        checks.check("the client gets an answer through " + what, body.equals("rs port " + port), body);
    }

    private String sysctl(String name) {
        return Sysctls.in(rsNs).readIfPresent(Sysctl.parse(name)).map(String::valueOf).orElse("absent");
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant start = Instant.now();
        Instant deadline = start.plus(WAIT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                checks.check(what, false, "not within " + WAIT.toSeconds() + " s; reports: " + reports.latest());
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
        checks.check(what, true, "");
        System.out.println(what + " after " + Duration.between(start, Instant.now()).toMillis() + " ms");
    }

    private static String ip(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new));
    }

    /** The command's output, then a line "exit N". */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return out + "exit timeout";
        }
        return out + "exit " + p.exitValue();
    }

    private static Map<String, String> without(Map<String, String> sysctls, String... devices) {
        Map<String, String> out = new TreeMap<>(sysctls);
        for (String d : devices) {
            out.keySet().removeIf(k -> k.startsWith("net.ipv4.conf." + d + "."));
        }
        return out;
    }

    /**
     * What the real server's node holds that the agent may touch, as {@code ip} and the sysctls show it: each tunnel
     * device present and whether it is up, every address, the FOU ports, the sysctls concerned.
     */
    record NodeState(Map<String, Boolean> links, List<String> addresses, List<String> fou, Map<String, String> sysctls) {
        static NodeState read(TunnelRealServer t) throws Exception {
            Map<String, Boolean> links = new TreeMap<>();
            for (String line : ip("-n", t.rs, "-o", "link", "show").lines().toList()) {
                for (String d : DEVICES) {
                    if (line.contains(" " + d + "@")) {
                        links.put(d, line.matches(".*<[^>]*\\bUP\\b[^>]*>.*"));
                    }
                }
            }
            List<String> addresses = ip("-n", t.rs, "-o", "addr", "show").lines().filter(l -> l.contains("inet"))
                    .map(l -> l.replaceAll("^\\d+: ", "").replaceAll("\\\\.*", "").replaceAll("\\s+", " ").strip())
                    .sorted().toList();
            String fouOut = ip("-n", t.rs, "fou", "show");
            List<String> fou = fouOut.lines().filter(l -> l.startsWith("port ")).sorted().toList();
            Map<String, String> sysctls = new TreeMap<>();
            List<String> names = new ArrayList<>(List.of("net.ipv4.conf.all.rp_filter", "net.ipv4.conf.default.rp_filter",
                    "net.ipv4.conf.eth0.rp_filter", "net.ipv4.conf.all.arp_ignore", "net.ipv4.conf.all.arp_announce",
                    "net.ipv4.conf.eth0.arp_ignore", "net.ipv4.conf.eth0.arp_announce"));
            for (String d : links.keySet()) {
                names.add("net.ipv4.conf." + d + ".rp_filter");
            }
            for (String n : names) {
                sysctls.put(n, t.sysctl(n));
            }
            return new NodeState(links, addresses, fou, sysctls);
        }
    }

    // ------------------------------------------------------------------ the agent's rooms, without Kubernetes

    /** The control loop of the real server's node, as {@code lvs-node-agent run} wires it, on objects held here. */
    static final class Agent implements AutoCloseable {
        final NodeKernel kernel;
        final StateDirectory state;
        final ControlLoop loop;

        Agent(NetworkNamespace ns, Path dir, Source objects, Reports reports) {
            kernel = new NodeKernel(ns, Path.of("/proc/sys/net"), KernelModules.system());
            state = StateDirectory.open(dir);
            loop = new ControlLoop(NODE, kernel, state, objects, new NoHealth(), new NotADirector(), reports,
                    Clock.systemUTC(), new ControlLoop.Options(Duration.ofMillis(300), Duration.ofSeconds(5),
                    Duration.ofSeconds(30)));
            loop.start();
        }

        @Override
        public void close() {
            loop.close();
            kernel.close();
            state.close();
        }
    }

    /** The objects an API server would hold: this node, a director node, a pool of the documentation ranges. */
    static final class Source implements ObjectSource {
        private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
        private volatile List<VirtualService> virtualServices = List.of();
        private volatile List<RealServer> realServers = List.of();
        private final List<Node> nodes = List.of(
                new NodeBuilder().withNewMetadata().withName(NODE).endMetadata().withNewStatus().addNewAddress()
                        .withType("InternalIP").withAddress("198.51.100.3").endAddress().endStatus().build(),
                new NodeBuilder().withNewMetadata().withName("dir-node").withLabels(Map.of("lvs.io/director", "true"))
                        .endMetadata().withNewStatus().addNewAddress().withType("InternalIP").withAddress("198.51.100.2")
                        .endAddress().endStatus().build());
        private final List<VipPool> pools;

        Source() {
            try {
                pools = List.of(ApiObjects.MAPPER.readValue("""
                        {"apiVersion": "lvs.io/v1alpha1", "kind": "VipPool", "metadata": {"name": "documentation"},
                         "spec": {"addresses": ["203.0.113.0/24", "2001:db8::/32"]}}
                        """, VipPool.class));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();

        void set(List<VirtualService> vss, List<RealServer> rss) {
            virtualServices = List.copyOf(vss);
            realServers = List.copyOf(rss);
            version.incrementAndGet();
            listeners.forEach(Runnable::run);
        }

        @Override
        public boolean synced() {
            return true;
        }

        @Override
        public long version() {
            return version.get();
        }

        @Override
        public Collection<VirtualService> virtualServices() {
            return virtualServices;
        }

        @Override
        public Collection<RealServer> realServers() {
            return realServers;
        }

        @Override
        public Collection<Node> nodes() {
            return nodes;
        }

        @Override
        public Collection<VipPool> vipPools() {
            return pools;
        }

        @Override
        public Map<String, String> namespaceLabels(String name) {
            return Map.of("kubernetes.io/metadata.name", name);
        }

        @Override
        public void onChange(Runnable listener) {
            listeners.add(listener);
        }
    }

    /** The NodeReports the loop would write, the latest set. */
    static final class Reports implements ReportSink {
        private volatile Map<VsRef, NodeReportStatus> latest = Map.of();

        @Override
        public void publish(Map<VsRef, NodeReportStatus> reports) {
            latest = Map.copyOf(reports);
        }

        Map<VsRef, NodeReportStatus> latest() {
            return latest;
        }

        /** The message of one VirtualService's report ("" when none or no message). */
        String message(String vs) {
            NodeReportStatus r = latest.get(new VsRef("default", vs));
            return r == null || r.getMessage() == null ? "" : r.getMessage();
        }
    }

    /** A real server's node runs no probes. */
    static final class NoHealth implements HealthChecks {
        @Override
        public void update(Collection<ProbeSpec> probes) {
        }

        @Override
        public Optional<Verdict> verdict(String probeKey) {
            return Optional.empty();
        }

        @Override
        public void onChange(Runnable listener) {
        }

        @Override
        public void close() {
        }
    }

    /** A real server's node directs nothing. */
    static final class NotADirector implements ActiveDirectors {
        @Override
        public void configure(Collection<DirectorGroup> groups) {
        }

        @Override
        public Role role(InetAddress vip) {
            return Role.STANDBY;
        }

        @Override
        public Optional<Instant> activeSince(InetAddress vip) {
            return Optional.empty();
        }

        @Override
        public void onChange(Runnable listener) {
        }

        @Override
        public void stop(boolean handOver) {
        }
    }
}
