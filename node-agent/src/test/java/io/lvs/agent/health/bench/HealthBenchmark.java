package io.lvs.agent.health.bench;

import io.lvs.agent.health.CheckKey;
import io.lvs.agent.health.CheckSpec;
import io.lvs.agent.health.CheckTarget;
import io.lvs.agent.health.CheckType;
import io.lvs.agent.health.HealthMetrics;
import io.lvs.agent.health.HealthMonitor;
import io.lvs.agent.health.HealthState;
import io.lvs.agent.health.Histogram;
import io.lvs.agent.health.HttpRequest;
import io.lvs.agent.health.LoopbackServer;
import io.lvs.agent.health.Outcome;
import io.lvs.agent.health.ProbeResult;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prints how many TCP or HTTP checks per second one health monitor sustains against a server in the
 * same process (both on whatever cores the JVM may use: run it under {@code taskset -c 0} for one),
 * and the latency and scheduling lag at that rate. For each target count, the targets are probed
 * once per interval for the given seconds; figures cover the window after one warm-up interval.
 * Not a test: run it with
 * {@code taskset -c 0 java -cp node-agent/target/classes:node-agent/target/test-classes
 * io.lvs.agent.health.bench.HealthBenchmark tcp|http INTERVAL_MS SECONDS TARGETS...}.
 */
public final class HealthBenchmark {
    private static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");

    private HealthBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4 || !(args[0].equals("tcp") || args[0].equals("http"))) {
            System.err.println("usage: HealthBenchmark tcp|http INTERVAL_MS SECONDS TARGETS...");
            System.exit(2);
        }
        CheckType type = args[0].equals("tcp") ? CheckType.TCP : CheckType.HTTP;
        Duration interval = Duration.ofMillis(Long.parseLong(args[1]));
        int seconds = Integer.parseInt(args[2]);
        int[] counts = Arrays.stream(args, 3, args.length).mapToInt(Integer::parseInt).toArray();
        System.out.printf("health benchmark: %s checks, interval %d ms, %d s per step; %d CPUs available to the JVM, %s%n",
                type, interval.toMillis(), seconds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
        try (LoopbackServer server = type == CheckType.TCP ? LoopbackServer.tcp(LOOPBACK)
                : LoopbackServer.httpUnrecorded(LOOPBACK, r -> LoopbackServer.Reply.body(200, "ok\n"))) {
            idle(server, type);
            System.out.println("targets  offered/s  probes/s  failed  timed-out  cpu(cores)  latency p50/p99/max (ms)  lag <=1ms <=10ms <=100ms  max-lag-bucket");
            for (int n : counts) {
                step(server, type, interval, seconds, n);
            }
        }
    }

    private static CheckSpec spec(CheckType type, Duration interval) {
        return type == CheckType.TCP ? CheckSpec.tcp(interval, interval, 2, 3)
                : CheckSpec.http(interval, interval, 2, 3, HttpRequest.defaults().withBodyContains("ok"));
    }

    /** One target, probed every 10 ms: the latency of a probe when nothing else runs. */
    private static void idle(LoopbackServer server, CheckType type) throws InterruptedException {
        try (HealthMonitor m = HealthMonitor.start(HealthMonitor.Options.defaults(), t -> { })) {
            CheckKey k = new CheckKey("idle");
            m.update(List.of(new CheckTarget(k, LOOPBACK, server.port(), spec(type, Duration.ofMillis(10)), true)));
            List<Double> ms = new ArrayList<>();
            ProbeResult last = null;
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (ms.size() < 300 && System.nanoTime() < deadline) {
                Thread.sleep(2);
                ProbeResult p = m.state(k).flatMap(HealthState::lastProbe).orElse(null);
                if (p != null && p != last) {
                    last = p;
                    ms.add(p.latency().toNanos() / 1e6);
                }
            }
            List<Double> warm = ms.subList(ms.size() / 3, ms.size()); // after the JIT has seen the code
            System.out.printf("one target alone: latency p50 %.3f ms, p99 %.3f ms over %d probes%n",
                    percentile(warm, 50), percentile(warm, 99), warm.size());
        }
    }

    private static void step(LoopbackServer server, CheckType type, Duration interval, int seconds, int n) throws InterruptedException {
        AtomicLong transitions = new AtomicLong();
        HealthMonitor.Options options = HealthMonitor.Options.defaults()
                .withMaxInFlight(Integer.getInteger("maxInFlight", HealthMonitor.Options.defaults().maxInFlight()));
        try (HealthMonitor m = HealthMonitor.start(options, t -> transitions.incrementAndGet())) {
            List<CheckTarget> targets = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                targets.add(new CheckTarget(new CheckKey("t" + i), LOOPBACK, server.port(), spec(type, interval), true));
            }
            m.update(targets);
            Thread.sleep(interval.toMillis() * 2); // warm-up: every target probed, the JIT at work
            HealthMetrics a = m.metrics();
            long cpu0 = cpuNanos();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            HealthMetrics b = m.metrics();
            long wall = System.nanoTime() - t0;
            long cpu = cpuNanos() - cpu0;
            List<Double> latencies = m.states().values().stream().flatMap(s -> s.lastProbe().stream())
                    .map(p -> p.latency().toNanos() / 1e6).sorted().toList();
            long probes = b.probesTotal() - a.probesTotal();
            long failed = b.probes(type, Outcome.FAILURE) - a.probes(type, Outcome.FAILURE);
            long timedOut = b.probes(type, Outcome.TIMEOUT) - a.probes(type, Outcome.TIMEOUT);
            Histogram la = a.schedulingLag();
            Histogram lb = b.schedulingLag();
            long started = lb.count() - la.count();
            System.out.printf("%7d  %9.0f  %8.0f  %6d  %9d  %10.2f  %7.3f / %6.3f / %7.3f    %5.1f%% %5.1f%% %6.1f%%  %s%n",
                    n, n * 1e9 / interval.toNanos(), probes * 1e9 / wall, failed, timedOut, (double) cpu / wall,
                    percentile(latencies, 50), percentile(latencies, 99), latencies.getLast(),
                    share(la, lb, 1, started), share(la, lb, 10, started), share(la, lb, 100, started), maxBucket(la, lb));
        }
    }

    private static double share(Histogram a, Histogram b, long ms, long started) {
        Duration d = Duration.ofMillis(ms);
        return started == 0 ? 0 : 100.0 * (b.countAtMost(d) - a.countAtMost(d)) / started;
    }

    /** The smallest lag bucket that holds every start of the window. */
    private static String maxBucket(Histogram a, Histogram b) {
        long started = b.count() - a.count();
        for (int i = 0; i < b.upperBounds().size(); i++) {
            if (b.cumulativeCounts().get(i) - a.cumulativeCounts().get(i) == started) {
                return "<=" + b.upperBounds().get(i).toNanos() / 1e6 + "ms";
            }
        }
        return "beyond the last bucket";
    }

    private static double percentile(List<Double> sorted, int p) {
        List<Double> s = sorted.stream().sorted().toList();
        return s.isEmpty() ? Double.NaN : s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
