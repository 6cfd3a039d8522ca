package io.lvs.agent.health;

import static io.lvs.agent.health.Probing.LOOPBACK;
import static io.lvs.agent.health.Probing.key;
import static io.lvs.agent.health.Probing.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The monitor as the agent uses it: servers dying and coming back, the set of targets changing, transitions heard.
 * Checks whose outcomes the scenario counts probe every second with a timeout of a second, far beyond what a
 * loopback answer takes on a loaded machine; {@code FAST} is for checks whose outcomes do not matter.
 */
class HealthMonitorTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration FAST = Duration.ofMillis(100);
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        closing.add(c);
        return c;
    }

    private HealthMonitor monitor(HealthMonitor.Options options, Consumer<Transition> listener) {
        return closing(HealthMonitor.start(options, listener));
    }

    /** A transition together with the monitor's counters at the moment it was emitted. */
    private record Heard(Transition transition, HealthMetrics metrics) {
    }

    /** A port nothing listens on. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    /** A server of one kind on loopback that can be killed and brought back on its port. */
    private interface Server extends AutoCloseable {
        int port();

        @Override
        void close();
    }

    private Server server(CheckType type, int port) {
        return switch (type) {
            case TCP -> {
                LoopbackServer s = port == 0 ? LoopbackServer.tcp(LOOPBACK) : LoopbackServer.tcp(new InetSocketAddress(LOOPBACK, port));
                yield new Server() {
                    public int port() {
                        return s.port();
                    }

                    public void close() {
                        s.close();
                    }
                };
            }
            case HTTP -> {
                LoopbackServer s = LoopbackServer.http(new InetSocketAddress(LOOPBACK, port),
                        r -> LoopbackServer.Reply.status(200));
                yield new Server() {
                    public int port() {
                        return s.port();
                    }

                    public void close() {
                        s.close();
                    }
                };
            }
            case HTTPS -> {
                TlsServer s = new TlsServer(certificate(), LOOPBACK, port);
                yield new Server() {
                    public int port() {
                        return s.port();
                    }

                    public void close() {
                        s.close();
                    }
                };
            }
            default -> throw new IllegalArgumentException(type + " has no loopback server here (ICMP: IcmpCheckTest)");
        };
    }

    @TempDir
    static Path certificates;
    private static TlsServer.Certificate certificate;

    private static synchronized TlsServer.Certificate certificate() {
        if (certificate == null) {
            certificate = TlsServer.Certificate.generate(certificates);
        }
        return certificate;
    }

    private static CheckSpec spec(CheckType type, int rise, int fall) {
        return switch (type) {
            case TCP -> tcp(SECOND, SECOND, rise, fall);
            case HTTP -> CheckSpec.http(SECOND, SECOND, rise, fall, HttpRequest.defaults());
            case HTTPS -> CheckSpec.https(SECOND, SECOND, rise, fall, HttpRequest.defaults()); // self-signed: no verify
            default -> throw new IllegalArgumentException(type.toString());
        };
    }

    @ParameterizedTest
    @EnumSource(value = CheckType.class, names = {"TCP", "HTTP", "HTTPS"})
    void aKilledServerGoesDownOnItsFallthFailureAndComesBackOnItsRisethSuccess(CheckType type) {
        Server server = server(type, 0);
        int port = server.port();
        AtomicReference<HealthMonitor> ref = new AtomicReference<>();
        ConcurrentLinkedQueue<Heard> heard = new ConcurrentLinkedQueue<>();
        HealthMonitor m = monitor(HealthMonitor.Options.defaults(), t -> heard.add(new Heard(t, ref.get().metrics())));
        ref.set(m);
        CheckTarget web = new CheckTarget(key("web"), LOOPBACK, port, spec(type, 2, 3), true);
        m.update(List.of(web));
        Transitions.eventually(() -> m.metrics().probes(type, Outcome.SUCCESS) >= 1, () -> "a success");

        server.close(); // killed: connections are refused from now on
        Transitions.eventually(() -> heard.size() >= 1, () -> "down after 3 failures");
        Heard down = heard.peek();
        assertFalse(down.transition().healthy());
        assertEquals(web.key(), down.transition().key());
        assertEquals(Outcome.FAILURE, down.transition().probe().outcome());
        assertEquals("connection refused", down.transition().probe().message());
        assertEquals(3, down.metrics().probes(type, Outcome.FAILURE), "emitted on the third failure, not later");
        assertEquals(down.transition().at(), m.state(web.key()).orElseThrow().since());

        closing(server(type, port)); // back on its port
        Transitions.eventually(() -> heard.size() >= 2, () -> "up after 2 successes");
        Heard up = heard.stream().skip(1).findFirst().orElseThrow();
        assertTrue(up.transition().healthy());
        assertEquals(type == CheckType.TCP ? "connected" : "HTTP 200", up.transition().probe().message());
        assertEquals(2, up.metrics().probes(type, Outcome.SUCCESS) - down.metrics().probes(type, Outcome.SUCCESS),
                "emitted on the second success after the failures");
        assertTrue(m.state(web.key()).orElseThrow().healthy());
    }

    @Test
    void aTargetThatStartsDownComesUpOnlyAfterRiseSuccesses() {
        LoopbackServer server = closing(LoopbackServer.tcp(LOOPBACK));
        Transitions transitions = new Transitions();
        HealthMonitor m = monitor(HealthMonitor.Options.defaults(), transitions);
        CheckTarget web = new CheckTarget(key("web"), LOOPBACK, server.port(), tcp(SECOND, SECOND, 3, 1), false);
        m.update(List.of(web));
        HealthState initial = m.state(web.key()).orElseThrow();
        assertFalse(initial.healthy(), "down before any probe");
        assertTrue(initial.lastProbe().isEmpty());

        Transition up = transitions.await(web.key(), 1);
        assertTrue(up.healthy());
        assertTrue(m.metrics().probes(CheckType.TCP, Outcome.SUCCESS) >= 3);
        assertEquals(Set.of("lvs-health"), transitions.threads, "the listener runs on the engine thread");
    }

    @Test
    void timesComeFromTheGivenWallClockAndDurationsFromTheMonotonicOne() {
        LoopbackServer server = closing(LoopbackServer.tcp(LOOPBACK));
        Instant noon = Instant.parse("2030-06-01T12:00:00Z");
        HealthMonitor m = monitor(Probing.firstProbeAtOnce().withClock(InstantSource.fixed(noon)), new Transitions());
        CheckTarget web = new CheckTarget(key("web"), LOOPBACK, server.port(), tcp(Probing.GENEROUS, Probing.GENEROUS, 1, 1), true);
        ProbeResult r = Probing.firstProbe(m, web);
        assertEquals(noon, m.state(web.key()).orElseThrow().since());
        assertEquals(noon, r.finished());
        assertTrue(r.latency().isPositive(), "measured, not taken from the fixed clock: " + r.latency());
    }

    /** Jitter for tests: the first {@code zeros} draws start at once, every later one at the end of its interval. */
    private static final class Jitter implements RandomGenerator {
        private final AtomicInteger zeros;

        Jitter(int zeros) {
            this.zeros = new AtomicInteger(zeros);
        }

        @Override
        public long nextLong() {
            throw new UnsupportedOperationException("only bounded draws are used");
        }

        @Override
        public long nextLong(long bound) {
            return zeros.getAndDecrement() > 0 ? 0 : bound - 1;
        }
    }

    @Test
    void anUnchangedTargetKeepsItsScheduleAndStateThroughUpdates() {
        LoopbackServer server = closing(LoopbackServer.tcp(LOOPBACK));
        Transitions transitions = new Transitions();
        // every (re)scheduled target would wait a whole interval: only an untouched schedule probes on
        HealthMonitor m = monitor(HealthMonitor.Options.defaults().withRandom(new Jitter(1)), transitions);
        CheckTarget web = new CheckTarget(key("web"), LOOPBACK, server.port(), tcp(SECOND, SECOND, 2, 3), true);
        m.update(List.of(web));
        Transitions.eventually(() -> m.state(web.key()).flatMap(HealthState::lastProbe).isPresent(), () -> "first probe");
        HealthState before = m.state(web.key()).orElseThrow();

        long probes = m.metrics().probesTotal();
        CheckTarget same = new CheckTarget(web.key(), LOOPBACK, server.port(), tcp(SECOND, SECOND, 2, 3), false);
        long deadline = System.nanoTime() + Transitions.PATIENCE.toNanos();
        while (m.metrics().probesTotal() < probes + 3 && System.nanoTime() < deadline) {
            m.update(List.of(same)); // every 10 ms, far more often than the interval
            sleep(10);
        }
        assertTrue(m.metrics().probesTotal() >= probes + 3, "probes went on at their interval through the updates");
        HealthState after = m.state(web.key()).orElseThrow();
        assertTrue(after.healthy(), "initiallyHealthy=false is ignored for a key already monitored");
        assertEquals(before.since(), after.since());
        assertEquals(List.of(), transitions.all());
    }

    @Test
    void aChangedTargetKeepsItsHealthAndIsRescheduled() throws IOException {
        LoopbackServer server = closing(LoopbackServer.tcp(LOOPBACK));
        Transitions transitions = new Transitions();
        HealthMonitor m = monitor(HealthMonitor.Options.defaults().withRandom(new Jitter(1)), transitions);
        CheckKey k = key("web");
        int refused = closedPort();
        m.update(List.of(new CheckTarget(k, LOOPBACK, refused, tcp(SECOND, SECOND, 1, 1), true)));
        Transition down = transitions.await(k, 1);
        assertFalse(down.healthy());
        HealthState wasDown = m.state(k).orElseThrow();

        // new parameters: still down, same since, the last probe kept; rescheduled a whole interval out (Jitter).
        // Changes every 10 ms for three intervals: a kept slot would have probed twice or more meanwhile.
        long probes = m.metrics().probesTotal();
        long end = System.nanoTime() + 3 * SECOND.toNanos();
        for (int i = 0; System.nanoTime() - end < 0; i++) {
            Duration timeout = SECOND.minusMillis(i % 2);
            m.update(List.of(new CheckTarget(k, LOOPBACK, refused, tcp(SECOND, timeout, 1, 1), true)));
            HealthState now = m.state(k).orElseThrow();
            assertFalse(now.healthy());
            assertEquals(wasDown.since(), now.since());
            assertTrue(now.lastProbe().isPresent());
            sleep(10);
        }
        assertTrue(m.metrics().probesTotal() <= probes + 1, "each change moved the next probe a whole interval out");
        assertEquals(1, transitions.of(k).size(), "updates emit no transitions");

        // pointed at a live server: up after rise (1), from the health it kept
        m.update(List.of(new CheckTarget(k, LOOPBACK, server.port(), tcp(SECOND, SECOND, 1, 1), false)));
        Transition up = transitions.await(k, 2);
        assertTrue(up.healthy());
        assertEquals(up.at(), m.state(k).orElseThrow().since());
    }

    @Test
    void removedTargetsStopAndAreForgotten() {
        LoopbackServer kept = closing(LoopbackServer.tcp(LOOPBACK));
        LoopbackServer dropped = closing(LoopbackServer.tcp(LOOPBACK));
        HealthMonitor m = monitor(HealthMonitor.Options.defaults(), new Transitions());
        CheckTarget a = new CheckTarget(key("kept"), LOOPBACK, kept.port(), tcp(FAST, FAST, 1, 1), true);
        CheckTarget b = new CheckTarget(key("dropped"), LOOPBACK, dropped.port(), tcp(FAST, FAST, 1, 1), true);
        m.update(List.of(a, b));
        Transitions.eventually(() -> dropped.accepted() >= 2 && kept.accepted() >= 2, () -> "both probed");

        m.update(List.of(a));
        assertTrue(m.state(b.key()).isEmpty());
        assertEquals(Set.of(a.key()), m.states().keySet());
        long settle = kept.accepted() + 1; // a probe of b in flight at the update may still land
        Transitions.eventually(() -> kept.accepted() >= settle, () -> "a probed again");
        long droppedAfter = dropped.accepted();
        long target = kept.accepted() + 5;
        Transitions.eventually(() -> kept.accepted() >= target, () -> "five more probes of a");
        assertEquals(droppedAfter, dropped.accepted(), "no probe of a removed target");
    }

    @Test
    void theListenerMayChangeTheSetAndItsFailuresDoNotStopTheEngine() throws IOException {
        LoopbackServer server = closing(LoopbackServer.tcp(LOOPBACK));
        AtomicReference<HealthMonitor> ref = new AtomicReference<>();
        Transitions heard = new Transitions();
        CheckTarget live = new CheckTarget(key("live"), LOOPBACK, server.port(), tcp(SECOND, SECOND, 1, 1), true);
        CheckTarget first = new CheckTarget(key("first"), LOOPBACK, closedPort(), tcp(FAST, FAST, 1, 1), true);
        CheckTarget second = new CheckTarget(key("second"), LOOPBACK, closedPort(), tcp(FAST, FAST, 1, 3), true);
        HealthMonitor m = monitor(HealthMonitor.Options.defaults(), t -> {
            if (t.key().equals(first.key())) {
                ref.get().update(List.of(live, second)); // from the engine thread: applied at once
                heard.accept(t);
                throw new IllegalStateException("a listener bug (this test's: logged, and the engine goes on)");
            }
            heard.accept(t);
        });
        ref.set(m);
        m.update(List.of(live, first, second));
        heard.await(first.key(), 1);
        assertTrue(m.state(first.key()).isEmpty(), "removed by the listener");
        assertFalse(heard.await(second.key(), 1).healthy(), "transitions still come after the listener threw");
        long probes = m.metrics().probes(CheckType.TCP, Outcome.SUCCESS);
        Transitions.eventually(() -> m.metrics().probes(CheckType.TCP, Outcome.SUCCESS) > probes + 1, () -> "live is still probed");
    }

    @Test
    void metricsCountProbesTargetsAndLag() throws IOException {
        LoopbackServer server = closing(LoopbackServer.tcp(LOOPBACK));
        HealthMonitor m = monitor(HealthMonitor.Options.defaults(), new Transitions());
        CheckTarget up = new CheckTarget(key("up"), LOOPBACK, server.port(), tcp(SECOND, SECOND, 1, 1), true);
        CheckTarget down = new CheckTarget(key("down"), LOOPBACK, closedPort(), tcp(FAST, FAST, 1, 1), true);
        m.update(List.of(up, down));
        Transitions.eventually(() -> m.metrics().unhealthyTargets() == 1 && m.metrics().probes(CheckType.TCP, Outcome.SUCCESS) >= 2,
                () -> m.metrics().toString());
        m.update(List.of());
        HealthMetrics x = m.metrics();
        assertEquals(0, x.healthyTargets() + x.unhealthyTargets());
        long tcp = x.probes(CheckType.TCP, Outcome.SUCCESS) + x.probes(CheckType.TCP, Outcome.FAILURE) + x.probes(CheckType.TCP, Outcome.TIMEOUT);
        assertEquals(tcp, x.latency().get(CheckType.TCP).count(), "one latency observation per finished probe");
        assertEquals(0, x.latency().get(CheckType.HTTP).count());
        assertTrue(x.schedulingLag().count() >= tcp, "one lag observation per started probe");
        // every probe ended by its timeout (at most 1 s) and the engine's lateness: all in the 5 s bucket, in nanoseconds
        Histogram latency = x.latency().get(CheckType.TCP);
        Duration bucket = Duration.ofSeconds(5);
        assertEquals(latency.count(), latency.countAtMost(bucket), latency.toString());
        assertTrue(latency.sum().isPositive() && latency.sum().compareTo(bucket.multipliedBy(latency.count())) <= 0, latency.toString());
        assertEquals(0, x.inFlight());
    }

    @Test
    void maxInFlightBoundsTheSocketsAndShowsAsLag() {
        HealthMonitor m = monitor(HealthMonitor.Options.defaults().withMaxInFlight(1), new Transitions());
        try (SynBlackHole hole = new SynBlackHole(LOOPBACK)) {
            Duration interval = Duration.ofMillis(200);
            List<CheckTarget> targets = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                targets.add(new CheckTarget(key("hole"), LOOPBACK, hole.port(), tcp(interval, interval, 1, 1), true));
            }
            m.update(targets);
            Transitions.eventually(() -> m.metrics().probes(CheckType.TCP, Outcome.TIMEOUT) >= 6, () -> m.metrics().toString());
            HealthMetrics x = m.metrics();
            assertTrue(x.inFlight() <= 1);
            long late = x.schedulingLag().count() - x.schedulingLag().countAtMost(Duration.ofMillis(100));
            assertTrue(late >= 2, "three 200 ms probes per 200 ms through one place: most start late: " + x.schedulingLag());
        }
    }

    @Test
    void updatesAreCheckedAndAClosedMonitorRefusesThem() {
        HealthMonitor m = monitor(HealthMonitor.Options.defaults(), new Transitions());
        CheckKey k = key("twice");
        CheckTarget a = new CheckTarget(k, LOOPBACK, 80, tcp(FAST, FAST, 1, 1), true);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> m.update(List.of(a, a))).getMessage()
                .startsWith("each check key may appear once in an update; given more than once: [twice-"));
        CheckTarget ping = CheckTarget.icmp(key("ping"), LOOPBACK, CheckSpec.icmp(FAST, FAST, 1, 1), true);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> m.update(List.of(ping))).getMessage()
                .endsWith("is an ICMP check, but this health monitor has no IcmpProber (HealthMonitor.Options.withIcmp)"));
        m.close();
        assertEquals("the health monitor is closed", assertThrows(IllegalStateException.class, () -> m.update(List.of())).getMessage());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
