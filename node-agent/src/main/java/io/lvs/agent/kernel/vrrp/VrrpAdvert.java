package io.lvs.agent.kernel.vrrp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;

/**
 * The content of one VRRPv3 advertisement (RFC 5798 5.2): the virtual router it is for, the sender's priority, its
 * advertisement interval and the virtual router's addresses, all of one family.
 *
 * @param vrid                    Virtual Router Identifier, 1..255
 * @param priority                the sender's priority, 0..255 (0: the master is leaving; 255: the address owner)
 * @param maxAdvertIntervalCentis the sender's advertisement interval in centiseconds, 1..4095 (a 12-bit field)
 * @param addresses               the virtual router's addresses, 1..255 of them, all IPv4 or all IPv6
 */
public record VrrpAdvert(int vrid, int priority, int maxAdvertIntervalCentis, List<InetAddress> addresses) {
    /** The largest value of the 12-bit Max Advertisement Interval field. */
    public static final int MAX_INTERVAL_CENTIS = 0x0fff;

    public VrrpAdvert {
        if (vrid < 1 || vrid > 255) {
            throw new IllegalArgumentException("VRID must be 1..255: " + vrid);
        }
        if (priority < 0 || priority > 255) {
            throw new IllegalArgumentException("priority must be 0..255: " + priority);
        }
        if (maxAdvertIntervalCentis < 1 || maxAdvertIntervalCentis > MAX_INTERVAL_CENTIS) {
            throw new IllegalArgumentException("advertisement interval must be 1..4095 centiseconds: "
                    + maxAdvertIntervalCentis);
        }
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty() || addresses.size() > 255) {
            throw new IllegalArgumentException("an advertisement carries 1..255 addresses: " + addresses.size());
        }
        boolean v4 = addresses.getFirst() instanceof Inet4Address;
        for (InetAddress a : addresses) {
            if ((a instanceof Inet4Address) != v4) {
                throw new IllegalArgumentException("addresses of both families: " + addresses);
            }
        }
    }

    /** The same advertisement with another priority (e.g. 0 for a master that leaves). */
    public VrrpAdvert withPriority(int newPriority) {
        return new VrrpAdvert(vrid, newPriority, maxAdvertIntervalCentis, addresses);
    }

    /** Whether its addresses are IPv6. */
    public boolean ipv6() {
        return !(addresses.getFirst() instanceof Inet4Address);
    }
}
