package io.lvs.agent.kernel.ipvs;

import io.lvs.agent.kernel.InetText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet6Address;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Address text is what ipvsadm prints and what the ledger stores, so it must be canonical. */
class AddressesTest {

    @Test
    void ipv6TextFollowsRfc5952LikeIpvsadm() {
        assertEquals("2001:db8::1", InetText.of(Addresses.parse("2001:0DB8:0:0:0:0:0:1")));
        assertEquals("2001:db8:0:1::", InetText.of(Addresses.parse("2001:db8:0:1:0:0:0:0")));
        assertEquals("2001:db8::1:0:0:1", InetText.of(Addresses.parse("2001:db8:0:0:1:0:0:1")), "first of equal runs");
        assertEquals("2001:db8:0:1:1:1:1:1", InetText.of(Addresses.parse("2001:db8:0:1:1:1:1:1")), "one zero group stays");
        assertEquals("::", InetText.of(Addresses.parse("::")));
        assertEquals("[2001:db8::1]:80", Addresses.format(Addresses.parse("2001:db8::1"), 80));
        assertEquals("192.0.2.1:0", Addresses.format(Addresses.parse("192.0.2.1"), 0));
    }

    @Test
    void anIpv4MappedAddressOfAnIpv6EntryStaysIpv6() {
        byte[] mapped = HexFormat.of().parseHex("00000000000000000000ffffc0000201");
        assertInstanceOf(Inet6Address.class, Addresses.fromBytes(AddressFamily.INET6, mapped));
        assertEquals(AddressFamily.INET, AddressFamily.of(Addresses.fromBytes(AddressFamily.INET, mapped)));
    }

    @Test
    void hostNamesAreNeverLookedUp() {
        assertThrows(IllegalArgumentException.class, () -> Addresses.parse("localhost"));
        assertThrows(IllegalArgumentException.class, () -> Addresses.parseWithPort("2001:db8::1:80"));
        assertEquals(new java.net.InetSocketAddress(Addresses.parse("2001:db8::1"), 80), Addresses.parseWithPort("[2001:db8::1]:80"));
    }

    @Test
    void serviceKeysReadBackFromTheirText() {
        for (ServiceKey k : new ServiceKey[] {ServiceKey.tcp("192.0.2.10", 80), ServiceKey.udp("2001:db8::53", 53),
                new ServiceKey.Inet(Protocol.SCTP, Addresses.parse("198.51.100.1"), 0),
                new ServiceKey.FwMark(AddressFamily.INET, 1), new ServiceKey.FwMark(AddressFamily.INET6, -1)}) {
            assertEquals(k, ServiceKey.parse(k.toString()), k.toString());
        }
        assertEquals("FWM 4294967295 IPv6", new ServiceKey.FwMark(AddressFamily.INET6, -1).toString());
        assertThrows(IllegalArgumentException.class, () -> ServiceKey.parse("ICMP 192.0.2.1:0"));
    }
}
