package io.lvs.agent.kernel.ipvs;

import java.time.Duration;
import java.util.Objects;

/**
 * The IPVS connection timeouts of a network namespace (ipvsadm {@code --set tcp tcpfin udp}). When
 * setting, a zero duration leaves that timeout as it is (the kernel's rule).
 *
 * @param tcp    established TCP connections
 * @param tcpFin TCP connections after a FIN
 * @param udp    UDP "connections"
 */
public record Timeouts(Duration tcp, Duration tcpFin, Duration udp) {
    public Timeouts {
        for (Duration d : new Duration[] {Objects.requireNonNull(tcp, "tcp"), Objects.requireNonNull(tcpFin, "tcpFin"),
                Objects.requireNonNull(udp, "udp")}) {
            if (d.isNegative() || d.toNanosPart() != 0 || d.getSeconds() > Persistence.MAX_TIMEOUT_SECONDS) {
                throw new IllegalArgumentException("timeout " + d + " must be whole seconds in 0.." + Persistence.MAX_TIMEOUT_SECONDS);
            }
        }
    }

    /** Timeouts from whole seconds. */
    public static Timeouts ofSeconds(long tcp, long tcpFin, long udp) {
        return new Timeouts(Duration.ofSeconds(tcp), Duration.ofSeconds(tcpFin), Duration.ofSeconds(udp));
    }
}
