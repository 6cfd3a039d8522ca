package io.lvs.agent.health;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/** Shorthands for tests: targets on loopback, monitors that probe new targets at once, and one probe's result. */
final class Probing {
    static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");
    static final InetAddress LOOPBACK6 = InetAddress.ofLiteral("::1");
    /**
     * Interval and timeout of a probe expected to succeed: an answer on loopback takes a millisecond, and
     * no load on a shared machine stretches it to this. With {@link #firstProbeAtOnce()} a test does not
     * wait for the interval.
     */
    static final Duration GENEROUS = Duration.ofSeconds(10);
    private static final AtomicInteger KEYS = new AtomicInteger();

    private Probing() {
    }

    /**
     * The default options, except that a new target's first probe starts at once instead of at a random
     * point of its first interval: tests of single probes can then give them {@link #GENEROUS} timeouts.
     */
    static HealthMonitor.Options firstProbeAtOnce() {
        return HealthMonitor.Options.defaults().withRandom(new NoJitter());
    }

    /** Jitter that is always zero. */
    private static final class NoJitter implements RandomGenerator {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return 0;
        }
    }

    static CheckKey key(String name) {
        return new CheckKey(name + "-" + KEYS.incrementAndGet());
    }

    static CheckSpec tcp(Duration interval, Duration timeout, int rise, int fall) {
        return CheckSpec.tcp(interval, timeout, rise, fall);
    }

    static CheckSpec http(Duration interval, Duration timeout, HttpRequest request) {
        return CheckSpec.http(interval, timeout, 1, 1, request);
    }

    static CheckTarget target(String name, InetAddress address, int port, CheckSpec spec) {
        return new CheckTarget(key(name), address, port, spec, true);
    }

    /** Starts {@code monitor} on {@code target} alone and returns its first probe's result. */
    static ProbeResult firstProbe(HealthMonitor monitor, CheckTarget target) {
        monitor.update(List.of(target));
        Transitions.eventually(() -> monitor.state(target.key()).flatMap(HealthState::lastProbe).isPresent(),
                () -> target.key() + " was never probed");
        return monitor.state(target.key()).orElseThrow().lastProbe().orElseThrow();
    }
}
