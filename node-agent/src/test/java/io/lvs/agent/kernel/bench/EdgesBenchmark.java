package io.lvs.agent.kernel.bench;

import io.lvs.agent.kernel.icmp.EchoOutcome;
import io.lvs.agent.kernel.icmp.IcmpProber;
import io.lvs.agent.kernel.packet.Announcer;
import io.lvs.agent.kernel.rtnl.AddressChange;
import io.lvs.agent.kernel.rtnl.AddressOp;
import io.lvs.agent.kernel.rtnl.Link;
import io.lvs.agent.kernel.rtnl.Rtnl;
import io.lvs.agent.kernel.testing.Cmd;
import io.lvs.agent.kernel.testing.Netns;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Prints figures for the kernel edges, as root, in fresh namespaces: VIPs added and removed over
 * rtnetlink (batched, one by one, and {@code ip -batch} for comparison), ICMP probes per second
 * with their latency, and announcement frames per second. Not a test: run it with
 * {@code java --enable-native-access=ALL-UNNAMED -cp node-agent/target/classes:node-agent/target/test-classes
 * io.lvs.agent.kernel.bench.EdgesBenchmark [vips] [probes]}.
 */
public final class EdgesBenchmark {
    private EdgesBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int vips = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int probes = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        System.out.printf("kernel edges benchmark: %d VIPs, %d ICMP probes; %d CPUs, %s%n", vips, probes,
                Runtime.getRuntime().availableProcessors(), Cmd.ok("uname", "-r").strip());
        try (Netns.Pair hosts = Netns.pair("bench", "eth-a", "eth-b")) {
            Netns a = hosts.a();
            Netns b = hosts.b();
            a.ip("addr", "add", "192.0.2.1/24", "dev", "eth-a");
            b.ip("addr", "add", "192.0.2.2/24", "dev", "eth-b");
            rtnetlink(a, vips);
            icmp(a, b, probes);
            announcements(a);
        }
    }

    private static List<AddressOp> ops(Link lo, int n, boolean add) {
        List<AddressOp> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            InetAddress vip = InetAddress.ofLiteral("198.51." + (100 + i / 250) + "." + (1 + i % 250));
            ops.add(add ? AddressOp.Add.host(lo, vip) : AddressOp.Remove.host(lo, vip));
        }
        return ops;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static void rtnetlink(Netns a, int n) throws IOException {
        if (n > 250 * 100) {
            throw new IllegalArgumentException("at most 25000 VIPs (198.51.100.0-199.250)");
        }
        ipBatch(a, n);
        try (Rtnl rtnl = Rtnl.open(a.namespace())) {
            Link lo = rtnl.requireLink("lo");
            rtnl.apply(ops(lo, 50, true)); // warm-up: classes loaded and compiled
            rtnl.apply(ops(lo, 50, false));

            for (int round = 1; round <= 5; round++) {
                long t0 = System.nanoTime();
                List<AddressChange> added = rtnl.apply(ops(lo, n, true));
                long t1 = System.nanoTime();
                List<AddressChange> again = rtnl.apply(ops(lo, n, true));
                long t2 = System.nanoTime();
                rtnl.apply(ops(lo, n, false));
                long t3 = System.nanoTime();
                check(added.stream().allMatch(AddressChange::changed) && again.stream().noneMatch(AddressChange::changed),
                        "batch outcomes");
                System.out.printf("rtnetlink, batched, round %d%s: add %d VIPs %.1f ms (%.0f/s); re-apply (all unchanged) "
                                + "%.1f ms; remove %.1f ms%n", round, round == 1 ? " (cold JVM)" : "", n, ms(t1 - t0),
                        n / ((t1 - t0) / 1e9), ms(t2 - t1), ms(t3 - t2));
            }
            long t4 = System.nanoTime();
            for (AddressOp op : ops(lo, n, true)) {
                rtnl.addAddress(op.link(), op.address());
            }
            long t5 = System.nanoTime();
            for (AddressOp op : ops(lo, n, false)) {
                rtnl.removeAddress(op.link(), op.address());
            }
            long t6 = System.nanoTime();
            System.out.printf("rtnetlink, one request each: add %d VIPs %.1f ms (%.1f us each); remove %.1f ms%n",
                    n, ms(t5 - t4), (t5 - t4) / 1e3 / n, ms(t6 - t5));
        }
    }

    /** The same VIPs through ip(8), one process reading a batch file: the usual tool's best case. */
    private static void ipBatch(Netns a, int n) throws IOException {
        Path batch = Files.createTempFile("lvs-bench", ".ip");
        try {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < n; i++) {
                s.append("addr add 198.51.").append(100 + i / 250).append('.').append(1 + i % 250).append("/32 dev lo\n");
            }
            Files.writeString(batch, s);
            long t0 = System.nanoTime();
            Cmd.run(Duration.ofMinutes(5), "ip", "-n", a.name(), "-batch", batch.toString()).requireOk();
            long t1 = System.nanoTime();
            Files.writeString(batch, s.toString().replace("addr add", "addr del"));
            long t2 = System.nanoTime();
            Cmd.run(Duration.ofMinutes(5), "ip", "-n", a.name(), "-batch", batch.toString()).requireOk();
            long t3 = System.nanoTime();
            System.out.printf("ip -batch (for comparison, process start included): add %d VIPs %.1f ms; remove %.1f ms%n",
                    n, ms(t1 - t0), ms(t3 - t2));
        } finally {
            Files.deleteIfExists(batch);
        }
    }

    private static void icmp(Netns a, Netns b, int probes) throws Exception {
        List<InetAddress> targets = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            b.ip("addr", "add", "203.0.113." + i + "/32", "dev", "lo");
            targets.add(InetAddress.ofLiteral("203.0.113." + i));
        }
        a.ip("route", "add", "203.0.113.0/24", "via", "192.0.2.2");
        try (IcmpProber prober = IcmpProber.open(a.namespace())) {
            run(prober, targets, 1000); // warm-up
            long t0 = System.nanoTime();
            List<EchoOutcome> out = run(prober, targets, probes);
            long t1 = System.nanoTime();
            long[] micros = out.stream().filter(o -> o instanceof EchoOutcome.Reply)
                    .mapToLong(o -> ((EchoOutcome.Reply) o).latency().toNanos() / 1000).sorted().toArray();
            long rejected = out.stream().filter(o -> o instanceof EchoOutcome.Rejected).count();
            System.out.printf("icmp: %d probes to %d targets in %.0f ms = %.0f probes/s; %d replies, %d rejected (in flight "
                            + "> 4096), %d other; latency p50 %d us, p99 %d us, max %d us%n",
                    probes, targets.size(), ms(t1 - t0), probes / ((t1 - t0) / 1e9), micros.length, rejected,
                    probes - micros.length - rejected, pct(micros, 50), pct(micros, 99),
                    micros.length == 0 ? 0 : micros[micros.length - 1]);
        }
    }

    /** Keeps up to 2048 probes in flight until {@code n} have an outcome. */
    private static List<EchoOutcome> run(IcmpProber prober, List<InetAddress> targets, int n) throws Exception {
        List<CompletableFuture<EchoOutcome>> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            while (prober.inFlight() >= 2048) {
                Thread.onSpinWait();
            }
            all.add(prober.echo(targets.get(i % targets.size()), Duration.ofSeconds(2)));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        return all.stream().map(CompletableFuture::join).toList();
    }

    private static long pct(long[] sorted, int p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
    }

    private static void announcements(Netns a) {
        try (Rtnl rtnl = Rtnl.open(a.namespace()); Announcer announcer = Announcer.open(a.namespace())) {
            Link eth = rtnl.requireLink("eth-a");
            InetAddress v4 = InetAddress.ofLiteral("192.0.2.10");
            InetAddress v6 = InetAddress.ofLiteral("2001:db8::10");
            int n = 10_000;
            for (int i = 0; i < 1000; i++) {
                announcer.announce(eth, v4);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < n / 2; i++) {
                announcer.announce(eth, v4);
                announcer.announce(eth, v6);
            }
            long t1 = System.nanoTime();
            System.out.printf("announcements: %d frames (GARP + NA alternating) in %.1f ms = %.1f us each%n",
                    n, ms(t1 - t0), (t1 - t0) / 1e3 / n);
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark self-check failed: " + what);
        }
    }
}
