package io.lvs.agent.kernel.fou;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.netlink.Netlink;
import io.lvs.agent.kernel.netlink.NetlinkMessage;
import io.lvs.agent.kernel.netlink.NetlinkProtocolException;
import io.lvs.agent.kernel.netlink.NetlinkRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The FOU family's requests and replies against byte layouts written out by hand from {@code <linux/fou.h>} and
 * {@code net/ipv4/fou_core.c} (parse_nl_config reads the port with nla_get_be16; fou_fill_info reports the family,
 * port, peer port, protocol, type, interface and both addresses of every port).
 */
class FouCodecTest {
    private static final int FAMILY = 0x1b;
    private final FouCodec codec = new FouCodec(FAMILY);

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("[\\s|]", ""));
    }

    private static NetlinkMessage reply(String payloadHex) {
        byte[] p = hex(payloadHex);
        ByteBuffer b = ByteBuffer.allocate(16 + p.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(16 + p.length).putShort((short) FAMILY).putShort((short) Netlink.NLM_F_MULTI).putInt(9).putInt(0).put(p).flip();
        List<NetlinkMessage> all = NetlinkMessage.parseAll(b);
        assertEquals(1, all.size());
        return all.getFirst();
    }

    @Test
    void openingAGuePortNamesItsPortInNetworkOrderItsFamilyAndItsType() {
        NetlinkRequest r = codec.add(FouPort.gue(6080, false));
        assertEquals(FAMILY, r.type());
        assertArrayEquals(hex("""
                01 01 00 00
                06 00 01 00 | 17 c0 | 00 00
                05 00 02 00 | 02 | 00 00 00
                05 00 04 00 | 02 | 00 00 00
                """), r.payload(),
                // genlmsghdr FOU_CMD_ADD, version 1; FOU_ATTR_PORT be16 6080; FOU_ATTR_AF AF_INET; FOU_ATTR_TYPE GUE
                "payload");
        assertEquals("FOU_CMD_ADD FOU port 6080 (IPv4, gue)", r.description());
    }

    @Test
    void closingAPortRepeatsWhatOpenedItAndADirectPortNamesItsProtocol() {
        assertArrayEquals(hex("""
                02 01 00 00
                06 00 01 00 | 17 c0 | 00 00
                05 00 02 00 | 0a | 00 00 00
                05 00 04 00 | 02 | 00 00 00
                """), codec.remove(FouPort.gue(6080, true)).payload(), "FOU_CMD_DEL, AF_INET6");
        assertArrayEquals(hex("""
                01 01 00 00
                06 00 01 00 | 15 b3 | 00 00
                05 00 02 00 | 02 | 00 00 00
                05 00 04 00 | 01 | 00 00 00
                05 00 03 00 | 04 | 00 00 00
                """), codec.add(new FouPort(5555, false, FouEncapsulation.DIRECT, 4, false)).payload(),
                "FOU_ENCAP_DIRECT carries FOU_ATTR_IPPROTO (IPIP)");
        assertArrayEquals(hex("03 01 00 00"), codec.dumpPorts().payload(), "FOU_CMD_GET, no attributes: every port");
        assertThrows(IllegalArgumentException.class, () -> codec.add(new FouPort(6080, false, FouEncapsulation.GUE, 0, true)),
                "a bound port is only ever listed");
    }

    @Test
    void aListedPortIsDecodedWithWhetherItTakesEveryDatagramToItsNumber() {
        FouPort plain = FouCodec.decodePort(reply("""
                03 01 00 00
                05 00 02 00 | 02 000000
                06 00 01 00 | 17 c0 0000
                06 00 0a 00 | 00 00 0000
                05 00 03 00 | 00 000000
                05 00 04 00 | 02 000000
                08 00 0b 00 | 00000000
                08 00 06 00 | 00000000
                08 00 08 00 | 00000000
                """));
        // what the kernel sends for `ip fou add port 6080 gue`: AF, PORT, PEER_PORT 0, IPPROTO 0, TYPE GUE,
        // IFINDEX 0, LOCAL_V4 0.0.0.0, PEER_V4 0.0.0.0
        assertEquals(FouPort.gue(6080, false), plain);
        assertTrue(plain.receivesGue());

        FouPort bound = FouCodec.decodePort(reply("""
                03 01 00 00
                05 00 02 00 | 02 000000
                06 00 01 00 | 17 c0 0000
                05 00 04 00 | 02 000000
                08 00 06 00 | c0 00 02 15
                """));
        assertTrue(bound.bound() && !bound.receivesGue(), "a port on 192.0.2.21 only: not every datagram to 6080");

        FouPort direct = FouCodec.decodePort(reply("""
                03 01 00 00
                05 00 02 00 | 0a 000000
                06 00 01 00 | 15 b3 0000
                05 00 03 00 | 29 000000
                05 00 04 00 | 01 000000
                """));
        assertEquals(new FouPort(5555, true, FouEncapsulation.DIRECT, 41, false), direct);
        assertFalse(direct.receivesGue());
        assertEquals("FOU port 5555 (IPv6, direct, IP protocol 41)", direct.toString());

        assertThrows(NetlinkProtocolException.class, () -> FouCodec.decodePort(reply("""
                03 01 00 00
                05 00 02 00 | 07 000000
                06 00 01 00 | 17 c0 0000
                """)), "neither AF_INET nor AF_INET6");
        assertThrows(NetlinkProtocolException.class, () -> FouCodec.decodePort(reply("""
                03 01 00 00
                06 00 01 00 | 17 c0 0000
                """)), "no family");
    }
}
