package io.lvs.agent.kernel.icmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.lvs.agent.kernel.packet.InternetChecksum;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Echo requests and what raw sockets receive, against RFC 792 (ICMP echo, destination unreachable)
 * and RFC 4443 (ICMPv6 echo, errors) layouts written out by hand.
 */
class IcmpCodecTest {
    private static final long COOKIE = 0x0102030405060708L;

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("[\\s|]", ""));
    }

    @Test
    void anIcmpEchoRequestCarriesItsChecksum() {
        assertArrayEquals(hex("""
                08 | 00 | d5 b6 | 12 34 | 00 01
                01 02 03 04 05 06 07 08 | 00 00 00 00 00 00 00 00
                """), IcmpCodec.echoRequest(false, 0x1234, 1, COOKIE));
        // type 8 echo, code 0, checksum 0xd5b6 (one's complement of 0x0800+0x1234+0x0001+0x0102+...+0x0708),
        // identifier 0x1234, sequence 1, payload = cookie + 8 zero bytes
    }

    @Test
    void anIcmpv6EchoRequestLeavesTheChecksumToTheKernel() {
        assertArrayEquals(hex("""
                80 | 00 | 00 00 | ff ff | ff fe
                01 02 03 04 05 06 07 08 | 00 00 00 00 00 00 00 00
                """), IcmpCodec.echoRequest(true, 0xffff, 0xfffe, COOKIE));
    }

    @Test
    void anIpv4EchoReplyIsReadPastItsIpHeader() {
        byte[] d = hex("""
                45 00 00 2c 00 00 00 00 40 01 00 00 c0 00 02 02 c0 00 02 01
                00 | 00 | dd b6 | 12 34 | 00 01
                01 02 03 04 05 06 07 08 | 00 00 00 00 00 00 00 00
                """);
        // IPv4 header (IHL 5, protocol 1, 192.0.2.2 -> 192.0.2.1), echo reply (type 0) with checksum 0xddb6
        assertEquals(Optional.of(new IcmpCodec.Received.EchoReply(0x1234, 1, COOKIE)), IcmpCodec.parseIpv4(d, d.length));
        assertEquals(Optional.empty(), IcmpCodec.parseIpv4(fixChecksum(Arrays.copyOf(d, 36)), 36),
                "someone else's reply with a payload too short for our cookie is not ours, and not malformed");
        d[20 + 9] ^= 1; // corrupt the payload: the checksum no longer holds
        assertEquals(Optional.of(new IcmpCodec.Received.Malformed("bad ICMP checksum")), IcmpCodec.parseIpv4(d, d.length));
        assertEquals(Optional.of(new IcmpCodec.Received.Malformed("IPv4 header length 20 in 26 bytes leaves no ICMP header")),
                IcmpCodec.parseIpv4(d, 26), "truncated");
        assertInstanceOf(IcmpCodec.Received.Malformed.class, IcmpCodec.parseIpv4(d, 12).orElseThrow(), "no IPv4 header");
    }

    @Test
    void anIpv4DestinationUnreachableQuotingOurRequestNamesItsDestination() {
        byte[] d = hex("""
                45 00 00 48 00 00 00 00 40 01 00 00 c0 00 02 02 c0 00 02 01
                03 | 01 | 00 00 | 00 00 00 00
                45 00 00 2c 00 00 40 00 3f 01 00 00 c0 00 02 01 cb 00 71 07
                08 00 d5 b6 12 34 00 01 01 02 03 04 05 06 07 08
                """);
        // outer header from the router 192.0.2.2; type 3 code 1 (host unreachable); the quoted
        // IPv4 header (protocol 1, to 203.0.113.7) and the first 16 bytes of our echo request
        setChecksum(d, 20, 2);
        assertEquals(Optional.of(new IcmpCodec.Received.Error(3, 1, 0x1234, 1, InetAddress.ofLiteral("203.0.113.7"))),
                IcmpCodec.parseIpv4(d, d.length));
    }

    @Test
    void otherIcmpTypesAreIgnored() {
        byte[] d = hex("45 00 00 1c 00 00 00 00 40 01 00 00 c0 00 02 02 c0 00 02 01 | 08 00 00 00 12 34 00 01");
        setChecksum(d, 20, 2); // an echo *request* seen by the raw socket
        assertEquals(Optional.empty(), IcmpCodec.parseIpv4(d, d.length));
        assertEquals(Optional.empty(), IcmpCodec.parseIpv6(hex("87 00 00 00 00 00 00 00"), 8), "neighbour solicitation");
    }

    @Test
    void anIcmpv6EchoReplyAndAnErrorQuotingOurRequest() {
        byte[] reply = hex("81 00 00 00 12 34 00 02 01 02 03 04 05 06 07 08 00 00 00 00 00 00 00 00");
        assertEquals(Optional.of(new IcmpCodec.Received.EchoReply(0x1234, 2, COOKIE)), IcmpCodec.parseIpv6(reply, reply.length));

        byte[] error = hex("""
                01 | 00 | 00 00 | 00 00 00 00
                60 00 00 00 00 18 3a 40
                20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01
                20 01 0d b8 00 ff 00 00 00 00 00 00 00 00 00 07
                80 00 00 00 12 34 00 02 01 02 03 04 05 06 07 08
                """);
        // type 1 (destination unreachable) code 0 (no route); quoted IPv6 header (next header 58,
        // 2001:db8::1 -> 2001:db8:ff::7) and our echo request (type 128, id 0x1234, sequence 2)
        assertEquals(Optional.of(new IcmpCodec.Received.Error(1, 0, 0x1234, 2, InetAddress.ofLiteral("2001:db8:ff::7"))),
                IcmpCodec.parseIpv6(error, error.length));
        assertEquals(Optional.of(new IcmpCodec.Received.Malformed("ICMPv6 error type 1 quotes no IPv6 header")),
                IcmpCodec.parseIpv6(error, 40), "truncated quote");
        assertEquals(Optional.of(new IcmpCodec.Received.Malformed("ICMPv6 error type 1 quotes a cut-short packet")),
                IcmpCodec.parseIpv6(error, 52));
        assertInstanceOf(IcmpCodec.Received.Malformed.class, IcmpCodec.parseIpv6(error, 6).orElseThrow(), "no header");
        error[8] = 0x45; // the quote is no IPv6 packet
        assertInstanceOf(IcmpCodec.Received.Malformed.class, IcmpCodec.parseIpv6(error, error.length).orElseThrow());
    }

    /** An IPv4 ICMP packet (20-byte header) with its ICMP checksum made right again. */
    private static byte[] fixChecksum(byte[] d) {
        d[22] = 0;
        d[23] = 0;
        setChecksum(d, 20, 2);
        return d;
    }

    private static void setChecksum(byte[] d, int off, int at) {
        int sum = InternetChecksum.of(d, off, d.length - off);
        d[off + at] = (byte) (sum >>> 8);
        d[off + at + 1] = (byte) sum;
    }
}
