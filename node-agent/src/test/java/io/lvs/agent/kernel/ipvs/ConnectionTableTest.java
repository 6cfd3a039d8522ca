package io.lvs.agent.kernel.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.KernelException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** /proc/net/ip_vs_conn as ip_vs_conn_seq_show prints it (Linux 6.1). */
class ConnectionTableTest {
    static InetSocketAddress at(String address, int port) {
        return new InetSocketAddress(Addresses.parse(address), port);
    }

    @Test
    void ipv4Ipv6TemplatesAndEngineRowsAreRead() {
        String text = """
                Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData
                TCP C0000263 9C40 C0000264 0050 C000020B 0050 ESTABLISHED     899
                TCP C0000263 0000 C0000264 0050 C000020B 0050 NONE            299
                UDP 2001:0db8:0000:0000:0000:0000:0000:0063 E290 2001:0db8:0000:0000:0000:0000:0000:0001 0035 2001:0db8:0000:0000:0000:0000:0000:0021 0035 UDP             298
                UDP C0000263 13C4 C0000264 13C4 C000020B 13C4 UDP             178 sip abc@192.0.2.99
                """;
        List<Connection> rows = ConnectionTable.parse(text);
        assertEquals(4, rows.size());
        assertEquals(new Connection("TCP", at("192.0.2.99", 40000), at("192.0.2.100", 80), at("192.0.2.11", 80),
                "ESTABLISHED", Duration.ofSeconds(899), Optional.empty(), ""), rows.get(0));
        assertEquals("NONE", rows.get(1).state());
        assertEquals(0, rows.get(1).client().getPort());
        assertEquals(at("2001:db8::21", 53), rows.get(2).destination());
        assertEquals(Optional.of("sip"), rows.get(3).persistenceEngine());
        assertEquals("abc@192.0.2.99", rows.get(3).engineData());
        assertEquals("TCP 192.0.2.99:40000 -> 192.0.2.100:80 -> 192.0.2.11:80 ESTABLISHED", rows.get(0).toString());
    }

    @Test
    void anEmptyTableIsJustTheHeader() {
        assertTrue(ConnectionTable.parse("Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n").isEmpty());
    }

    @Test
    void aMalformedRowNamesItsLine() {
        KernelException e = assertThrows(KernelException.class, () -> ConnectionTable.parse(
                "Pro FromIP\nTCP C0000263 9C40 C00002 0050 C000020B 0050 ESTABLISHED 899\n"));
        assertTrue(e.getMessage().startsWith("ip_vs_conn line 2"), e.getMessage());
        assertThrows(KernelException.class, () -> ConnectionTable.parse("TCP C0000263 -C40 C0000264 0050 C000020B 0050 X 1\n"));
        assertThrows(KernelException.class, () -> ConnectionTable.parse("TCP C0000263 9C40 C0000264 0050 C000020B 0050 X -1\n"));
    }
}
