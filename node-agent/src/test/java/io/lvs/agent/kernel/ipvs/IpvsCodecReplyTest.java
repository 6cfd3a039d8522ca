package io.lvs.agent.kernel.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.netlink.NetlinkMessage;
import io.lvs.agent.kernel.netlink.NetlinkProtocolException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replies built by hand the way ip_vs_ctl.c fills them (ip_vs_genl_fill_service, _fill_dest,
 * _fill_daemon, the GET_INFO and GET_CONFIG replies): nests without NLA_F_NESTED, the
 * IP_VS_SVC_F_HASHED flag set, STATS next to STATS64.
 */
class IpvsCodecReplyTest {

    @BeforeAll
    static void littleEndianHost() {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN,
                "the replies spell host-order fields little endian");
    }

    /** Wraps a generic netlink payload in the nlmsghdr a dump part carries (type = family, NLM_F_MULTI). */
    static NetlinkMessage reply(String genlHex) {
        byte[] payload = Hex.bytes(genlHex);
        ByteBuffer b = ByteBuffer.allocate(16 + payload.length).order(ByteOrder.nativeOrder());
        b.putInt(16 + payload.length).putShort((short) 0x21).putShort((short) 0x2).putInt(77).putInt(4242).put(payload).flip();
        List<NetlinkMessage> all = NetlinkMessage.parseAll(b);
        assertEquals(1, all.size());
        return all.get(0);
    }

    static final String PERSISTENT_TCP_SERVICE = """
            01 01 00 00              # genlmsghdr: IPVS_CMD_NEW_SERVICE, version 1
            30 01 01 00              # IPVS_CMD_ATTR_SERVICE, len 304 (no NLA_F_NESTED from the kernel)
            06 00 01 00 02 00 00 00  #   IPVS_SVC_ATTR_AF AF_INET
            06 00 02 00 06 00 00 00  #   IPVS_SVC_ATTR_PROTOCOL TCP
            14 00 03 00              #   IPVS_SVC_ATTR_ADDR 192.0.2.10
            c0 00 02 0a 00 00 00 00
            00 00 00 00 00 00 00 00
            06 00 04 00 01 bb 00 00  #   IPVS_SVC_ATTR_PORT be16 443
            08 00 06 00 77 6c 63 00  #   IPVS_SVC_ATTR_SCHED_NAME "wlc"
            0c 00 07 00              #   IPVS_SVC_ATTR_FLAGS
            03 00 00 00 ff ff ff ff  #     PERSISTENT | HASHED (kernel-internal), mask ~0
            08 00 08 00 2c 01 00 00  #   IPVS_SVC_ATTR_TIMEOUT 300 s
            08 00 09 00 ff ff ff 00  #   IPVS_SVC_ATTR_NETMASK be32 255.255.255.0
            5c 00 0a 00              #   IPVS_SVC_ATTR_STATS (struct ip_vs_stats_user widths), len 92
            08 00 01 00 01 00 00 00  #     CONNS u32 1 (stale 32-bit copy: STATS64 wins)
            08 00 02 00 01 00 00 00  #     INPKTS
            08 00 03 00 01 00 00 00  #     OUTPKTS
            0c 00 04 00 01 00 00 00  #     INBYTES u64
            00 00 00 00
            0c 00 05 00 01 00 00 00  #     OUTBYTES u64
            00 00 00 00
            08 00 06 00 01 00 00 00  #     CPS
            08 00 07 00 01 00 00 00  #     INPPS
            08 00 08 00 01 00 00 00  #     OUTPPS
            08 00 09 00 01 00 00 00  #     INBPS
            08 00 0a 00 01 00 00 00  #     OUTBPS
            80 00 0c 00              #   IPVS_SVC_ATTR_STATS64, len 128
            04 00 0b 00              #     IPVS_STATS_ATTR_PAD (alignment filler, ignored)
            0c 00 01 00 07 00 00 00  #     CONNS 7
            00 00 00 00
            0c 00 02 00 46 00 00 00  #     INPKTS 70
            00 00 00 00
            0c 00 03 00 00 00 00 00  #     OUTPKTS 0
            00 00 00 00
            0c 00 04 00 00 f2 05 2a  #     INBYTES 5000000000 (beyond 32 bits)
            01 00 00 00
            0c 00 05 00 00 00 00 00  #     OUTBYTES 0
            00 00 00 00
            0c 00 06 00 01 00 00 00  #     CPS 1
            00 00 00 00
            0c 00 07 00 02 00 00 00  #     INPPS 2
            00 00 00 00
            0c 00 08 00 00 00 00 00  #     OUTPPS 0
            00 00 00 00
            0c 00 09 00 2c 01 00 00  #     INBPS 300
            00 00 00 00
            0c 00 0a 00 00 00 00 00  #     OUTBPS 0
            00 00 00 00
            """;

    static final String GUE_DESTINATION = """
            05 01 00 00              # genlmsghdr: IPVS_CMD_NEW_DEST
            d4 00 02 00              # IPVS_CMD_ATTR_DEST, len 212
            14 00 01 00              #   IPVS_DEST_ATTR_ADDR 198.51.100.7
            c6 33 64 07 00 00 00 00
            00 00 00 00 00 00 00 00
            06 00 02 00 01 bb 00 00  #   IPVS_DEST_ATTR_PORT 443
            08 00 03 00 02 00 00 00  #   IPVS_DEST_ATTR_FWD_METHOD TUNNEL
            08 00 04 00 05 00 00 00  #   IPVS_DEST_ATTR_WEIGHT 5
            05 00 0d 00 01 00 00 00  #   IPVS_DEST_ATTR_TUN_TYPE GUE
            06 00 0e 00 17 c0 00 00  #   IPVS_DEST_ATTR_TUN_PORT be16 6080
            06 00 0f 00 01 00 00 00  #   IPVS_DEST_ATTR_TUN_FLAGS CSUM
            08 00 05 00 64 00 00 00  #   IPVS_DEST_ATTR_U_THRESH 100
            08 00 06 00 32 00 00 00  #   IPVS_DEST_ATTR_L_THRESH 50
            08 00 07 00 0c 00 00 00  #   IPVS_DEST_ATTR_ACTIVE_CONNS 12
            08 00 08 00 03 00 00 00  #   IPVS_DEST_ATTR_INACT_CONNS 3
            08 00 09 00 02 00 00 00  #   IPVS_DEST_ATTR_PERSIST_CONNS 2
            06 00 0b 00 02 00 00 00  #   IPVS_DEST_ATTR_ADDR_FAMILY AF_INET
            5c 00 0a 00              #   IPVS_DEST_ATTR_STATS only (a kernel before STATS64)
            08 00 01 00 0f 00 00 00  #     CONNS 15
            08 00 02 00 e8 03 00 00  #     INPKTS 1000
            08 00 03 00 00 00 00 00  #     OUTPKTS 0
            0c 00 04 00 40 42 0f 00  #     INBYTES 1000000
            00 00 00 00
            0c 00 05 00 00 00 00 00  #     OUTBYTES 0
            00 00 00 00
            08 00 06 00 ff ff ff ff  #     CPS 4294967295 (u32, unsigned)
            08 00 07 00 00 00 00 00
            08 00 08 00 00 00 00 00
            08 00 09 00 00 00 00 00
            08 00 0a 00 00 00 00 00
            """;

    @Test
    void aPersistentServiceReadsBackWithoutTheKernelsHashedFlagAndWith64BitStats() {
        ServiceEntry e = IpvsCodec.decodeService(reply(PERSISTENT_TCP_SERVICE));
        assertEquals(Service.of(ServiceKey.tcp("192.0.2.10", 443), Scheduler.WLC)
                .withPersistence(new Persistence(Duration.ofSeconds(300), 24)), e.service());
        assertEquals(new Stats(7, 70, 0, 5_000_000_000L, 0, 1, 2, 0, 300, 0), e.stats());
    }

    @Test
    void anIpv6FirewallMarkServiceWithMhFlagsAndNoStats() {
        ServiceEntry e = IpvsCodec.decodeService(reply("""
                01 01 00 00              # IPVS_CMD_NEW_SERVICE
                40 00 01 00              # IPVS_CMD_ATTR_SERVICE, len 64
                06 00 01 00 0a 00 00 00  #   AF_INET6
                08 00 05 00 2a 00 00 00  #   IPVS_SVC_ATTR_FWMARK 42
                07 00 06 00 6d 68 00 00  #   SCHED_NAME "mh"
                0c 00 07 00              #   FLAGS: HASHED | SCHED1 | SCHED2 | ONEPACKET
                1e 00 00 00 ff ff ff ff
                08 00 08 00 00 00 00 00  #   TIMEOUT 0
                08 00 09 00 80 00 00 00  #   NETMASK: prefix length 128, host order
                08 00 0b 00 73 69 70 00  #   IPVS_SVC_ATTR_PE_NAME "sip"
                """));
        Service expected = Service.of(new ServiceKey.FwMark(AddressFamily.INET6, 42), Scheduler.MH)
                .withSchedulerFlags(EnumSet.of(SchedulerFlag.FALLBACK, SchedulerFlag.PORT))
                .withOnePacket(true).withPersistenceEngine("sip");
        assertEquals(expected, e.service());
        assertEquals(Stats.ZERO, e.stats());
    }

    @Test
    void aGueDestinationReadsBackWithConnectionsAnd32BitStats() {
        DestinationEntry e = IpvsCodec.decodeDestination(reply(GUE_DESTINATION), AddressFamily.INET);
        assertEquals(Destination.tunnel("198.51.100.7", 443, new Tunnel.Gue(6080, TunnelChecksum.CSUM))
                .withWeight(5).withThresholds(100, 50), e.destination());
        assertEquals(12, e.activeConnections());
        assertEquals(3, e.inactiveConnections());
        assertEquals(2, e.persistentConnections());
        assertEquals(new Stats(15, 1000, 0, 1_000_000, 0, 4_294_967_295L, 0, 0, 0, 0), e.stats());
    }

    @Test
    void aDestinationWithoutAddressFamilyTakesItsServicesFamily() {
        DestinationEntry e = IpvsCodec.decodeDestination(reply("""
                05 01 00 00              # IPVS_CMD_NEW_DEST from a kernel before 4.0
                58 00 02 00              # IPVS_CMD_ATTR_DEST, len 88
                14 00 01 00              #   ADDR 2001:db8::21
                20 01 0d b8 00 00 00 00
                00 00 00 00 00 00 00 21
                06 00 02 00 00 50 00 00  #   PORT 80
                08 00 03 00 00 00 00 00  #   FWD_METHOD MASQ
                08 00 04 00 01 00 00 00  #   WEIGHT 1
                08 00 05 00 00 00 00 00  #   U_THRESH
                08 00 06 00 00 00 00 00  #   L_THRESH
                08 00 07 00 00 00 00 00  #   ACTIVE_CONNS
                08 00 08 00 00 00 00 00  #   INACT_CONNS
                08 00 09 00 00 00 00 00  #   PERSIST_CONNS
                """), AddressFamily.INET6);
        assertEquals(Destination.of("2001:db8::21", 80, ForwardingMethod.MASQ), e.destination());
    }

    @Test
    void infoTimeoutsAndDaemons() {
        Info info = IpvsCodec.decodeInfo(reply("""
                0e 01 00 00              # IPVS_CMD_SET_INFO (the GET_INFO reply)
                08 00 01 00 01 02 01 00  # IPVS_INFO_ATTR_VERSION 0x010201
                08 00 02 00 00 10 00 00  # IPVS_INFO_ATTR_CONN_TAB_SIZE 4096
                """));
        assertEquals("1.2.1", info.versionText());
        assertEquals(4096, info.connectionTableSize());

        assertEquals(Timeouts.ofSeconds(900, 120, 300), IpvsCodec.decodeTimeouts(reply("""
                0c 01 00 00              # IPVS_CMD_SET_CONFIG (the GET_CONFIG reply)
                08 00 04 00 84 03 00 00  # TIMEOUT_TCP 900
                08 00 05 00 78 00 00 00  # TIMEOUT_TCP_FIN 120
                08 00 06 00 2c 01 00 00  # TIMEOUT_UDP 300
                """)));

        SyncDaemon d = IpvsCodec.decodeDaemon(reply("""
                09 01 00 00              # IPVS_CMD_NEW_DAEMON (a GET_DAEMON dump part)
                40 00 03 00              # IPVS_CMD_ATTR_DAEMON, len 64
                08 00 01 00 01 00 00 00  #   STATE MASTER
                09 00 02 00 65 74 68 30  #   MCAST_IFN "eth0"
                00 00 00 00
                08 00 03 00 09 00 00 00  #   SYNC_ID 9
                06 00 04 00 c0 05 00 00  #   SYNC_MAXLEN 1472
                06 00 07 00 90 22 00 00  #   MCAST_PORT 8848
                05 00 08 00 01 00 00 00  #   MCAST_TTL 1
                08 00 05 00 e0 00 00 51  #   MCAST_GROUP 224.0.0.81
                """));
        assertEquals(new SyncDaemon(SyncState.MASTER, "eth0", 9, OptionalInt.of(1472),
                Optional.of(Addresses.parse("224.0.0.81")), OptionalInt.of(8848), OptionalInt.of(1)), d);
    }

    @Test
    void aReplyWithAnotherCommandIsAProtocolError() {
        NetlinkProtocolException e = assertThrows(NetlinkProtocolException.class,
                () -> IpvsCodec.decodeDestination(reply(PERSISTENT_TCP_SERVICE), AddressFamily.INET));
        assertTrue(e.getMessage().contains("command 1, expected 5"), e.getMessage());
    }

    @Test
    void malformedServiceAttributesAreProtocolErrorsNamingTheAttribute() {
        String shortFlags = PERSISTENT_TCP_SERVICE.replace("0c 00 07 00              #   IPVS_SVC_ATTR_FLAGS\n",
                "08 00 07 00 #\n").replace("03 00 00 00 ff ff ff ff  #     PERSISTENT", "03 00 00 00 #")
                .replace("30 01 01 00", "2c 01 01 00");
        NetlinkProtocolException e = assertThrows(NetlinkProtocolException.class, () -> IpvsCodec.decodeService(reply(shortFlags)));
        assertTrue(e.getMessage().contains("IPVS_SVC_ATTR_FLAGS has 4 bytes"), e.getMessage());

        String unknownScheduler = PERSISTENT_TCP_SERVICE.replace("77 6c 63 00", "78 79 7a 00");
        e = assertThrows(NetlinkProtocolException.class, () -> IpvsCodec.decodeService(reply(unknownScheduler)));
        assertTrue(e.getMessage().contains("scheduler 'xyz'"), e.getMessage());

        String badFamily = PERSISTENT_TCP_SERVICE.replace("06 00 01 00 02 00 00 00  #   IPVS_SVC_ATTR_AF", "06 00 01 00 07 00 00 00  #");
        e = assertThrows(NetlinkProtocolException.class, () -> IpvsCodec.decodeService(reply(badFamily)));
        assertTrue(e.getMessage().contains("address family 7"), e.getMessage());
    }

    @Test
    void valuesTheRecordsRefuseBecomeProtocolErrors() {
        String gueWithoutPort = GUE_DESTINATION.replace("06 00 0e 00 17 c0 00 00", "06 00 0e 00 00 00 00 00");
        NetlinkProtocolException e = assertThrows(NetlinkProtocolException.class,
                () -> IpvsCodec.decodeDestination(reply(gueWithoutPort), AddressFamily.INET));
        assertTrue(e.getMessage().contains("GUE port 0"), e.getMessage());
        assertTrue(e.getMessage().startsWith("IPVS destination/IPVS_CMD_ATTR_DEST"), e.getMessage());
    }
}
