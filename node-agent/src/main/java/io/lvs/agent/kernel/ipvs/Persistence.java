package io.lvs.agent.kernel.ipvs;

import java.time.Duration;
import java.util.Objects;

/**
 * Client persistence of a service (ipvsadm {@code -p timeout -M netmask}): connections from one client
 * network go to the same real server while a template lives.
 *
 * @param timeout      how long the template outlives the client's last connection, whole seconds (ipvsadm
 *                     refuses 0; the kernel takes it, and a read-back may show it)
 * @param netmaskBits  how much of the client address groups clients: a prefix length, 0..32 for IPv4
 *                     services (sent as a dotted netmask), 1..128 for IPv6 services
 */
public record Persistence(Duration timeout, int netmaskBits) {
    /** The largest timeout that stays inside the kernel's u32 jiffies on any HZ (1000 at most). */
    public static final long MAX_TIMEOUT_SECONDS = Integer.MAX_VALUE / 1000;

    public Persistence {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.toNanosPart() != 0 || timeout.isNegative() || timeout.getSeconds() > MAX_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("persistence timeout " + timeout + " must be whole seconds in 0.."
                    + MAX_TIMEOUT_SECONDS);
        }
        if (netmaskBits < 0 || netmaskBits > 128) {
            throw new IllegalArgumentException("persistence netmask /" + netmaskBits + " is outside 0..128");
        }
    }

    /** Persistence per single client address (/32 or /128). */
    public static Persistence perClient(Duration timeout, AddressFamily family) {
        return new Persistence(timeout, family.addressBytes() * 8);
    }
}
