package io.lvs.agent.kernel.rtnl;

import java.util.Arrays;
import java.util.HexFormat;

/** A link-layer address (an Ethernet MAC for most links), immutable. */
public record HardwareAddress(byte[] bytes) {
    private static final HexFormat COLONS = HexFormat.ofDelimiter(":");

    public HardwareAddress {
        bytes = bytes.clone();
    }

    /** Parses "aa:bb:cc:dd:ee:ff" (any length of colon-separated hex bytes). */
    public static HardwareAddress parse(String text) {
        try {
            return new HardwareAddress(COLONS.parseHex(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a hardware address: '" + text + "'", e);
        }
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    /** True for a 6-byte address that is neither all zeros nor multicast/broadcast: usable as a frame source. */
    public boolean isUnicastEthernet() {
        boolean zero = true;
        for (byte b : bytes) {
            zero &= b == 0;
        }
        return bytes.length == 6 && !zero && (bytes[0] & 1) == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HardwareAddress h && Arrays.equals(bytes, h.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return COLONS.formatHex(bytes);
    }
}
