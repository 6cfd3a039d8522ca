package io.lvs.agent.kernel.rtnl;

import java.util.Optional;

/**
 * A network interface as the kernel reports it in RTM_NEWLINK.
 *
 * @param index           the interface index ({@code ifi_index})
 * @param name            the interface name ({@code IFLA_IFNAME})
 * @param flags           the {@code IFF_*} flags ({@code ifi_flags}); see the is* methods
 * @param type            the link-layer type ({@code ifi_type}, an {@code ARPHRD_*} value: 1 Ethernet, 772 loopback)
 * @param mtu             the MTU ({@code IFLA_MTU}), 0 when not reported
 * @param hardwareAddress the link-layer address ({@code IFLA_ADDRESS}), absent for links without one
 * @param kind            the driver kind ({@code IFLA_INFO_KIND}: "veth", "bridge", "dummy"...), absent for
 *                        physical NICs and loopback
 */
public record Link(int index, String name, int flags, int type, int mtu, Optional<HardwareAddress> hardwareAddress,
                   Optional<String> kind) {

    /** ARPHRD_ETHER. */
    public static final int ARPHRD_ETHER = 1;
    /** ARPHRD_LOOPBACK. */
    public static final int ARPHRD_LOOPBACK = 772;

    /** IFF_UP: administratively up. */
    public boolean isUp() {
        return (flags & Rtnetlink.IFF_UP) != 0;
    }

    /** IFF_RUNNING: operationally up (RFC 2863 OPER_UP). */
    public boolean isRunning() {
        return (flags & Rtnetlink.IFF_RUNNING) != 0;
    }

    /** IFF_LOOPBACK. */
    public boolean isLoopback() {
        return (flags & Rtnetlink.IFF_LOOPBACK) != 0;
    }

    /** IFF_NOARP: the link does not resolve neighbours (no ARP / NDP is sent on it). */
    public boolean isNoArp() {
        return (flags & Rtnetlink.IFF_NOARP) != 0;
    }

    /** IFF_LOWER_UP: the driver reports carrier. */
    public boolean isLowerUp() {
        return (flags & Rtnetlink.IFF_LOWER_UP) != 0;
    }

    @Override
    public String toString() {
        return name + " (index " + index + ")";
    }
}
