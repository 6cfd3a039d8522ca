package io.lvs.agent.kernel.sysctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parameter names: sysctl(8) form and /proc/sys file, including interface names with dots. */
class SysctlTest {

    @Test
    void theProductsParametersHaveTheirKernelNames() {
        assertEquals("net.ipv4.ip_forward", Sysctl.ipForward().name());
        assertEquals("net.ipv6.conf.all.forwarding", Sysctl.ipv6Forwarding(ConfScope.ALL).name());
        assertEquals("net.ipv4.conf.all.arp_ignore", Sysctl.arpIgnore(ConfScope.ALL).name());
        assertEquals("net.ipv4.conf.default.arp_announce", Sysctl.arpAnnounce(ConfScope.DEFAULT).name());
        assertEquals("net.ipv4.conf.eth0.rp_filter", Sysctl.rpFilter(ConfScope.of("eth0")).name());
        assertEquals("net.ipv4.vs.conntrack", Sysctl.vsConntrack().name());
        assertEquals("net.ipv4.vs.sloppy_tcp", Sysctl.vsSloppyTcp().name());
        assertEquals("net.ipv4.vs.expire_nodest_conn", Sysctl.vsExpireNodestConn().name());
        assertEquals("net.ipv4.vs.conn_reuse_mode", Sysctl.vsConnReuseMode().name());
        assertEquals(Path.of("/proc/sys/net/ipv4/vs/sloppy_tcp"), Sysctl.vsSloppyTcp().file());
        assertTrue(Sysctl.vsConntrack().isIpvs());
        assertFalse(Sysctl.ipForward().isIpvs());
    }

    @Test
    void aVlanInterfaceKeepsItsDotInTheFileAndASlashInTheName() {
        Sysctl s = Sysctl.arpIgnore(ConfScope.of("eth0.100"));
        assertEquals("net.ipv4.conf.eth0/100.arp_ignore", s.name());
        assertEquals(Path.of("/proc/sys/net/ipv4/conf/eth0.100/arp_ignore"), s.file());
        assertEquals(s, Sysctl.parse("net.ipv4.conf.eth0/100.arp_ignore"));
        assertEquals("eth0.100", s.confInterface());
        assertEquals("", Sysctl.ipForward().confInterface());
    }

    @Test
    void namesThatWouldLeaveProcSysAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Sysctl.parse("net..ipv4"));
        assertThrows(IllegalArgumentException.class, () -> new Sysctl(List.of("net", "..", "x")));
        assertThrows(IllegalArgumentException.class, () -> new Sysctl(List.of()));
        assertThrows(IllegalArgumentException.class, () -> ConfScope.of("../../x"));
        assertThrows(IllegalArgumentException.class, () -> ConfScope.of("a-name-of-16-chr"));
    }

    @Test
    void aChangeKnowsWhetherItWroteAnything() {
        assertTrue(new SysctlChange(Sysctl.ipForward(), 0, 1).changed());
        assertFalse(new SysctlChange(Sysctl.ipForward(), 1, 1).changed());
    }
}
