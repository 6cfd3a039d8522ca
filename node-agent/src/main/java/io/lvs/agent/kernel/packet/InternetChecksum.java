package io.lvs.agent.kernel.packet;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The Internet checksum (RFC 1071) of ICMP, and of upper-layer messages over an IP pseudo-header: ICMPv6 over the
 * IPv6 one (RFC 8200 8.1), VRRPv3 over the IPv4 or IPv6 one (RFC 5798 5.2.8).
 */
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
        return withPseudoHeader(source, destination, IPPROTO_ICMPV6, message, off, len);
    }

    /**
     * The checksum of {@code message} (checksum field zero) of IP protocol {@code protocol} over the pseudo-header of
     * {@code source} and {@code destination}, which are both IPv4 or both IPv6. IPv4's pseudo-header (RFC 768) is
     * source, destination, a zero byte, the protocol and a 16-bit length; IPv6's (RFC 8200 8.1) is source,
     * destination, a 32-bit length, three zero bytes and the next header: as 16-bit words they add up alike.
     */
    public static int withPseudoHeader(InetAddress source, InetAddress destination, int protocol, byte[] message,
                                       int off, int len) {
        byte[] s = source.getAddress();
        byte[] d = destination.getAddress();
        if (s.length != d.length) {
            throw new IllegalArgumentException("source and destination of different families: " + source + ", "
                    + destination);
        }
        long sum = sum(s, 0, s.length) + sum(d, 0, d.length);
        sum += (len >>> 16) + (len & 0xffff); // upper-layer length (16 bits in IPv4, 32 in IPv6)
        sum += protocol & 0xff;               // after zero bytes
        sum += sum(message, off, len);
        return fold(sum);
    }
}
