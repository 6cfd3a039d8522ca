package io.lvs.agent.health;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One thing to probe: an address (and port, except for ICMP) with its check, under the caller's key.
 *
 * @param key              the caller's stable name for this target
 * @param address          the server's address (IPv4 or IPv6)
 * @param port             1-65535 for TCP, HTTP and HTTPS; 0 for ICMP, which has no port
 * @param spec             how to probe it
 * @param initiallyHealthy the state a target starts in when its key is new (the API's startDown, or what
 *                         the kernel showed when the agent adopted it); ignored for keys already monitored
 */
public record CheckTarget(CheckKey key, InetAddress address, int port, CheckSpec spec, boolean initiallyHealthy) {
    public CheckTarget {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(spec, "spec");
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            throw new IllegalArgumentException("check " + key + ": " + address.getHostAddress()
                    + " is not a server's address (wildcard or multicast)");
        }
        if (spec.type().usesPort() && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("check " + key + ": a " + spec.type() + " check needs a port 1-65535, not " + port);
        }
        if (!spec.type().usesPort() && port != 0) {
            throw new IllegalArgumentException("check " + key + ": ICMP checks have no port; pass 0, not " + port);
        }
    }

    /** An ICMP echo target (no port). */
    public static CheckTarget icmp(CheckKey key, InetAddress address, CheckSpec spec, boolean initiallyHealthy) {
        return new CheckTarget(key, address, 0, spec, initiallyHealthy);
    }

    /** True when probing {@code other} is the same work: the same address, port and spec (the key and start state aside). */
    boolean probesLike(CheckTarget other) {
        return address.equals(other.address) && port == other.port && spec.equals(other.spec);
    }
}
