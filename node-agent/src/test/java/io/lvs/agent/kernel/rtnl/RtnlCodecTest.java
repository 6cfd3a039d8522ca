package io.lvs.agent.kernel.rtnl;

import io.lvs.agent.kernel.InetText;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.netlink.Netlink;
import io.lvs.agent.kernel.netlink.NetlinkMessage;
import io.lvs.agent.kernel.netlink.NetlinkProtocolException;
import io.lvs.agent.kernel.netlink.NetlinkRequest;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * rtnetlink requests and replies against byte layouts written out by hand from
 * {@code <linux/rtnetlink.h>} (struct ifinfomsg, struct ifaddrmsg), {@code <linux/if_addr.h>} (IFA_*)
 * and {@code <linux/if_link.h>} (IFLA_*). Multi-byte host-order fields are little-endian (x86_64,
 * aarch64); addresses are in network order.
 */
class RtnlCodecTest {
    private static final Link LO = new Link(1, "lo", 0x10049, Link.ARPHRD_LOOPBACK, 65536, Optional.empty(), Optional.empty());
    private static final Link VETH = new Link(7, "veth0", 0x11043, Link.ARPHRD_ETHER, 1500, Optional.empty(), Optional.of("veth"));

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("[\\s|]", ""));
    }

    /** A received message: nlmsghdr (len, type, flags, seq, pid) + payload, parsed by the core. */
    static NetlinkMessage message(int type, String payloadHex) {
        byte[] p = hex(payloadHex);
        ByteBuffer b = ByteBuffer.allocate(16 + p.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(16 + p.length).putShort((short) type).putShort((short) Netlink.NLM_F_MULTI).putInt(42).putInt(0).put(p).flip();
        List<NetlinkMessage> all = NetlinkMessage.parseAll(b);
        assertEquals(1, all.size());
        return all.get(0);
    }

    @Test
    void addingAnIpv4VipToLoopbackIsNewaddrWithLocalAndAddress() {
        NetlinkRequest r = RtnlCodec.request(AddressOp.Add.host(LO, InetAddress.ofLiteral("203.0.113.10")));
        assertEquals(Rtnetlink.RTM_NEWADDR, r.type());
        assertEquals(Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, r.flags());
        assertArrayEquals(hex("""
                02 20 00 00 | 01 00 00 00
                08 00 02 00 | cb 00 71 0a
                08 00 01 00 | cb 00 71 0a
                """), r.payload(),
                // ifaddrmsg: AF_INET, prefixlen 32, flags 0, RT_SCOPE_UNIVERSE, ifa_index 1
                // IFA_LOCAL (2) 203.0.113.10; IFA_ADDRESS (1) the same: no peer
                "payload");
        assertEquals("RTM_NEWADDR 203.0.113.10/32 on lo (index 1)", r.description());
    }

    @Test
    void addingAnIpv6VipSkipsDuplicateAddressDetection() {
        NetlinkRequest r = RtnlCodec.request(AddressOp.Add.host(VETH, InetAddress.ofLiteral("2001:db8::10")));
        assertArrayEquals(hex("""
                0a 80 02 00 | 07 00 00 00
                14 00 02 00 | 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 10
                14 00 01 00 | 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 10
                """), r.payload(),
                // ifaddrmsg: AF_INET6 (10), prefixlen 128, IFA_F_NODAD (0x02), scope 0, ifa_index 7
                "payload");
        assertEquals("RTM_NEWADDR 2001:db8::10/128 on veth0 (index 7)", r.description());
    }

    @Test
    void removingAnAddressIsDeladdrWithThePrefixItWasAddedWith() {
        NetlinkRequest r = RtnlCodec.request(new AddressOp.Remove(VETH, InetAddress.ofLiteral("192.0.2.5"), 24));
        assertEquals(Rtnetlink.RTM_DELADDR, r.type());
        assertEquals(0, r.flags());
        assertArrayEquals(hex("""
                02 18 00 00 | 07 00 00 00
                08 00 02 00 | c0 00 02 05
                08 00 01 00 | c0 00 02 05
                """), r.payload(), "payload");
        assertEquals("RTM_DELADDR 192.0.2.5/24 on veth0 (index 7)", r.description());
    }

    @Test
    void aLoopbackRangeAddressGetsHostScopeLikeIpAddrAdd() {
        NetlinkRequest r = RtnlCodec.request(new AddressOp.Add(LO, InetAddress.ofLiteral("127.0.0.2"), 8));
        assertEquals((byte) Rtnetlink.RT_SCOPE_HOST, r.payload()[3]);
    }

    @Test
    void linkRequests() {
        // ifinfomsg: 16 zero bytes (AF_UNSPEC, any type, index 0, flags/change 0),
        // IFLA_EXT_MASK (29) = RTEXT_FILTER_SKIP_STATS (1 << 3)
        NetlinkRequest dump = RtnlCodec.dumpLinks();
        assertEquals(Rtnetlink.RTM_GETLINK, dump.type());
        assertArrayEquals(hex("00000000 00000000 00000000 00000000 | 08 00 1d 00 08 00 00 00"), dump.payload());

        // IFLA_IFNAME (3): "lo\0", length 4 + 3, padded to 8
        NetlinkRequest byName = RtnlCodec.getLink("lo");
        assertArrayEquals(hex("00000000 00000000 00000000 00000000 | 08 00 1d 00 08 00 00 00 | 07 00 03 00 6c 6f 00 00"),
                byName.payload());
        assertEquals("RTM_GETLINK lo", byName.description());

        NetlinkRequest byIndex = RtnlCodec.getLink(7);
        assertArrayEquals(hex("00 00 0000 07000000 00000000 00000000 | 08 00 1d 00 08 00 00 00"), byIndex.payload());

        assertThrows(IllegalArgumentException.class, () -> RtnlCodec.getLink("a-name-of-16-chr"));
        assertThrows(IllegalArgumentException.class, () -> RtnlCodec.getLink(""));
    }

    @Test
    void addressDumpAsksForBothFamilies() {
        NetlinkRequest r = RtnlCodec.dumpAddresses();
        assertEquals(Rtnetlink.RTM_GETADDR, r.type());
        assertArrayEquals(hex("00 00 00 00 00 00 00 00"), r.payload());
    }

    @Test
    void decodesAVethLinkWithItsKindAndMac() {
        Link l = RtnlCodec.decodeLink(message(Rtnetlink.RTM_NEWLINK, """
                00 00 0100 07000000 43100100 00000000
                0a 00 03 00 76 65 74 68 30 00 00 00
                08 00 04 00 dc 05 00 00
                0a 00 01 00 02 00 5e 00 53 01 00 00
                08 00 10 00 06 00 00 00
                10 00 12 00 09 00 01 00 76 65 74 68 00 00 00 00
                """));
        // ifinfomsg: AF_UNSPEC, ARPHRD_ETHER (1), index 7, flags UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP
        // IFLA_IFNAME "veth0"; IFLA_MTU 1500; IFLA_ADDRESS 02:00:5e:00:53:01; IFLA_OPERSTATE (ignored);
        // IFLA_LINKINFO { IFLA_INFO_KIND "veth" }
        assertEquals(new Link(7, "veth0", 0x11043, Link.ARPHRD_ETHER, 1500,
                Optional.of(HardwareAddress.parse("02:00:5e:00:53:01")), Optional.of("veth")), l);
        assertTrue(l.isUp());
        assertTrue(l.isRunning());
        assertTrue(l.isLowerUp());
        assertFalse(l.isLoopback());
        assertFalse(l.isNoArp());
    }

    @Test
    void decodesLoopback() {
        Link l = RtnlCodec.decodeLink(message(Rtnetlink.RTM_NEWLINK, """
                00 00 0403 01000000 49000100 00000000
                07 00 03 00 6c 6f 00 00
                08 00 04 00 00 00 01 00
                0a 00 01 00 00 00 00 00 00 00 00 00
                """));
        // ARPHRD_LOOPBACK (772 = 0x0304), flags UP|LOOPBACK|RUNNING|LOWER_UP, MTU 65536
        assertEquals("lo", l.name());
        assertEquals(1, l.index());
        assertEquals(Link.ARPHRD_LOOPBACK, l.type());
        assertEquals(65536, l.mtu());
        assertTrue(l.isLoopback());
        assertEquals(Optional.empty(), l.kind());
        assertFalse(l.hardwareAddress().orElseThrow().isUnicastEthernet(), "00:00:00:00:00:00 is no frame source");
    }

    @Test
    void decodesAnIpv4AddressWithLabelAndExtendedFlags() {
        InterfaceAddress a = RtnlCodec.decodeAddress(message(Rtnetlink.RTM_NEWADDR, """
                02 20 80 00 01 00 00 00
                08 00 01 00 cb 00 71 0a
                08 00 02 00 cb 00 71 0a
                07 00 03 00 6c 6f 00 00
                08 00 08 00 80 00 00 00
                14 00 06 00 ff ff ff ff ff ff ff ff 10 00 00 00 10 00 00 00
                """)).orElseThrow();
        // ifaddrmsg AF_INET /32 IFA_F_PERMANENT scope universe index 1; IFA_ADDRESS, IFA_LOCAL,
        // IFA_LABEL "lo", IFA_FLAGS 0x80, IFA_CACHEINFO (ignored)
        assertEquals(new InterfaceAddress(1, InetAddress.ofLiteral("203.0.113.10"), 32, Rtnetlink.RT_SCOPE_UNIVERSE,
                Set.of(AddressFlag.IFA_F_PERMANENT), Optional.of("lo")), a);
        assertEquals("global", a.scopeName());
        assertTrue(a.isIpv4());
    }

    @Test
    void anIpv4PeerAddressIsNotTakenForTheLocalOne() {
        InterfaceAddress a = RtnlCodec.decodeAddress(message(Rtnetlink.RTM_NEWADDR, """
                02 20 80 00 05 00 00 00
                08 00 01 00 c6 33 64 02
                08 00 02 00 c6 33 64 01
                """)).orElseThrow();
        assertEquals(InetAddress.ofLiteral("198.51.100.1"), a.address());
    }

    @Test
    void decodesAnIpv6AddressWhoseFlagsAreOnlyInIfaFlags() {
        InterfaceAddress a = RtnlCodec.decodeAddress(message(Rtnetlink.RTM_NEWADDR, """
                0a 80 00 00 07 00 00 00
                14 00 01 00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 10
                08 00 08 00 82 02 00 00
                """)).orElseThrow();
        // the u8 ifa_flags is 0; IFA_FLAGS = NODAD | PERMANENT | NOPREFIXROUTE (0x282) wins
        assertEquals(Set.of(AddressFlag.IFA_F_NODAD, AddressFlag.IFA_F_PERMANENT, AddressFlag.IFA_F_NOPREFIXROUTE), a.flags());
        assertEquals(InetAddress.ofLiteral("2001:db8::10"), a.address());
        assertEquals(128, a.prefixLength());
        assertFalse(a.isTentative());
        assertEquals(Optional.empty(), a.label());
    }

    @Test
    void otherFamiliesAreSkippedAndMalformedRepliesAreProtocolErrors() {
        assertEquals(Optional.empty(), RtnlCodec.decodeAddress(message(Rtnetlink.RTM_NEWADDR, "07 00 00 00 01 00 00 00")));
        assertThrows(NetlinkProtocolException.class,
                () -> RtnlCodec.decodeAddress(message(Rtnetlink.RTM_NEWADDR, "02 20 00 00")));
        assertThrows(NetlinkProtocolException.class,
                () -> RtnlCodec.decodeAddress(message(Rtnetlink.RTM_NEWADDR, "02 21 00 00 01 00 00 00 08 00 02 00 cb 00 71 0a")));
        assertThrows(NetlinkProtocolException.class,
                () -> RtnlCodec.decodeAddress(message(Rtnetlink.RTM_NEWADDR, "0a 80 00 00 01 00 00 00 08 00 01 00 cb 00 71 0a")),
                "a 4-byte IFA_ADDRESS for IPv6");
        assertThrows(NetlinkProtocolException.class,
                () -> RtnlCodec.decodeLink(message(Rtnetlink.RTM_NEWLINK, "00 00 0100 07000000 43100100 00000000")),
                "IFLA_IFNAME missing");
        assertThrows(NetlinkProtocolException.class,
                () -> RtnlCodec.decodeLink(message(Rtnetlink.RTM_NEWADDR, "00 00 0100 07000000 43100100 00000000")),
                "wrong message type");
    }

    @Test
    void ipv6TextIsTheShortForm() {
        assertEquals("2001:db8::10", InetText.of(InetAddress.ofLiteral("2001:db8:0:0:0:0:0:10")));
        assertEquals("2001:db8:0:1::1", InetText.of(InetAddress.ofLiteral("2001:db8:0:1:0:0:0:1")));
        assertEquals("2001:db8::1:0:0:1", InetText.of(InetAddress.ofLiteral("2001:db8:0:0:1:0:0:1")));
        assertEquals("::", InetText.of(InetAddress.ofLiteral("::")));
        assertEquals("::1", InetText.of(InetAddress.ofLiteral("::1")));
        assertEquals("fe80::", InetText.of(InetAddress.ofLiteral("fe80::")));
        assertEquals("2001:db8:1:2:3:4:5:6", InetText.of(InetAddress.ofLiteral("2001:db8:1:2:3:4:5:6")));
        assertEquals("2001:0:1:2:3:4:5:6", InetText.of(InetAddress.ofLiteral("2001:0:1:2:3:4:5:6")));
        assertEquals("192.0.2.1", InetText.of(InetAddress.ofLiteral("192.0.2.1")));
    }

    @Test
    void prefixLengthsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new AddressOp.Add(LO, InetAddress.ofLiteral("192.0.2.1"), 33));
        assertThrows(IllegalArgumentException.class, () -> new AddressOp.Remove(LO, InetAddress.ofLiteral("2001:db8::1"), 129));
        assertEquals(128, AddressOp.Add.host(LO, InetAddress.ofLiteral("2001:db8::1")).prefixLength());
    }

    @Test
    void addingATunnelDeviceIsNewlinkThatCreatesOrFindsItAndSetsItUp() {
        NetlinkRequest r = RtnlCodec.addLink("tunl0", "ipip", true);
        assertEquals(Rtnetlink.RTM_NEWLINK, r.type());
        // NLM_F_CREATE without NLM_F_EXCL: an existing tunl0 (the module's fallback device) is found, not refused
        assertEquals(Netlink.NLM_F_CREATE, r.flags());
        assertArrayEquals(hex("""
                00 00 0000 | 00000000 | 01000000 | 01000000
                0a 00 03 00 | 74 75 6e 6c 30 00 | 00 00
                10 00 12 80 | 09 00 01 00 | 69 70 69 70 00 | 00 00 00
                """), r.payload(),
                // ifinfomsg: AF_UNSPEC, index 0, ifi_flags IFF_UP, ifi_change IFF_UP
                // IFLA_IFNAME (3) "tunl0"; IFLA_LINKINFO (18, nested) { IFLA_INFO_KIND (1) "ipip" }
                "payload");
        assertEquals("RTM_NEWLINK tunl0 (ipip, up)", r.description());
        assertThrows(IllegalArgumentException.class, () -> RtnlCodec.addLink("a-name-too-long0", "ipip", true));
    }

    @Test
    void settingALinkUpOrDownChangesOnlyIffUpAndDeletingNamesItsIndex() {
        NetlinkRequest down = RtnlCodec.setLinkUp(VETH, false);
        assertEquals(Rtnetlink.RTM_NEWLINK, down.type());
        assertEquals(0, down.flags());
        assertArrayEquals(hex("00 00 0000 | 07000000 | 00000000 | 01000000"), down.payload(),
                "index 7, ifi_flags 0 under the ifi_change mask IFF_UP: every other flag stays");
        assertEquals("RTM_NEWLINK veth0 (index 7) down", down.description());
        assertArrayEquals(hex("00 00 0000 | 07000000 | 01000000 | 01000000"), RtnlCodec.setLinkUp(VETH, true).payload());

        NetlinkRequest del = RtnlCodec.deleteLink(VETH);
        assertEquals(Rtnetlink.RTM_DELLINK, del.type());
        assertArrayEquals(hex("00 00 0000 | 07000000 | 00000000 | 00000000"), del.payload());
        assertEquals("RTM_DELLINK veth0 (index 7)", del.description());
    }

    @Test
    void theProtocolATunnelCarriesIsReadFromItsLinkInfoData() {
        NetlinkMessage ip6tnl0 = message(Rtnetlink.RTM_NEWLINK, """
                00 00 0103 | 04000000 | 80000000 | 00000000
                0c 00 03 00 | 69 70 36 74 6e 6c 30 00
                1c 00 12 00
                  0b 00 01 00 | 69 70 36 74 6e 6c 00 | 00
                  0c 00 02 80 | 05 00 09 00 | 29 00 00 00
                """);
        // ifinfomsg: ARPHRD_TUNNEL6 (769), index 4, IFF_NOARP; IFLA_IFNAME "ip6tnl0";
        // IFLA_LINKINFO { IFLA_INFO_KIND "ip6tnl", IFLA_INFO_DATA (nested) { IFLA_IPTUN_PROTO (9) u8 41 } }
        assertEquals(Optional.of(Rtnetlink.IPPROTO_IPV6), RtnlCodec.decodeTunnelProtocol(ip6tnl0));
        assertEquals(Optional.of("ip6tnl"), RtnlCodec.decodeLink(ip6tnl0).kind());
        assertEquals(Optional.empty(), RtnlCodec.decodeTunnelProtocol(message(Rtnetlink.RTM_NEWLINK, """
                00 00 0100 | 07000000 | 43100100 | 00000000
                0a 00 03 00 | 76 65 74 68 30 00 | 00 00
                """)), "a link without link info carries nothing");
    }
}
