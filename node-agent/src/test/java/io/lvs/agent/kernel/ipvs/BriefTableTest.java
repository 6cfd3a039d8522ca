package io.lvs.agent.kernel.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading {@code /proc/net/ip_vs} as Linux 6.1 prints it (the text below was printed by the UML guest's kernel). */
class BriefTableTest {
    /** ipvsadm -A/-a of NAT, DR, GUE tunnel, persistent one-packet UDP, a mark, IPv6 and an empty SCTP service. */
    static final String GUEST = """
            IP Virtual Server version 1.2.1 (size=4096)
            Prot LocalAddress:Port Scheduler Flags
              -> RemoteAddress:Port Forward Weight ActiveConn InActConn
            TCP  C000020A:0050 wrr \s
              -> C6336403:0050      Tunnel  2      0          0        \s
              -> C6336402:0050      Route   0      0          0        \s
              -> C6336401:1F90      Masq    3      17         4        \s
            UDP  C000020A:0035 sh ops  persistent 30000 FFFFFF00
              -> C6336401:0035      Masq    1      0          0        \s
            TCP  [2001:0db8:0000:0000:0000:0000:0000:0010]:01BB wrr\s
              -> [2001:0db8:0000:0000:0000:0000:0000:0001]:01BB      Masq    5      0          0        \s
            SCTP  C000020B:0009 wrr \s
            FWM  0000002A mh\s
              -> C6336409:0000      Route   1      0          0        \s
            """;

    private static BriefTable parse(String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        return BriefTable.parse(b, b.length);
    }

    @Test
    void everyServiceAndDestinationOfTheKernelsTextIsRead() {
        BriefTable t = parse(GUEST);
        assertEquals(5, t.services());
        List<BriefTable.Destination> web = t.destinations(ServiceKey.tcp("192.0.2.10", 80)).orElseThrow();
        assertEquals(List.of(
                new BriefTable.Destination(DestinationKey.of("198.51.100.3", 80), "Tunnel", 2, 0, 0),
                new BriefTable.Destination(DestinationKey.of("198.51.100.2", 80), "Route", 0, 0, 0),
                new BriefTable.Destination(DestinationKey.of("198.51.100.1", 8080), "Masq", 3, 17, 4)), web);
        assertEquals(1, t.destinations(ServiceKey.udp("192.0.2.10", 53)).orElseThrow().size());
        assertEquals(List.of(new BriefTable.Destination(DestinationKey.of("2001:db8::1", 443), "Masq", 5, 0, 0)),
                t.destinations(ServiceKey.tcp("2001:db8::10", 443)).orElseThrow());
        assertEquals(List.of(), t.destinations(new ServiceKey.Inet(Protocol.SCTP, Addresses.parse("192.0.2.11"), 9))
                .orElseThrow());
        assertEquals(1, t.destinations(new ServiceKey.FwMark(AddressFamily.INET, 42)).orElseThrow().size());
        assertTrue(t.destinations(ServiceKey.tcp("192.0.2.99", 80)).isEmpty(), "a service the file does not show");
    }

    @Test
    void aDestinationMatchesItsNetlinkReadingByForwardingMethodAndWeight() {
        BriefTable.Destination shown = new BriefTable.Destination(DestinationKey.of("198.51.100.1", 8080), "Masq", 3, 0, 0);
        assertTrue(shown.sameAs(Destination.of("198.51.100.1", 8080, ForwardingMethod.MASQ).withWeight(3)));
        assertTrue(!shown.sameAs(Destination.of("198.51.100.1", 8080, ForwardingMethod.MASQ).withWeight(4)));
        assertTrue(!shown.sameAs(Destination.of("198.51.100.1", 8080, ForwardingMethod.DROUTE).withWeight(3)));
        // the file cannot show thresholds: they are the netlink dump's to see
        assertTrue(shown.sameAs(Destination.of("198.51.100.1", 8080, ForwardingMethod.MASQ).withWeight(3)
                .withThresholds(100, 10)));
    }

    @Test
    void aMarkTwoServicesShareAndAServicePrintedTwiceAreNotTold() {
        BriefTable t = parse("""
                FWM  00000007 rr\s
                  -> C6336409:0000      Route   1      0          0
                FWM  00000007 rr\s
                  -> [2001:0db8:0000:0000:0000:0000:0000:0009]:0000      Route   1      0          0
                TCP  C000020A:0050 wrr \s
                TCP  C000020A:0050 wrr \s
                  -> C6336401:0050      Route   1      0          0
                """);
        assertTrue(t.destinations(new ServiceKey.FwMark(AddressFamily.INET, 7)).isEmpty());
        assertTrue(t.destinations(new ServiceKey.FwMark(AddressFamily.INET6, 7)).isEmpty());
        assertTrue(t.destinations(ServiceKey.tcp("192.0.2.10", 80)).isEmpty(),
                "printed twice (the table changed during the read): a dump must decide");
    }

    @Test
    void servicesOfProtocolsNoServiceKeyNamesAreSkipped() {
        BriefTable t = parse("""
                AH  C000020A:0000 rr \s
                  -> C6336401:0000      Route   1      0          0
                TCP  C000020A:0050 wrr \s
                """);
        assertEquals(2, t.services());
        assertEquals(List.of(), t.destinations(ServiceKey.tcp("192.0.2.10", 80)).orElseThrow());
    }

    @Test
    void textInAnotherFormatIsRefusedNamingTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("""
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port Forward Weight ActiveConn InActConn
                TCP  192.0.2.10:80 wrr
                """));
        assertTrue(e.getMessage().contains("line 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> parse("  -> C6336401:0050      Route   1      0          0\n"),
                "a destination before any service");
    }
}
