package io.lvs.agent.health;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one target is probed and how its results become health.
 *
 * @param type     ICMP, TCP, HTTP or HTTPS
 * @param interval time between the starts of two probes
 * @param timeout  how long one probe may take before it counts as failed (at most the interval)
 * @param rise     consecutive successes that make an unhealthy target healthy
 * @param fall     consecutive failures (or timeouts) that make a healthy target unhealthy
 * @param http     the request of an HTTP or HTTPS check: {@link HttpRequest#defaults()} when empty; empty for ICMP and TCP
 */
public record CheckSpec(CheckType type, Duration interval, Duration timeout, int rise, int fall, Optional<HttpRequest> http) {
    public CheckSpec {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(http, "http");
        if (!interval.isPositive() || !timeout.isPositive()) {
            throw new IllegalArgumentException("a check's interval and timeout must be positive: interval "
                    + Durations.text(interval) + ", timeout " + Durations.text(timeout));
        }
        if (timeout.compareTo(interval) > 0) {
            throw new IllegalArgumentException("a check's timeout (" + Durations.text(timeout)
                    + ") must not exceed its interval (" + Durations.text(interval) + "): a probe ends before the next starts");
        }
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("a check's rise and fall must be at least 1: rise " + rise + ", fall " + fall);
        }
        if (type.isHttp()) {
            http = Optional.of(http.orElseGet(HttpRequest::defaults));
        } else if (http.isPresent()) {
            throw new IllegalArgumentException("only HTTP and HTTPS checks send an HTTP request; this is an " + type + " check");
        }
        if (type == CheckType.HTTP && (http.get().serverName().isPresent() || http.get().verifyCertificate())) {
            throw new IllegalArgumentException("serverName and verifyCertificate apply to HTTPS checks only; this is an HTTP check");
        }
    }

    public static CheckSpec icmp(Duration interval, Duration timeout, int rise, int fall) {
        return new CheckSpec(CheckType.ICMP, interval, timeout, rise, fall, Optional.empty());
    }

    public static CheckSpec tcp(Duration interval, Duration timeout, int rise, int fall) {
        return new CheckSpec(CheckType.TCP, interval, timeout, rise, fall, Optional.empty());
    }

    public static CheckSpec http(Duration interval, Duration timeout, int rise, int fall, HttpRequest request) {
        return new CheckSpec(CheckType.HTTP, interval, timeout, rise, fall, Optional.of(request));
    }

    public static CheckSpec https(Duration interval, Duration timeout, int rise, int fall, HttpRequest request) {
        return new CheckSpec(CheckType.HTTPS, interval, timeout, rise, fall, Optional.of(request));
    }
}
