package io.lvs.agent.kernel.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lvs.agent.kernel.ipvs.reconcile.IpvsOp;
import io.lvs.agent.kernel.netlink.NetlinkRequest;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every IPVS request against a byte layout derived by hand from include/uapi/linux/ip_vs.h and what
 * ip_vs_ctl.c parses. Layout rules: struct nlattr is {u16 len, u16 type}, values padded to 4 bytes;
 * nests carry NLA_F_NESTED (0x8000); u16/u32 in host order (little endian here), ports and the IPv4
 * netmask big endian; addresses are a 16-byte union nf_inet_addr.
 */
class IpvsCodecRequestTest {
    /** Any id will do; the kernel assigns one at boot. */
    private static final int FAMILY = 0x21;
    private final IpvsCodec codec = new IpvsCodec(FAMILY);

    /** IPVS_CMD_ATTR_SERVICE naming TCP 192.0.2.10:80 by its identity only, as destination commands carry it. */
    private static final String WEB_IDENTITY = """
            30 00 01 80              # IPVS_CMD_ATTR_SERVICE | NLA_F_NESTED, len 48: identity only
            06 00 01 00 02 00 00 00  #   IPVS_SVC_ATTR_AF AF_INET
            06 00 02 00 06 00 00 00  #   IPVS_SVC_ATTR_PROTOCOL TCP
            14 00 03 00              #   IPVS_SVC_ATTR_ADDR 192.0.2.10
            c0 00 02 0a 00 00 00 00
            00 00 00 00 00 00 00 00
            06 00 04 00 00 50 00 00  #   IPVS_SVC_ATTR_PORT be16 80
            """;

    @BeforeAll
    static void littleEndianHost() {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN,
                "the expected layouts spell host-order fields little endian");
    }

    private static void assertLayout(String expectedHex, NetlinkRequest r) {
        assertEquals(Hex.dump(Hex.bytes(expectedHex)), Hex.dump(r.payload()), r.description());
        assertEquals(FAMILY, r.type());
    }

    @Test
    void aTcpServiceWithoutPersistenceCarriesAnAllOnesNetmaskAndZeroTimeout() {
        NetlinkRequest r = codec.newService(Service.of(ServiceKey.tcp("192.0.2.10", 80), Scheduler.RR));
        assertLayout("""
                01 01 00 00              # genlmsghdr: cmd IPVS_CMD_NEW_SERVICE (1), version 1, reserved 0
                54 00 01 80              # IPVS_CMD_ATTR_SERVICE | NLA_F_NESTED, len 84
                06 00 01 00 02 00 00 00  #   IPVS_SVC_ATTR_AF u16 AF_INET (2), 2 bytes pad
                06 00 02 00 06 00 00 00  #   IPVS_SVC_ATTR_PROTOCOL u16 IPPROTO_TCP (6)
                14 00 03 00              #   IPVS_SVC_ATTR_ADDR, 16 bytes of nf_inet_addr:
                c0 00 02 0a 00 00 00 00  #     192.0.2.10, then zeros
                00 00 00 00 00 00 00 00
                06 00 04 00 00 50 00 00  #   IPVS_SVC_ATTR_PORT be16 80
                07 00 06 00 72 72 00 00  #   IPVS_SVC_ATTR_SCHED_NAME "rr\\0", 1 byte pad
                0c 00 07 00              #   IPVS_SVC_ATTR_FLAGS struct ip_vs_flags:
                00 00 00 00 ff ff ff ff  #     flags 0, mask ~0
                08 00 08 00 00 00 00 00  #   IPVS_SVC_ATTR_TIMEOUT u32 0
                08 00 09 00 ff ff ff ff  #   IPVS_SVC_ATTR_NETMASK be32 255.255.255.255
                """, r);
        assertEquals("IPVS_CMD_NEW_SERVICE TCP 192.0.2.10:80 rr", r.description());
    }

    @Test
    void anIpv6PersistentShServiceSendsAPrefixLengthFlagsAndEngine() {
        Service s = Service.of(new ServiceKey.Inet(Protocol.UDP, Addresses.parse("2001:db8::1"), 53), Scheduler.SH)
                .withSchedulerFlags(EnumSet.of(SchedulerFlag.FALLBACK, SchedulerFlag.PORT))
                .withPersistence(new Persistence(Duration.ofSeconds(300), 64))
                .withOnePacket(true)
                .withPersistenceEngine("sip");
        NetlinkRequest r = codec.setService(s);
        assertLayout("""
                02 01 00 00              # genlmsghdr: cmd IPVS_CMD_SET_SERVICE (2), version 1
                5c 00 01 80              # IPVS_CMD_ATTR_SERVICE | NLA_F_NESTED, len 92
                06 00 01 00 0a 00 00 00  #   IPVS_SVC_ATTR_AF u16 AF_INET6 (10)
                06 00 02 00 11 00 00 00  #   IPVS_SVC_ATTR_PROTOCOL u16 IPPROTO_UDP (17)
                14 00 03 00              #   IPVS_SVC_ATTR_ADDR 2001:db8::1
                20 01 0d b8 00 00 00 00
                00 00 00 00 00 00 00 01
                06 00 04 00 00 35 00 00  #   IPVS_SVC_ATTR_PORT be16 53
                07 00 06 00 73 68 00 00  #   IPVS_SVC_ATTR_SCHED_NAME "sh\\0"
                08 00 0b 00 73 69 70 00  #   IPVS_SVC_ATTR_PE_NAME "sip\\0"
                0c 00 07 00              #   IPVS_SVC_ATTR_FLAGS
                1d 00 00 00 ff ff ff ff  #     PERSISTENT 0x1 | ONEPACKET 0x4 | SCHED1 0x8 | SCHED2 0x10, mask ~0
                08 00 08 00 2c 01 00 00  #   IPVS_SVC_ATTR_TIMEOUT u32 300
                08 00 09 00 40 00 00 00  #   IPVS_SVC_ATTR_NETMASK: IPv6 takes a host-order prefix length, 64
                """, r);
        assertEquals("IPVS_CMD_SET_SERVICE UDP [2001:db8::1]:53 sh (fallback,port) persistent 300 /64 ops pe sip",
                r.description());
    }

    @Test
    void anIpv4PersistenceNetmaskIsSentAsABigEndianMask() {
        Service s = Service.of(ServiceKey.tcp("192.0.2.10", 443), Scheduler.WLC)
                .withPersistence(new Persistence(Duration.ofSeconds(3600), 24));
        byte[] p = codec.newService(s).payload();
        // the last attribute of the nest: IPVS_SVC_ATTR_NETMASK be32 255.255.255.0
        assertEquals(Hex.dump(Hex.bytes("08 00 09 00 ff ff ff 00")), Hex.dump(java.util.Arrays.copyOfRange(p, p.length - 8, p.length)));
    }

    @Test
    void deletingAFirewallMarkServiceSendsOnlyItsIdentity() {
        NetlinkRequest r = codec.deleteService(new ServiceKey.FwMark(AddressFamily.INET6, 7));
        assertLayout("""
                03 01 00 00              # genlmsghdr: cmd IPVS_CMD_DEL_SERVICE (3)
                14 00 01 80              # IPVS_CMD_ATTR_SERVICE | NLA_F_NESTED, len 20
                06 00 01 00 0a 00 00 00  #   IPVS_SVC_ATTR_AF u16 AF_INET6
                08 00 05 00 07 00 00 00  #   IPVS_SVC_ATTR_FWMARK u32 7
                """, r);
        assertEquals("IPVS_CMD_DEL_SERVICE FWM 7 IPv6", r.description());
    }

    @Test
    void addingADirectRoutingDestinationNamesItAndItsService() {
        NetlinkRequest r = codec.newDestination(ServiceKey.tcp("192.0.2.10", 80),
                Destination.of("192.0.2.21", 80, ForwardingMethod.DROUTE));
        assertLayout("""
                05 01 00 00              # genlmsghdr: cmd IPVS_CMD_NEW_DEST (5)
                """ + WEB_IDENTITY + """
                60 00 02 80              # IPVS_CMD_ATTR_DEST | NLA_F_NESTED, len 96
                14 00 01 00              #   IPVS_DEST_ATTR_ADDR 192.0.2.21
                c0 00 02 15 00 00 00 00
                00 00 00 00 00 00 00 00
                06 00 02 00 00 50 00 00  #   IPVS_DEST_ATTR_PORT be16 80
                06 00 0b 00 02 00 00 00  #   IPVS_DEST_ATTR_ADDR_FAMILY u16 AF_INET
                08 00 03 00 03 00 00 00  #   IPVS_DEST_ATTR_FWD_METHOD u32 IP_VS_CONN_F_DROUTE (3)
                08 00 04 00 01 00 00 00  #   IPVS_DEST_ATTR_WEIGHT u32 1
                08 00 05 00 00 00 00 00  #   IPVS_DEST_ATTR_U_THRESH u32 0
                08 00 06 00 00 00 00 00  #   IPVS_DEST_ATTR_L_THRESH u32 0
                05 00 0d 00 00 00 00 00  #   IPVS_DEST_ATTR_TUN_TYPE u8 IPIP (0), 3 bytes pad
                06 00 0e 00 00 00 00 00  #   IPVS_DEST_ATTR_TUN_PORT be16 0
                06 00 0f 00 00 00 00 00  #   IPVS_DEST_ATTR_TUN_FLAGS u16 NOCSUM
                """, r);
        assertEquals("IPVS_CMD_NEW_DEST 192.0.2.21:80 -> TCP 192.0.2.10:80 (192.0.2.21:80 Route weight 1)", r.description());
    }

    @Test
    void editingAGueTunnelDestinationCarriesPortChecksumWeightAndThresholds() {
        Destination d = Destination.tunnel("198.51.100.7", 80, new Tunnel.Gue(6080, TunnelChecksum.REMCSUM))
                .withWeight(3).withThresholds(1000, 900);
        NetlinkRequest r = codec.setDestination(ServiceKey.tcp("192.0.2.10", 80), d);
        byte[] p = r.payload();
        assertLayout("""
                06 01 00 00              # genlmsghdr: cmd IPVS_CMD_SET_DEST (6)
                """ + WEB_IDENTITY + """
                60 00 02 80              # IPVS_CMD_ATTR_DEST, len 96
                14 00 01 00              #   IPVS_DEST_ATTR_ADDR 198.51.100.7
                c6 33 64 07 00 00 00 00
                00 00 00 00 00 00 00 00
                06 00 02 00 00 50 00 00  #   IPVS_DEST_ATTR_PORT be16 80
                06 00 0b 00 02 00 00 00  #   IPVS_DEST_ATTR_ADDR_FAMILY AF_INET
                08 00 03 00 02 00 00 00  #   IPVS_DEST_ATTR_FWD_METHOD IP_VS_CONN_F_TUNNEL (2)
                08 00 04 00 03 00 00 00  #   IPVS_DEST_ATTR_WEIGHT 3
                08 00 05 00 e8 03 00 00  #   IPVS_DEST_ATTR_U_THRESH 1000
                08 00 06 00 84 03 00 00  #   IPVS_DEST_ATTR_L_THRESH 900
                05 00 0d 00 01 00 00 00  #   IPVS_DEST_ATTR_TUN_TYPE GUE (1)
                06 00 0e 00 17 c0 00 00  #   IPVS_DEST_ATTR_TUN_PORT be16 6080
                06 00 0f 00 02 00 00 00  #   IPVS_DEST_ATTR_TUN_FLAGS REMCSUM (2)
                """, r);
        assertEquals(4 + 48 + 96, p.length);
    }

    @Test
    void aGreTunnelToAnIpv6RealServerCarriesItsOwnFamily() {
        Destination d = Destination.tunnel("2001:db8::21", 0, new Tunnel.Gre(TunnelChecksum.CSUM));
        byte[] p = codec.newDestination(ServiceKey.tcp("192.0.2.10", 80), d).payload();
        // IPVS_CMD_ATTR_DEST starts after genlmsghdr (4) and the service nest (48)
        assertLayout("""
                05 01 00 00
                """ + WEB_IDENTITY + """
                60 00 02 80              # IPVS_CMD_ATTR_DEST
                14 00 01 00              #   IPVS_DEST_ATTR_ADDR 2001:db8::21
                20 01 0d b8 00 00 00 00
                00 00 00 00 00 00 00 21
                06 00 02 00 00 00 00 00  #   IPVS_DEST_ATTR_PORT 0
                06 00 0b 00 0a 00 00 00  #   IPVS_DEST_ATTR_ADDR_FAMILY AF_INET6: differs from the service's
                08 00 03 00 02 00 00 00  #   TUNNEL
                08 00 04 00 01 00 00 00  #   weight 1
                08 00 05 00 00 00 00 00
                08 00 06 00 00 00 00 00
                05 00 0d 00 02 00 00 00  #   IPVS_DEST_ATTR_TUN_TYPE GRE (2)
                06 00 0e 00 00 00 00 00
                06 00 0f 00 01 00 00 00  #   IPVS_DEST_ATTR_TUN_FLAGS CSUM (1)
                """, codec.newDestination(ServiceKey.tcp("192.0.2.10", 80), d));
        assertEquals(4 + 48 + 96, p.length);
    }

    @Test
    void deletingADestinationSendsOnlyBothIdentities() {
        NetlinkRequest r = codec.deleteDestination(ServiceKey.tcp("192.0.2.10", 80), DestinationKey.of("192.0.2.21", 80));
        assertLayout("""
                07 01 00 00              # genlmsghdr: cmd IPVS_CMD_DEL_DEST (7)
                """ + WEB_IDENTITY + """
                28 00 02 80              # IPVS_CMD_ATTR_DEST, len 40: address, port, family
                14 00 01 00
                c0 00 02 15 00 00 00 00
                00 00 00 00 00 00 00 00
                06 00 02 00 00 50 00 00
                06 00 0b 00 02 00 00 00
                """, r);
        assertEquals("IPVS_CMD_DEL_DEST 192.0.2.21:80 -> TCP 192.0.2.10:80", r.description());
    }

    @Test
    void dumpsAndGetsCarryTheirCommandAndOnlyWhatSelectsThem() {
        assertLayout("04 01 00 00  # IPVS_CMD_GET_SERVICE, nothing else (sent with NLM_F_DUMP)", codec.dumpServices());
        assertLayout("0f 01 00 00  # IPVS_CMD_GET_INFO", codec.getInfo());
        assertLayout("0d 01 00 00  # IPVS_CMD_GET_CONFIG", codec.getConfig());
        assertLayout("0b 01 00 00  # IPVS_CMD_GET_DAEMON", codec.dumpDaemons());
        assertLayout("""
                08 01 00 00              # IPVS_CMD_GET_DEST
                14 00 01 80              # IPVS_CMD_ATTR_SERVICE: the service whose destinations to list
                06 00 01 00 02 00 00 00  #   AF_INET
                08 00 05 00 05 00 00 00  #   IPVS_SVC_ATTR_FWMARK 5
                """, codec.dumpDestinations(new ServiceKey.FwMark(AddressFamily.INET, 5)));
        assertEquals("IPVS_CMD_GET_DEST of FWM 5 IPv4", codec.dumpDestinations(new ServiceKey.FwMark(AddressFamily.INET, 5)).description());
    }

    @Test
    void timeoutsAreThreeTopLevelU32Seconds() {
        assertLayout("""
                0c 01 00 00              # IPVS_CMD_SET_CONFIG (12)
                08 00 04 00 84 03 00 00  # IPVS_CMD_ATTR_TIMEOUT_TCP 900
                08 00 05 00 78 00 00 00  # IPVS_CMD_ATTR_TIMEOUT_TCP_FIN 120
                08 00 06 00 2c 01 00 00  # IPVS_CMD_ATTR_TIMEOUT_UDP 300
                """, codec.setConfig(Timeouts.ofSeconds(900, 120, 300)));
    }

    @Test
    void aSyncDaemonStartCarriesStateInterfaceIdAndOptions() {
        SyncDaemon d = new SyncDaemon(SyncState.BACKUP, "eth0", 9, OptionalInt.of(1400),
                Optional.of(Addresses.parse("239.1.2.3")), OptionalInt.of(8848), OptionalInt.of(2));
        assertLayout("""
                09 01 00 00              # IPVS_CMD_NEW_DAEMON (9)
                40 00 03 80              # IPVS_CMD_ATTR_DAEMON | NLA_F_NESTED, len 64
                08 00 01 00 02 00 00 00  #   IPVS_DAEMON_ATTR_STATE u32 IP_VS_STATE_BACKUP
                09 00 02 00 65 74 68 30  #   IPVS_DAEMON_ATTR_MCAST_IFN "eth0\\0", 3 bytes pad
                00 00 00 00
                08 00 03 00 09 00 00 00  #   IPVS_DAEMON_ATTR_SYNC_ID u32 9
                06 00 04 00 78 05 00 00  #   IPVS_DAEMON_ATTR_SYNC_MAXLEN u16 1400
                08 00 05 00 ef 01 02 03  #   IPVS_DAEMON_ATTR_MCAST_GROUP in_addr 239.1.2.3
                06 00 07 00 90 22 00 00  #   IPVS_DAEMON_ATTR_MCAST_PORT u16 8848 (host order, as ip_vs_ctl.c reads it)
                05 00 08 00 02 00 00 00  #   IPVS_DAEMON_ATTR_MCAST_TTL u8 2
                """, codec.newDaemon(d));
        assertLayout("""
                0a 01 00 00              # IPVS_CMD_DEL_DAEMON (10)
                0c 00 03 80              # IPVS_CMD_ATTR_DAEMON
                08 00 01 00 01 00 00 00  #   IPVS_DAEMON_ATTR_STATE IP_VS_STATE_MASTER
                """, codec.deleteDaemon(SyncState.MASTER));
    }

    @Test
    void eachPlannedOperationBecomesExactlyItsCommand() {
        ServiceKey k = ServiceKey.tcp("192.0.2.10", 80);
        Destination d = Destination.of("192.0.2.21", 80, ForwardingMethod.MASQ);
        Service s = Service.of(k, Scheduler.WRR);
        assertEquals(1, codec.request(new IpvsOp.AddService(s)).payload()[0]);
        assertEquals(2, codec.request(new IpvsOp.UpdateService(s)).payload()[0]);
        assertEquals(3, codec.request(new IpvsOp.DeleteService(k)).payload()[0]);
        assertEquals(5, codec.request(new IpvsOp.AddDestination(k, d)).payload()[0]);
        assertEquals(6, codec.request(new IpvsOp.UpdateDestination(k, d)).payload()[0]);
        assertEquals(7, codec.request(new IpvsOp.DeleteDestination(k, d.key())).payload()[0]);
    }
}
