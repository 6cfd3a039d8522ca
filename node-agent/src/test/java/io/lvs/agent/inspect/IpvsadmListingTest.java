package io.lvs.agent.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lvs.agent.inspect.IpvsadmListing.Layout;
import io.lvs.agent.kernel.ipvs.AddressFamily;
import io.lvs.agent.kernel.ipvs.Addresses;
import io.lvs.agent.kernel.ipvs.Destination;
import io.lvs.agent.kernel.ipvs.DestinationEntry;
import io.lvs.agent.kernel.ipvs.ForwardingMethod;
import io.lvs.agent.kernel.ipvs.Info;
import io.lvs.agent.kernel.ipvs.Persistence;
import io.lvs.agent.kernel.ipvs.Protocol;
import io.lvs.agent.kernel.ipvs.Scheduler;
import io.lvs.agent.kernel.ipvs.SchedulerFlag;
import io.lvs.agent.kernel.ipvs.Service;
import io.lvs.agent.kernel.ipvs.ServiceEntry;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.Stats;
import io.lvs.agent.kernel.ipvs.SyncDaemon;
import io.lvs.agent.kernel.ipvs.SyncState;
import io.lvs.agent.kernel.ipvs.Timeouts;
import io.lvs.agent.kernel.ipvs.Tunnel;
import io.lvs.agent.kernel.ipvs.TunnelChecksum;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The IPVS table in ipvsadm 1.31's layouts, from values built by hand. The expected text is what
 * ipvsadm prints for the same kernel state (its format strings, checked against its real output in the
 * guest scenarios' logs), less the blanks ipvsadm leaves at the end of destination lines.
 */
class IpvsadmListingTest {

    /** A director with DR, NAT and tunnel services, persistence, one-packet, a persistence engine, IPv6 and marks. */
    static final List<ServiceListing> DIRECTOR = List.of(
            listing(Service.of(new ServiceKey.FwMark(AddressFamily.INET6, 2), Scheduler.SH)
                            .withSchedulerFlags(Set.of(SchedulerFlag.PORT, SchedulerFlag.FALLBACK)),
                    dest(Destination.of("2001:db8::21", 0, ForwardingMethod.DROUTE))),
            listing(Service.of(ServiceKey.tcp("192.0.2.10", 80), Scheduler.RR),
                    dest(Destination.of("192.0.2.22", 80, ForwardingMethod.DROUTE).withWeight(3), 2, 5),
                    dest(Destination.of("192.0.2.21", 80, ForwardingMethod.DROUTE), 10, 0)),
            listing(Service.of(ServiceKey.udp("192.0.2.10", 53), Scheduler.WLC).withOnePacket(true),
                    dest(Destination.of("198.51.100.1", 53, ForwardingMethod.MASQ))),
            listing(Service.of(ServiceKey.tcp("2001:db8::10", 443), Scheduler.RR)
                            .withPersistence(new Persistence(Duration.ofSeconds(300), 64)),
                    dest(Destination.of("2001:db8::22", 443, ForwardingMethod.MASQ)),
                    dest(Destination.of("2001:db8::21", 443, ForwardingMethod.DROUTE).withWeight(3))),
            listing(Service.of(ServiceKey.tcp("192.0.2.12", 443), Scheduler.WLC)
                            .withPersistence(new Persistence(Duration.ofSeconds(600), 24)),
                    dest(Destination.of("192.0.2.21", 443, ForwardingMethod.DROUTE))),
            listing(Service.of(new ServiceKey.FwMark(AddressFamily.INET, 1), Scheduler.RR),
                    dest(Destination.of("192.0.2.21", 0, ForwardingMethod.DROUTE))),
            listing(Service.of(ServiceKey.udp("192.0.2.13", 5060), Scheduler.RR)
                            .withPersistence(Persistence.perClient(Duration.ofSeconds(60), AddressFamily.INET))
                            .withPersistenceEngine("sip"),
                    dest(Destination.of("198.51.100.1", 5060, ForwardingMethod.MASQ))),
            listing(Service.of(new ServiceKey.Inet(Protocol.SCTP, Addresses.parse("192.0.2.14"), 3868), Scheduler.RR),
                    dest(Destination.of("198.51.100.3", 3868, ForwardingMethod.MASQ))),
            listing(Service.of(ServiceKey.tcp("192.0.2.11", 80), Scheduler.RR),
                    dest(Destination.tunnel("203.0.113.2", 80, new Tunnel.Gue(6080, TunnelChecksum.NONE))),
                    dest(Destination.tunnel("203.0.113.1", 80, Tunnel.IPIP)),
                    dest(Destination.tunnel("203.0.113.4", 80, new Tunnel.Gue(6082, TunnelChecksum.REMCSUM))),
                    dest(Destination.tunnel("203.0.113.6", 80, new Tunnel.Gre(TunnelChecksum.CSUM)))));

    @Test
    void aDirectorsTableIsListedAsIpvsadmLnListsItSortedTheSameWay() {
        assertListing("""
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                TCP  192.0.2.10:80 rr
                  -> 192.0.2.21:80                Route   1      10         0
                  -> 192.0.2.22:80                Route   3      2          5
                TCP  192.0.2.11:80 rr
                  -> 203.0.113.1:80               Tunnel  1      0          0
                  -> 203.0.113.2:80               Tunnel  1      0          0
                  -> 203.0.113.4:80               Tunnel  1      0          0
                  -> 203.0.113.6:80               Tunnel  1      0          0
                TCP  192.0.2.12:443 wlc persistent 600 mask 255.255.255.0
                  -> 192.0.2.21:443               Route   1      0          0
                UDP  192.0.2.10:53 wlc ops
                  -> 198.51.100.1:53              Masq    1      0          0
                UDP  192.0.2.13:5060 rr persistent 60 pe sip
                  -> 198.51.100.1:5060            Masq    1      0          0
                SCTP 192.0.2.14:3868 rr
                  -> 198.51.100.3:3868            Masq    1      0          0
                TCP  [2001:db8::10]:443 rr persistent 300 mask 64
                  -> [2001:db8::21]:443           Route   3      0          0
                  -> [2001:db8::22]:443           Masq    1      0          0
                FWM  1 rr
                  -> 192.0.2.21:0                 Route   1      0          0
                FWM  2 IPv6 sh (sh-fallback,sh-port)
                  -> [2001:db8::21]:0             Route   1      0          0
                """, IpvsadmListing.table(DIRECTOR, Layout.DEFAULT));
    }

    @Test
    void tunnelInfoShowsEachEncapsulationAndNaForOtherMethods() {
        List<String> lines = IpvsadmListing.table(DIRECTOR, Layout.TUN_INFO);
        assertListing("""
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn
                TCP  192.0.2.10:80 rr
                  -> 192.0.2.21:80                Route   n/a           1      10         0
                  -> 192.0.2.22:80                Route   n/a           3      2          5
                TCP  192.0.2.11:80 rr
                  -> 203.0.113.1:80               Tunnel  ipip          1      0          0
                  -> 203.0.113.2:80               Tunnel  gue:6080:-c   1      0          0
                  -> 203.0.113.4:80               Tunnel  gue:6082:r+c  1      0          0
                  -> 203.0.113.6:80               Tunnel  gre:+c        1      0          0
                """, lines.subList(0, 10));
    }

    @Test
    void thresholdsAndPersistentConnectionsHaveTheirOwnColumns() {
        List<ServiceListing> services = List.of(listing(Service.of(ServiceKey.tcp("192.0.2.15", 80), Scheduler.LC),
                new DestinationEntry(Destination.of("192.0.2.21", 80, ForwardingMethod.DROUTE).withThresholds(100, 10),
                        7, 3, 2, Stats.ZERO),
                new DestinationEntry(Destination.of("192.0.2.22", 80, ForwardingMethod.MASQ).withWeight(0), 0, 1, 0,
                        Stats.ZERO)));
        assertListing("""
                Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn
                  -> RemoteAddress:Port
                TCP  192.0.2.15:80 lc
                  -> 192.0.2.21:80                100        10         7          3
                  -> 192.0.2.22:80                0          0          0          1
                """, IpvsadmListing.table(services, Layout.THRESHOLDS));
        assertListing("""
                Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn
                  -> RemoteAddress:Port
                TCP  192.0.2.15:80 lc
                  -> 192.0.2.21:80                1         2           7          3
                  -> 192.0.2.22:80                0         0           0          1
                """, IpvsadmListing.table(services, Layout.PERSISTENT_CONN));
    }

    @Test
    void statsAbbreviateLargeCountersLikeIpvsadm() {
        Stats service = new Stats(14, 84, 0, 4998, 0, 2, 10, 0, 625, 0);
        Stats big = new Stats(99_999_999L, 100_000_000L, 999_999_999L, 1_000_000_000L, 123_456_789_012L,
                0, 0, 0, 0, 0);
        Stats huge = new Stats(100_000_000_000_000L, -1L, 0, 0, 0, 0, 0, 0, 0, 0);
        List<ServiceListing> services = List.of(new ServiceListing(
                new ServiceEntry(Service.of(ServiceKey.tcp("192.0.2.100", 80), Scheduler.RR), service),
                List.of(new DestinationEntry(Destination.of("192.0.2.11", 80, ForwardingMethod.DROUTE), 0, 0, 0, big),
                        new DestinationEntry(Destination.of("192.0.2.12", 80, ForwardingMethod.DROUTE), 0, 0, 0, huge))));
        assertListing("""
                Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
                  -> RemoteAddress:Port
                TCP  192.0.2.100:80                     14       84        0     4998        0
                  -> 192.0.2.11:80                99999999  100000K  999999K    1000M     123G
                  -> 192.0.2.12:80                    100T18446744T        0        0        0
                """, IpvsadmListing.table(services, Layout.STATS));
    }

    @Test
    void ratesPrintADestinationsSmallRatesUnabridged() {
        Stats rates = new Stats(0, 0, 0, 0, 0, 123_456_789L, 4, 5, 200_000_000L, 6);
        List<ServiceListing> services = List.of(new ServiceListing(
                new ServiceEntry(Service.of(ServiceKey.tcp("192.0.2.100", 80), Scheduler.RR), rates),
                List.of(new DestinationEntry(Destination.of("192.0.2.11", 80, ForwardingMethod.DROUTE), 0, 0, 0, rates))));
        assertListing("""
                Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
                  -> RemoteAddress:Port
                TCP  192.0.2.100:80                123456K        4        5  200000K        6
                  -> 192.0.2.11:80                123456789        4        5  200000K        6
                """, IpvsadmListing.table(services, Layout.RATE));
    }

    @Test
    void schedulerFlagsAreNamedForShAndMhAndNumberedForOthers() {
        assertEquals("TCP  192.0.2.10:80 mh (mh-fallback)", firstService(Scheduler.MH, SchedulerFlag.FALLBACK));
        assertEquals("TCP  192.0.2.10:80 wrr (flag-1,flag-3)", firstService(Scheduler.WRR, SchedulerFlag.FALLBACK,
                SchedulerFlag.FLAG_3));
        // sh knows no third flag: ipvsadm prints empty parentheses
        assertEquals("TCP  192.0.2.10:80 sh ()", firstService(Scheduler.SH, SchedulerFlag.FLAG_3));
    }

    @Test
    void aMarkAbove2To31IsUnsigned() {
        assertEquals("FWM  4294967295 IPv6", IpvsadmListing.serviceName(new ServiceKey.FwMark(AddressFamily.INET6, -1)));
    }

    @Test
    void versionTimeoutsAndSyncDaemonsAreIpvsadmsLines() {
        assertEquals("IP Virtual Server version 1.2.1 (size=4096)", IpvsadmListing.versionLine(new Info(0x010201, 4096)));
        assertEquals("Timeout (tcp tcpfin udp): 900 120 300", IpvsadmListing.timeouts(Timeouts.ofSeconds(900, 120, 300)));
        SyncDaemon backup = new SyncDaemon(SyncState.BACKUP, "eth1", 7, OptionalInt.of(1472),
                Optional.of(Addresses.parse("ff02::81")), OptionalInt.of(8848), OptionalInt.of(0));
        SyncDaemon master = SyncDaemon.master("eth0", 0).withMulticast(Addresses.parse("224.0.0.81"), 8848, 1);
        assertEquals(List.of("master sync daemon (mcast=eth0, syncid=0, group=224.0.0.81, port=8848, ttl=1)",
                        "backup sync daemon (mcast=eth1, syncid=7, maxlen=1472, group=ff02::81, port=8848)"),
                IpvsadmListing.syncDaemons(List.of(backup, master)));
    }

    @Test
    void anEmptyTableIsTheTitleAlone() {
        assertListing("""
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                """, IpvsadmListing.table(List.of(), Layout.DEFAULT));
    }

    private static String firstService(Scheduler scheduler, SchedulerFlag... flags) {
        ServiceListing l = listing(Service.of(ServiceKey.tcp("192.0.2.10", 80), scheduler).withSchedulerFlags(Set.of(flags)));
        return IpvsadmListing.table(List.of(l), Layout.DEFAULT).get(2);
    }

    static ServiceListing listing(Service service, DestinationEntry... destinations) {
        return new ServiceListing(new ServiceEntry(service, Stats.ZERO), List.of(destinations));
    }

    static DestinationEntry dest(Destination d) {
        return dest(d, 0, 0);
    }

    static DestinationEntry dest(Destination d, int active, int inactive) {
        return new DestinationEntry(d, active, inactive, 0, Stats.ZERO);
    }

    private static void assertListing(String expected, List<String> actual) {
        assertEquals(expected, String.join("\n", actual) + "\n");
    }
}
