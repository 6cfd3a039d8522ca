package io.lvs.agent.kernel.ipvs.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.ipvs.AddressFamily;
import io.lvs.agent.kernel.ipvs.Addresses;
import io.lvs.agent.kernel.ipvs.DestinationKey;
import io.lvs.agent.kernel.ipvs.Protocol;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ledger's text form is what an agent persists; it must read back exactly and stay stable. */
class LedgerTest {
    static final ServiceKey WEB = ServiceKey.tcp("192.0.2.10", 80);
    static final ServiceKey V6 = new ServiceKey.Inet(Protocol.SCTP, Addresses.parse("2001:db8::10"), 3868);
    static final ServiceKey MARK = new ServiceKey.FwMark(AddressFamily.INET6, (int) 4_000_000_000L); // an unsigned mark above 2^31

    @Test
    void theTextFormIsSortedLineByLineAndReadsBackEqual() {
        Ledger l = new Ledger(Set.of(V6, MARK, WEB), Set.of(
                new DestinationRef(WEB, DestinationKey.of("192.0.2.22", 80)),
                new DestinationRef(WEB, DestinationKey.of("192.0.2.21", 80)),
                new DestinationRef(V6, DestinationKey.of("2001:db8::21", 3868)),
                new DestinationRef(MARK, DestinationKey.of("192.0.2.21", 0))));
        String text = l.toText();
        assertEquals("""
                # lvs-operator IPVS ledger v1
                service TCP 192.0.2.10:80
                service SCTP [2001:db8::10]:3868
                service FWM 4000000000 IPv6
                destination TCP 192.0.2.10:80 192.0.2.21:80
                destination TCP 192.0.2.10:80 192.0.2.22:80
                destination SCTP [2001:db8::10]:3868 [2001:db8::21]:3868
                destination FWM 4000000000 IPv6 192.0.2.21:0
                """, text);
        assertEquals(l, Ledger.parse(text));
        assertEquals(text, Ledger.parse(text).toText());
    }

    @Test
    void somethingElseIsRefusedNamingTheLine() {
        assertThrows(IllegalArgumentException.class, () -> Ledger.parse("service TCP 192.0.2.10:80\n"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ledger.parse(Ledger.HEADER + "\nservice TCP 192.0.2.10\n"));
        assertTrue(e.getMessage().startsWith("IPVS ledger line 2 'service TCP 192.0.2.10'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ledger.parse(Ledger.HEADER + "\nservice TCP host.example:80\n"));
        assertTrue(e.getMessage().contains("not an IP address literal"), e.getMessage());
    }
}
