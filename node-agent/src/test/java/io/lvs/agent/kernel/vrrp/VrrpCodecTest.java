package io.lvs.agent.kernel.vrrp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.vrrp.ReceivedAdvert.Accepted;
import io.lvs.agent.kernel.vrrp.ReceivedAdvert.Dropped;
import io.lvs.agent.kernel.vrrp.ReceivedAdvert.Trailer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** VRRPv3 adverts against the layout of RFC 5798 5.2, and the checks on received ones. */
class VrrpCodecTest {
    private static final InetAddress SRC4 = InetAddress.ofLiteral("192.0.2.1");
    private static final InetAddress PEER4 = InetAddress.ofLiteral("192.0.2.2");
    private static final InetAddress VIP4 = InetAddress.ofLiteral("192.0.2.10");
    private static final InetAddress SRC6 = InetAddress.ofLiteral("fe80::1");
    private static final InetAddress VIP6 = InetAddress.ofLiteral("2001:db8::10");
    private static final VrrpKey KEY1 = new VrrpKey(1, "0123456789abcdef-first".getBytes(StandardCharsets.US_ASCII));
    private static final VrrpKey KEY2 = new VrrpKey(2, "0123456789abcdef-second".getBytes(StandardCharsets.US_ASCII));

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("[\\s|]", ""));
    }

    /** RFC 1071 written out again, independently of InternetChecksum: 16-bit words, end-around carry, inverted. */
    private static int rfc1071(byte[] bytes) {
        int sum = 0;
        for (int i = 0; i < bytes.length; i += 2) {
            int hi = bytes[i] & 0xff;
            int lo = i + 1 < bytes.length ? bytes[i + 1] & 0xff : 0;
            sum += hi << 8 | lo;
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return ~sum & 0xffff;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    private static Accepted accepted(ReceivedAdvert r) {
        return assertInstanceOf(Accepted.class, r, () -> "dropped: " + r);
    }

    private static void dropped(DropReason reason, ReceivedAdvert r) {
        assertEquals(reason, assertInstanceOf(Dropped.class, r, "accepted: " + r).reason(), r::toString);
    }

    @Test
    void goldenIpv4AdvertFromTheRfcLayout() {
        byte[] golden = hex("""
                31 | 33 | 64 | 01
                00 64 | 05 cc
                c0 00 02 0a
                """);
        // version 3 / type 1 advertisement, VRID 51, priority 100, 1 address
        // 4 reserved bits zero, Max Adver Int 100 centiseconds (1 s), checksum
        // IPv4 address 192.0.2.10
        VrrpAdvert advert = new VrrpAdvert(51, 100, 100, List.of(VIP4));
        assertArrayEquals(golden, VrrpCodec.encode(advert, SRC4, VrrpCodec.GROUP_V4));

        // The checksum again, by hand: the IPv4 pseudo-header (source, destination, zero, protocol 112, length 12)
        // and the message with its checksum field zero.
        byte[] pseudo = hex("c0 00 02 01 | e0 00 00 12 | 00 | 70 | 00 0c");
        byte[] zeroed = golden.clone();
        zeroed[6] = 0;
        zeroed[7] = 0;
        assertEquals(0x05cc, rfc1071(concat(pseudo, zeroed)));
        assertEquals(0, rfc1071(concat(pseudo, golden)), "a right checksum sums to zero");

        Accepted a = accepted(VrrpCodec.decode(golden, SRC4, VrrpCodec.GROUP_V4));
        assertEquals(advert, a.advert());
        assertEquals(Optional.empty(), a.trailer());
    }

    @Test
    void ipv6ChecksumCoversTheIpv6PseudoHeader() {
        VrrpAdvert advert = new VrrpAdvert(7, 200, 50, List.of(InetAddress.ofLiteral("fe80::10"), VIP6));
        byte[] m = VrrpCodec.encode(advert, SRC6, VrrpCodec.GROUP_V6);
        assertEquals(8 + 2 * 16, m.length);
        assertArrayEquals(hex("31 07 c8 02 00 32"), java.util.Arrays.copyOf(m, 6));
        // RFC 8200 8.1: source, destination, 32-bit length, three zero bytes, next header 112
        byte[] pseudo = concat(SRC6.getAddress(), VrrpCodec.GROUP_V6.getAddress(), hex("00 00 00 28 | 00 00 00 | 70"));
        assertEquals(0, rfc1071(concat(pseudo, m)));
        assertEquals(advert, accepted(VrrpCodec.decode(m, SRC6, VrrpCodec.GROUP_V6)).advert());
    }

    @Test
    void roundTripsKeepEveryFieldIncludingTheTwelveBitInterval() {
        List<InetAddress> many = new java.util.ArrayList<>();
        for (int i = 1; i <= 255; i++) {
            many.add(InetAddress.ofLiteral("198.51.100." + i));
        }
        for (VrrpAdvert a : List.of(new VrrpAdvert(1, 0, 1, List.of(VIP4)),
                new VrrpAdvert(255, 255, VrrpAdvert.MAX_INTERVAL_CENTIS, many),
                new VrrpAdvert(42, 1, 4000, List.of(v4Mapped(), VIP6)))) {
            InetAddress src = a.ipv6() ? SRC6 : SRC4;
            InetAddress dst = a.ipv6() ? VrrpCodec.GROUP_V6 : VrrpCodec.GROUP_V4;
            assertEquals(a, accepted(VrrpCodec.decode(VrrpCodec.encode(a, src, dst), src, dst)).advert());
            Accepted signed = accepted(VrrpCodec.decode(VrrpCodec.encode(a, src, dst, KEY1, 99), src, dst));
            assertEquals(a, signed.advert());
            assertEquals(Optional.of(new Trailer(1, 99)), signed.trailer());
        }
    }

    /** ::ffff:192.0.2.1 as an IPv6 address (InetAddress.ofLiteral makes it IPv4): it must come back IPv6. */
    private static InetAddress v4Mapped() {
        try {
            return java.net.Inet6Address.getByAddress(null, hex("0000 0000 0000 0000 0000 ffff c000 0201"), -1);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyBitFlipIsDropped() {
        byte[] m = VrrpCodec.encode(new VrrpAdvert(51, 100, 100, List.of(VIP4)), SRC4, VrrpCodec.GROUP_V4);
        for (int bit = 0; bit < m.length * 8; bit++) {
            byte[] c = m.clone();
            c[bit / 8] ^= (byte) (1 << (bit % 8));
            assertInstanceOf(Dropped.class, VrrpCodec.decode(c, SRC4, VrrpCodec.GROUP_V4), "bit " + bit);
        }
        dropped(DropReason.BAD_CHECKSUM, VrrpCodec.decode(m, PEER4, VrrpCodec.GROUP_V4)); // another source
    }

    @Test
    void malformedPacketsAreDroppedWithTheirReason() {
        byte[] m = VrrpCodec.encode(new VrrpAdvert(51, 100, 100, List.of(VIP4)), SRC4, VrrpCodec.GROUP_V4);
        dropped(DropReason.TRUNCATED, VrrpCodec.decode(java.util.Arrays.copyOf(m, 7), SRC4, VrrpCodec.GROUP_V4));
        dropped(DropReason.TRUNCATED, VrrpCodec.decode(java.util.Arrays.copyOf(m, 10), SRC4, VrrpCodec.GROUP_V4));
        dropped(DropReason.WRONG_FAMILY, VrrpCodec.decode(m, SRC4, VrrpCodec.GROUP_V6));

        byte[] v2 = m.clone();
        v2[0] = 0x21;
        dropped(DropReason.WRONG_VERSION, VrrpCodec.decode(reChecksum(v2, SRC4), SRC4, VrrpCodec.GROUP_V4));
        byte[] type2 = m.clone();
        type2[0] = 0x32;
        dropped(DropReason.WRONG_TYPE, VrrpCodec.decode(reChecksum(type2, SRC4), SRC4, VrrpCodec.GROUP_V4));
        byte[] count2 = m.clone();
        count2[3] = 2;
        dropped(DropReason.TRUNCATED, VrrpCodec.decode(reChecksum(count2, SRC4), SRC4, VrrpCodec.GROUP_V4));
        byte[] count0 = m.clone();
        count0[3] = 0;
        dropped(DropReason.ADDRESS_COUNT_MISMATCH,
                VrrpCodec.decode(reChecksum(count0, SRC4), SRC4, VrrpCodec.GROUP_V4));
        byte[] extra = reChecksum(java.util.Arrays.copyOf(m, m.length + 4), SRC4); // 2 addresses, count 1
        dropped(DropReason.ADDRESS_COUNT_MISMATCH, VrrpCodec.decode(extra, SRC4, VrrpCodec.GROUP_V4));
        byte[] interval0 = m.clone();
        interval0[5] = 0;
        dropped(DropReason.INVALID_FIELD, VrrpCodec.decode(reChecksum(interval0, SRC4), SRC4, VrrpCodec.GROUP_V4));
        // the reserved bits are not part of the interval
        byte[] reserved = m.clone();
        reserved[4] |= (byte) 0xf0;
        assertEquals(100, accepted(VrrpCodec.decode(reChecksum(reserved, SRC4), SRC4, VrrpCodec.GROUP_V4))
                .advert().maxAdvertIntervalCentis());
    }

    private static byte[] reChecksum(byte[] m, InetAddress src) {
        m[6] = 0;
        m[7] = 0;
        byte[] pseudo = concat(src.getAddress(), VrrpCodec.GROUP_V4.getAddress(),
                new byte[] {0, 112, (byte) (m.length >>> 8), (byte) m.length});
        int sum = rfc1071(concat(pseudo, m));
        m[6] = (byte) (sum >>> 8);
        m[7] = (byte) sum;
        return m;
    }

    @Test
    void onlyTtl255IsAccepted() {
        assertEquals(Optional.empty(), VrrpCodec.checkTtl(255));
        assertEquals(DropReason.BAD_TTL, VrrpCodec.checkTtl(254).orElseThrow().reason());
        assertEquals(DropReason.BAD_TTL, VrrpCodec.checkTtl(1).orElseThrow().reason());
        AdvertVerifier v = new AdvertVerifier(KEY1, Set.of());
        byte[] m = new AdvertSigner(KEY1, 1).seal(new VrrpAdvert(51, 100, 100, List.of(VIP4)), SRC4,
                VrrpCodec.GROUP_V4);
        dropped(DropReason.BAD_TTL, v.verify(m, SRC4, VrrpCodec.GROUP_V4, 64));
        accepted(v.verify(m, SRC4, VrrpCodec.GROUP_V4, 255));
    }

    @Test
    void aReplayedSequenceIsDropped() {
        AdvertVerifier v = new AdvertVerifier(KEY1, Set.of());
        AdvertSigner s = new AdvertSigner(KEY1, 1_000);
        VrrpAdvert a = new VrrpAdvert(51, 100, 100, List.of(VIP4));
        byte[] first = s.seal(a, SRC4, VrrpCodec.GROUP_V4);
        byte[] second = s.seal(a, SRC4, VrrpCodec.GROUP_V4);
        assertEquals(1_000, accepted(v.verify(first, SRC4, VrrpCodec.GROUP_V4, 255)).trailer().orElseThrow()
                .sequence());
        dropped(DropReason.REPLAYED, v.verify(first, SRC4, VrrpCodec.GROUP_V4, 255));
        accepted(v.verify(second, SRC4, VrrpCodec.GROUP_V4, 255));
        dropped(DropReason.REPLAYED, v.verify(second, SRC4, VrrpCodec.GROUP_V4, 255));
        // sequences are per sender: another director's first advert is not a replay
        accepted(v.verify(new AdvertSigner(KEY1, 5).seal(a, PEER4, VrrpCodec.GROUP_V4), PEER4,
                VrrpCodec.GROUP_V4, 255));
    }

    @Test
    void aWrongKeyOrAForgedMacIsDropped() {
        AdvertVerifier v = new AdvertVerifier(KEY1, Set.of());
        VrrpAdvert a = new VrrpAdvert(51, 100, 100, List.of(VIP4));
        VrrpKey sameIdOtherSecret = new VrrpKey(1, "another-secret-of-16".getBytes(StandardCharsets.US_ASCII));
        dropped(DropReason.BAD_MAC, v.verify(VrrpCodec.encode(a, SRC4, VrrpCodec.GROUP_V4, sameIdOtherSecret, 1),
                SRC4, VrrpCodec.GROUP_V4, 255));
        dropped(DropReason.UNKNOWN_KEY, v.verify(VrrpCodec.encode(a, SRC4, VrrpCodec.GROUP_V4, KEY2, 2),
                SRC4, VrrpCodec.GROUP_V4, 255));
        // a priority raised in flight, checksum fixed up: the MAC no longer matches
        byte[] m = VrrpCodec.encode(a, SRC4, VrrpCodec.GROUP_V4, KEY1, 3);
        m[2] = (byte) 255;
        dropped(DropReason.BAD_MAC, v.verify(reChecksum(m, SRC4), SRC4, VrrpCodec.GROUP_V4, 255));
        // the MAC binds the source: the same bytes re-sent from another address (checksum fixed up) fail
        byte[] reflected = reChecksum(VrrpCodec.encode(a, SRC4, VrrpCodec.GROUP_V4, KEY1, 4), PEER4);
        dropped(DropReason.BAD_MAC, v.verify(reflected, PEER4, VrrpCodec.GROUP_V4, 255));
        // a dropped advert does not move the sequence: the genuine one with sequence 3 is still accepted
        accepted(v.verify(VrrpCodec.encode(a, SRC4, VrrpCodec.GROUP_V4, KEY1, 3), SRC4, VrrpCodec.GROUP_V4, 255));
    }

    @Test
    void keyRotationAcceptsTheCurrentAndThePreviousKey() {
        AdvertVerifier v = new AdvertVerifier(KEY1, Set.of());
        AdvertSigner s = new AdvertSigner(KEY1, 1);
        VrrpAdvert a = new VrrpAdvert(51, 100, 100, List.of(VIP4));
        accepted(v.verify(s.seal(a, SRC4, VrrpCodec.GROUP_V4), SRC4, VrrpCodec.GROUP_V4, 255));
        v.rotate(KEY2);                                   // receivers first
        accepted(v.verify(s.seal(a, SRC4, VrrpCodec.GROUP_V4), SRC4, VrrpCodec.GROUP_V4, 255)); // still key 1
        s.rotate(KEY2);                                   // then the sender
        Accepted withKey2 = accepted(v.verify(s.seal(a, SRC4, VrrpCodec.GROUP_V4), SRC4, VrrpCodec.GROUP_V4, 255));
        assertEquals(new Trailer(2, 3), withKey2.trailer().orElseThrow());
        VrrpKey key3 = new VrrpKey(3, "0123456789abcdef-third".getBytes(StandardCharsets.US_ASCII));
        v.rotate(key3);                                   // key 1 is now two keys old
        dropped(DropReason.UNKNOWN_KEY, v.verify(VrrpCodec.encode(a, SRC4, VrrpCodec.GROUP_V4, KEY1, 10), SRC4,
                VrrpCodec.GROUP_V4, 255));
        accepted(v.verify(s.seal(a, SRC4, VrrpCodec.GROUP_V4), SRC4, VrrpCodec.GROUP_V4, 255)); // key 2, previous
        assertThrows(IllegalArgumentException.class, () -> v.rotate(key3));
    }

    @Test
    void plainAdvertsOnlyFromCompatibilityPeers() {
        AdvertVerifier v = new AdvertVerifier(KEY1, Set.of(PEER4));
        VrrpAdvert a = new VrrpAdvert(51, 100, 100, List.of(VIP4));
        dropped(DropReason.UNAUTHENTICATED, v.verify(VrrpCodec.encode(a, SRC4, VrrpCodec.GROUP_V4), SRC4,
                VrrpCodec.GROUP_V4, 255));
        Accepted plain = accepted(v.verify(VrrpCodec.encode(a, PEER4, VrrpCodec.GROUP_V4), PEER4,
                VrrpCodec.GROUP_V4, 255));
        assertTrue(plain.trailer().isEmpty());
    }

    @Test
    void advertsOutsideTheFieldsRangesCannotBeBuilt() {
        assertThrows(IllegalArgumentException.class, () -> new VrrpAdvert(0, 100, 100, List.of(VIP4)));
        assertThrows(IllegalArgumentException.class, () -> new VrrpAdvert(1, 256, 100, List.of(VIP4)));
        assertThrows(IllegalArgumentException.class, () -> new VrrpAdvert(1, 100, 4096, List.of(VIP4)));
        assertThrows(IllegalArgumentException.class, () -> new VrrpAdvert(1, 100, 100, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new VrrpAdvert(1, 100, 100, List.of(VIP4, VIP6)));
        assertThrows(IllegalArgumentException.class,
                () -> VrrpCodec.encode(new VrrpAdvert(1, 100, 100, List.of(VIP4)), SRC6, VrrpCodec.GROUP_V6));
    }
}
