package io.lvs.agent.kernel.packet;

import java.net.Inet6Address;

/** The Internet checksum (RFC 1071) of ICMP and of ICMPv6 over its IPv6 pseudo-header (RFC 8200 8.1). */
public final class InternetChecksum {
    /** IPPROTO_ICMPV6, the next-header value in the pseudo-header. */
    private static final int IPPROTO_ICMPV6 = 58;

    private InternetChecksum() {
    }

    /** The one's-complement sum of {@code len} bytes as big-endian 16-bit words, not yet folded or inverted. */
    static long sum(byte[] data, int off, int len) {
        long sum = 0;
        int i = off;
        int end = off + len;
        for (; i + 1 < end; i += 2) {
            sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
        }
        if (i < end) {
            sum += (data[i] & 0xff) << 8; // an odd last byte is padded with zero
        }
        return sum;
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** The checksum of {@code len} bytes (e.g. an ICMP message whose checksum field is zero). */
    public static int of(byte[] data, int off, int len) {
        return fold(sum(data, off, len));
    }

    /** The ICMPv6 checksum of {@code message} (checksum field zero) between {@code source} and {@code destination}. */
    public static int icmpv6(Inet6Address source, Inet6Address destination, byte[] message, int off, int len) {
        byte[] s = source.getAddress();
        byte[] d = destination.getAddress();
        long sum = sum(s, 0, 16) + sum(d, 0, 16);
        sum += (len >>> 16) + (len & 0xffff); // upper-layer packet length, 32 bits
        sum += IPPROTO_ICMPV6; // three zero bytes, then the next header
        sum += sum(message, off, len);
        return fold(sum);
    }
}
