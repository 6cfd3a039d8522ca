package io.lvs.agent.health;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Shorthands for tests: targets on loopback, and one probe's result. */
final class Probing {
    static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");
    static final InetAddress LOOPBACK6 = InetAddress.ofLiteral("::1");
    private static final AtomicInteger KEYS = new AtomicInteger();

    private Probing() {
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
