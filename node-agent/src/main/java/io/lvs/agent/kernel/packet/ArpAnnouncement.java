package io.lvs.agent.kernel.packet;

import io.lvs.agent.kernel.rtnl.HardwareAddress;
import java.net.Inet4Address;

/**
 * Gratuitous ARP frames (RFC 826 packet format, RFC 5227 section 3 "announcement"): "VIP is at
 * MAC", broadcast so every neighbour and switch on the segment updates its tables. Pure functions.
 */
public final class ArpAnnouncement {
    static final int ARPHRD_ETHER = 1;
    static final int ARPOP_REQUEST = 1;
    static final int ARPOP_REPLY = 2;
    /** sizeof(struct arphdr) + two Ethernet and two IPv4 addresses. */
    static final int ARP_LEN = 28;

    private ArpAnnouncement() {
    }

    /** The request form: the one keepalived sends. */
    public static byte[] request(HardwareAddress mac, Inet4Address vip) {
        return frame(mac, vip, ARPOP_REQUEST, EthernetFrames.BROADCAST);
    }

    /** The reply form: target MAC = sender MAC, as Linux requires of a gratuitous reply. */
    public static byte[] reply(HardwareAddress mac, Inet4Address vip) {
        return frame(mac, vip, ARPOP_REPLY, mac.bytes());
    }

    private static byte[] frame(HardwareAddress mac, Inet4Address vip, int op, byte[] targetMac) {
        EthernetFrames.requireSource(mac);
        byte[] f = new byte[EthernetFrames.ETH_ZLEN]; // 42 bytes of ARP, zero-padded to the minimum
        int p = EthernetFrames.header(f, EthernetFrames.BROADCAST, mac, EthernetFrames.ETH_P_ARP);
        f[p] = 0;
        f[p + 1] = ARPHRD_ETHER;                                  // ar_hrd
        f[p + 2] = (byte) (EthernetFrames.ETH_P_IP >>> 8);        // ar_pro
        f[p + 3] = (byte) EthernetFrames.ETH_P_IP;
        f[p + 4] = 6;                                             // ar_hln
        f[p + 5] = 4;                                             // ar_pln
        f[p + 6] = 0;
        f[p + 7] = (byte) op;                                     // ar_op
        byte[] ip = vip.getAddress();
        System.arraycopy(mac.bytes(), 0, f, p + 8, 6);            // sender hardware address
        System.arraycopy(ip, 0, f, p + 14, 4);                    // sender protocol address = VIP
        System.arraycopy(targetMac, 0, f, p + 18, 6);             // target hardware address
        System.arraycopy(ip, 0, f, p + 24, 4);                    // target protocol address = VIP
        return f;
    }
}
