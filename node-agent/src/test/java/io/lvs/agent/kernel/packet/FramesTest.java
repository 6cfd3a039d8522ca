package io.lvs.agent.kernel.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lvs.agent.kernel.rtnl.HardwareAddress;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Announcement frames byte for byte against the layouts of RFC 826 (ARP over Ethernet), RFC 4861
 * section 4.4 (neighbour advertisement), RFC 8200 (IPv6 header) and RFC 2464 (IPv6 multicast MAC).
 */
class FramesTest {
    private static final HardwareAddress MAC = HardwareAddress.parse("02:00:5e:00:53:01");
    private static final Inet4Address VIP4 = (Inet4Address) InetAddress.ofLiteral("192.0.2.10");
    private static final Inet6Address VIP6 = (Inet6Address) InetAddress.ofLiteral("2001:db8::10");

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("[\\s|]", ""));
    }

    @Test
    void gratuitousArpRequestIsKeepalivedsForm() {
        assertArrayEquals(hex("""
                ff ff ff ff ff ff | 02 00 5e 00 53 01 | 08 06
                00 01 | 08 00 | 06 | 04 | 00 01
                02 00 5e 00 53 01 | c0 00 02 0a
                ff ff ff ff ff ff | c0 00 02 0a
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
                """), ArpAnnouncement.request(MAC, VIP4));
        // Ethernet: broadcast destination, our MAC, EtherType ARP (0x0806)
        // ARP: hardware Ethernet (1), protocol IPv4 (0x0800), hlen 6, plen 4, op request (1),
        //      sender MAC / sender IP = VIP, target MAC broadcast, target IP = VIP
        // 18 bytes of padding up to the 60-byte Ethernet minimum
    }

    @Test
    void gratuitousArpReplyCarriesTheSenderMacAsTarget() {
        assertArrayEquals(hex("""
                ff ff ff ff ff ff | 02 00 5e 00 53 01 | 08 06
                00 01 | 08 00 | 06 | 04 | 00 02
                02 00 5e 00 53 01 | c0 00 02 0a
                02 00 5e 00 53 01 | c0 00 02 0a
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
                """), ArpAnnouncement.reply(MAC, VIP4));
    }

    @Test
    void unsolicitedNeighbourAdvertisementWithOverride() {
        assertArrayEquals(hex("""
                33 33 00 00 00 01 | 02 00 5e 00 53 01 | 86 dd
                60 00 00 00 | 00 20 | 3a | ff
                20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 10
                ff 02 00 00 00 00 00 00 00 00 00 00 00 00 00 01
                88 | 00 | 48 0c | 20 00 00 00
                20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 10
                02 | 01 | 02 00 5e 00 53 01
                """), NeighborAdvertisement.unsolicited(MAC, VIP6, false));
        // Ethernet: 33:33:00:00:00:01 (ff02::1), our MAC, EtherType IPv6 (0x86dd)
        // IPv6: version 6, payload 32, next header ICMPv6 (58), hop limit 255, VIP -> ff02::1
        // ICMPv6: type 136, code 0, checksum 0x480c (pseudo-header sum worked out separately),
        //         flags O (0x20; R and S clear), target = VIP, option 2 (target link-layer address), length 1
    }

    @Test
    void aRouterSetsTheRouterFlag() {
        byte[] f = NeighborAdvertisement.unsolicited(MAC, VIP6, true);
        assertEquals((byte) 0xa0, f[14 + 40 + 4], "R|O");
        assertEquals(0xc80b, ((f[14 + 40 + 2] & 0xff) << 8) | (f[14 + 40 + 3] & 0xff), "checksum follows the flags");
    }

    @Test
    void theInternetChecksumOfRfc1071sExample() {
        // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2; the checksum is its complement
        assertEquals(0x220d, InternetChecksum.of(hex("0001 f203 f4f5 f6f7"), 0, 8));
        assertEquals(0x220d, InternetChecksum.of(hex("0001 f203 f4f5 f6f7 00"), 0, 9), "a trailing zero byte changes nothing");
        assertEquals(0xfeff, InternetChecksum.of(hex("01"), 0, 1), "an odd byte is the high half of a word");
    }

    @Test
    void framesNeedAUnicastEthernetSource() {
        assertThrows(IllegalArgumentException.class,
                () -> ArpAnnouncement.request(HardwareAddress.parse("00:00:00:00:00:00"), VIP4));
        assertThrows(IllegalArgumentException.class,
                () -> ArpAnnouncement.request(HardwareAddress.parse("ff:ff:ff:ff:ff:ff"), VIP4));
        assertThrows(IllegalArgumentException.class,
                () -> NeighborAdvertisement.unsolicited(HardwareAddress.parse("02:00:5e:00:53"), VIP6, false));
        assertThrows(IllegalArgumentException.class,
                () -> NeighborAdvertisement.unsolicited(MAC, (Inet6Address) InetAddress.ofLiteral("ff02::1"), false));
    }
}
