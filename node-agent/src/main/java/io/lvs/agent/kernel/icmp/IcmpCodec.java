package io.lvs.agent.kernel.icmp;

import io.lvs.agent.kernel.packet.InternetChecksum;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * ICMP and ICMPv6 echo on the wire (RFC 792, RFC 4443): echo requests to send, and what a raw socket
 * receives, decoded as an echo reply or as an error quoting one of our echo requests. Pure functions.
 */
public final class IcmpCodec {
    // <linux/icmp.h>
    public static final int ICMP_ECHOREPLY = 0;
    public static final int ICMP_DEST_UNREACH = 3;
    public static final int ICMP_ECHO = 8;
    public static final int ICMP_TIME_EXCEEDED = 11;
    // <linux/icmpv6.h>
    public static final int ICMPV6_DEST_UNREACH = 1;
    public static final int ICMPV6_TIME_EXCEED = 3;
    public static final int ICMPV6_ECHO_REQUEST = 128;
    public static final int ICMPV6_ECHO_REPLY = 129;

    /** Echo header: type, code, checksum, identifier, sequence. */
    static final int ECHO_HEADER = 8;
    /** Our payload: the prober's 8-byte cookie, then 8 zero bytes. */
    static final int PAYLOAD = 16;
    static final int ECHO_LEN = ECHO_HEADER + PAYLOAD;
    private static final int IPV6_HLEN = 40;
    private static final int IPPROTO_ICMP = 1;
    private static final int IPPROTO_ICMPV6 = 58;

    /** What one received datagram means to a prober. */
    public sealed interface Received {
        /** An echo reply with its identifier, sequence number and the cookie from its payload. */
        record EchoReply(int identifier, int sequence, long cookie) implements Received {
        }

        /**
         * An ICMP error (destination unreachable, time exceeded) quoting an echo request of ours:
         * its type and code, and the quoted request's identifier, sequence and destination.
         */
        record Error(int type, int code, int identifier, int sequence, InetAddress destination) implements Received {
        }

        /**
         * A datagram that cannot be what it says: a bad ICMP checksum, a truncated header, an error whose quote is
         * cut short or is not a packet of the socket's family. Someone else's well-formed traffic is not this: it
         * decodes to nothing.
         */
        record Malformed(String reason) implements Received {
        }
    }

    private IcmpCodec() {
    }

    /**
     * An echo request: type 8 (ICMP) or 128 (ICMPv6), code 0, identifier, sequence, payload = cookie
     * + zeros. The ICMP checksum is filled in; for ICMPv6 the kernel computes it over the
     * pseudo-header (raw ICMPv6 sockets always do), so it stays 0.
     */
    public static byte[] echoRequest(boolean ipv6, int identifier, int sequence, long cookie) {
        ByteBuffer b = ByteBuffer.allocate(ECHO_LEN).order(ByteOrder.BIG_ENDIAN);
        b.put((byte) (ipv6 ? ICMPV6_ECHO_REQUEST : ICMP_ECHO)).put((byte) 0).putShort((short) 0)
                .putShort((short) identifier).putShort((short) sequence).putLong(cookie).putLong(0);
        byte[] m = b.array();
        if (!ipv6) {
            int sum = InternetChecksum.of(m, 0, m.length);
            m[2] = (byte) (sum >>> 8);
            m[3] = (byte) sum;
        }
        return m;
    }

    /**
     * Decodes what a raw IPPROTO_ICMP socket received: the IPv4 header, then ICMP. Empty for anything
     * that is not an echo reply or an error quoting an ICMP echo request (other types, other
     * protocols quoted, replies too short to carry a cookie); {@link Received.Malformed} for what is
     * truncated or has a bad checksum.
     */
    public static Optional<Received> parseIpv4(byte[] d, int len) {
        if (len < 20 || (d[0] >>> 4 & 0xf) != 4) {
            return malformed(len + " bytes that are no IPv4 packet");
        }
        int ihl = (d[0] & 0xf) * 4;
        if (ihl < 20 || len < ihl + ECHO_HEADER) {
            return malformed("IPv4 header length " + ihl + " in " + len + " bytes leaves no ICMP header");
        }
        if (InternetChecksum.of(d, ihl, len - ihl) != 0) {
            return malformed("bad ICMP checksum");
        }
        int type = d[ihl] & 0xff;
        if (type == ICMP_ECHOREPLY) {
            return len >= ihl + ECHO_LEN
                    ? Optional.of(new Received.EchoReply(u16(d, ihl + 4), u16(d, ihl + 6), cookie(d, ihl + ECHO_HEADER)))
                    : Optional.empty();
        }
        if (type != ICMP_DEST_UNREACH && type != ICMP_TIME_EXCEEDED) {
            return Optional.empty();
        }
        // the error quotes the original IPv4 header and at least 8 bytes of what followed it
        int inner = ihl + ECHO_HEADER;
        if (len < inner + 20 || (d[inner] >>> 4 & 0xf) != 4) {
            return malformed("ICMP error type " + type + " quotes no IPv4 header");
        }
        if ((d[inner + 9] & 0xff) != IPPROTO_ICMP) {
            return Optional.empty();
        }
        int innerIhl = (d[inner] & 0xf) * 4;
        int echo = inner + innerIhl;
        if (innerIhl < 20 || len < echo + ECHO_HEADER) {
            return malformed("ICMP error type " + type + " quotes a cut-short packet");
        }
        if ((d[echo] & 0xff) != ICMP_ECHO) {
            return Optional.empty();
        }
        return Optional.of(new Received.Error(type, d[ihl + 1] & 0xff, u16(d, echo + 4), u16(d, echo + 6),
                address(Arrays.copyOfRange(d, inner + 16, inner + 20))));
    }

    /**
     * Decodes what a raw IPPROTO_ICMPV6 socket received: ICMPv6 without the IPv6 header (the kernel
     * has checked the checksum). Empty for anything that is not an echo reply or an error quoting an
     * ICMPv6 echo request; {@link Received.Malformed} for a truncated header or an error whose quote is
     * cut short or is no IPv6 packet.
     */
    public static Optional<Received> parseIpv6(byte[] d, int len) {
        if (len < ECHO_HEADER) {
            return malformed(len + " bytes leave no ICMPv6 header");
        }
        int type = d[0] & 0xff;
        if (type == ICMPV6_ECHO_REPLY) {
            return len >= ECHO_LEN
                    ? Optional.of(new Received.EchoReply(u16(d, 4), u16(d, 6), cookie(d, ECHO_HEADER)))
                    : Optional.empty();
        }
        if (type != ICMPV6_DEST_UNREACH && type != ICMPV6_TIME_EXCEED) {
            return Optional.empty();
        }
        // the error quotes the original IPv6 header and as much of the packet as fits;
        // extension headers would sit between them (an echo request of ours has none)
        int inner = ECHO_HEADER;
        int echo = inner + IPV6_HLEN;
        if (len < inner + IPV6_HLEN || (d[inner] >>> 4 & 0xf) != 6) {
            return malformed("ICMPv6 error type " + type + " quotes no IPv6 header");
        }
        if ((d[inner + 6] & 0xff) != IPPROTO_ICMPV6) {
            return Optional.empty();
        }
        if (len < echo + ECHO_HEADER) {
            return malformed("ICMPv6 error type " + type + " quotes a cut-short packet");
        }
        if ((d[echo] & 0xff) != ICMPV6_ECHO_REQUEST) {
            return Optional.empty();
        }
        return Optional.of(new Received.Error(type, d[1] & 0xff, u16(d, echo + 4), u16(d, echo + 6),
                address(Arrays.copyOfRange(d, inner + 24, inner + 40))));
    }

    private static Optional<Received> malformed(String reason) {
        return Optional.of(new Received.Malformed(reason));
    }

    private static int u16(byte[] d, int off) {
        return ((d[off] & 0xff) << 8) | (d[off + 1] & 0xff);
    }

    private static long cookie(byte[] d, int off) {
        return ByteBuffer.wrap(d, off, 8).order(ByteOrder.BIG_ENDIAN).getLong();
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a " + raw.length + "-byte address", e); // lengths are 4 or 16 here
        }
    }
}
