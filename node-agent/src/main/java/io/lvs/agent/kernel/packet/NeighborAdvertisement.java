package io.lvs.agent.kernel.packet;

import io.lvs.agent.kernel.rtnl.HardwareAddress;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Unsolicited IPv6 neighbour advertisement frames (RFC 4861 sections 4.4 and 7.2.6): "VIP is at
 * MAC" to all nodes (ff02::1), with the Override flag so that existing cache entries change, and the
 * target link-layer address option. Pure functions.
 */
public final class NeighborAdvertisement {
    static final int IPV6_HLEN = 40;
    static final int NEXTHDR_ICMP = 58;
    /** RFC 4861: neighbour discovery messages are sent, and only accepted, with hop limit 255. */
    static final int NDISC_HOPLIMIT = 255;
    static final int NDISC_NEIGHBOUR_ADVERTISEMENT = 136;
    static final int ND_OPT_TARGET_LL_ADDR = 2;
    static final int FLAG_ROUTER = 0x80;
    static final int FLAG_SOLICITED = 0x40;
    static final int FLAG_OVERRIDE = 0x20;
    /** ICMPv6 header (4) + flags/reserved (4) + target (16) + the 8-byte link-layer address option. */
    static final int NA_LEN = 32;
    static final Inet6Address ALL_NODES = (Inet6Address) InetAddress.ofLiteral("ff02::1");
    /** RFC 2464 section 7: 33:33 followed by the last four bytes of ff02::1. */
    static final byte[] ALL_NODES_MAC = {0x33, 0x33, 0, 0, 0, 1};

    private NeighborAdvertisement() {
    }

    /**
     * The frame announcing {@code vip} at {@code mac}, sent from {@code vip} itself (an address of the
     * sending interface, as RFC 4861 asks). {@code router} sets the R flag, which must be true when
     * the sender forwards IPv6: a cleared R flag makes hosts drop it from their default routers.
     */
    public static byte[] unsolicited(HardwareAddress mac, Inet6Address vip, boolean router) {
        EthernetFrames.requireSource(mac);
        if (vip.isMulticastAddress()) {
            throw new IllegalArgumentException("cannot advertise a multicast address: " + vip);
        }
        byte[] f = new byte[EthernetFrames.ETH_HLEN + IPV6_HLEN + NA_LEN];
        int p = EthernetFrames.header(f, ALL_NODES_MAC, mac, EthernetFrames.ETH_P_IPV6);
        f[p] = 0x60;                                              // version 6, traffic class 0, flow label 0
        f[p + 4] = 0;
        f[p + 5] = NA_LEN;                                        // payload length
        f[p + 6] = NEXTHDR_ICMP;                                  // next header
        f[p + 7] = (byte) NDISC_HOPLIMIT;                         // hop limit
        System.arraycopy(vip.getAddress(), 0, f, p + 8, 16);      // source = VIP
        System.arraycopy(ALL_NODES.getAddress(), 0, f, p + 24, 16); // destination ff02::1
        int icmp = p + IPV6_HLEN;
        f[icmp] = (byte) NDISC_NEIGHBOUR_ADVERTISEMENT;           // type; code 0; checksum below
        f[icmp + 4] = (byte) (FLAG_OVERRIDE | (router ? FLAG_ROUTER : 0)); // unsolicited: S clear
        System.arraycopy(vip.getAddress(), 0, f, icmp + 8, 16);   // target address
        f[icmp + 24] = ND_OPT_TARGET_LL_ADDR;                     // option type
        f[icmp + 25] = 1;                                         // option length in units of 8 bytes
        System.arraycopy(mac.bytes(), 0, f, icmp + 26, 6);
        int sum = InternetChecksum.icmpv6(vip, ALL_NODES, f, icmp, NA_LEN);
        f[icmp + 2] = (byte) (sum >>> 8);
        f[icmp + 3] = (byte) sum;
        return f;
    }
}
