package io.lvs.agent.kernel.packet;

import io.lvs.agent.kernel.rtnl.HardwareAddress;

/** Ethernet II header constants and the checks every frame builder shares. */
final class EthernetFrames {
    static final int ETH_HLEN = 14;
    /** The shortest Ethernet frame without its FCS; shorter frames are padded with zeros. */
    static final int ETH_ZLEN = 60;
    static final int ETH_P_IP = 0x0800;
    static final int ETH_P_ARP = 0x0806;
    static final int ETH_P_IPV6 = 0x86dd;
    static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

    private EthernetFrames() {
    }

    static void requireSource(HardwareAddress mac) {
        if (!mac.isUnicastEthernet()) {
            throw new IllegalArgumentException("frame source " + mac + " is not a unicast Ethernet address");
        }
    }

    /** Writes destination, source and EtherType at the start of {@code frame}; returns the header length. */
    static int header(byte[] frame, byte[] destination, HardwareAddress source, int etherType) {
        System.arraycopy(destination, 0, frame, 0, 6);
        System.arraycopy(source.bytes(), 0, frame, 6, 6);
        frame[12] = (byte) (etherType >>> 8);
        frame[13] = (byte) etherType;
        return ETH_HLEN;
    }
}
