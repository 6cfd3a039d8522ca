package io.lvs.agent.kernel.sysctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import io.lvs.agent.kernel.testing.Cmd;
import io.lvs.agent.kernel.testing.Netns;
import io.lvs.agent.kernel.testing.Root;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Kernel parameters set and restored inside a fresh network namespace; {@code sysctl -n} there is the oracle. */
class SysctlsTest {
    private Netns.Pair hosts;
    private Netns ns;
    private Netns other;
    private Sysctls sysctls;

    @BeforeEach
    void namespace() {
        Root.assume("creating network namespaces");
        hosts = Netns.pair("sysctl", "ve.100", "peer0");
        ns = hosts.a();
        other = hosts.b();
        sysctls = Sysctls.in(ns.namespace());
    }

    @AfterEach
    void cleanUp() {
        if (hosts != null) {
            hosts.close();
        }
    }

    private int oracle(Netns where, Sysctl key) {
        return Integer.parseInt(where.exec("sysctl", "-n", key.name()).requireOk().out().trim());
    }

    @Test
    void aDsrRealServersParametersAreSetThenRestored() {
        List<SysctlSetting> realServer = List.of(
                new SysctlSetting(Sysctl.arpIgnore(ConfScope.ALL), 1),
                new SysctlSetting(Sysctl.arpAnnounce(ConfScope.ALL), 2),
                new SysctlSetting(Sysctl.arpIgnore(ConfScope.of("ve.100")), 1),
                new SysctlSetting(Sysctl.arpAnnounce(ConfScope.of("ve.100")), 2),
                new SysctlSetting(Sysctl.rpFilter(ConfScope.DEFAULT), 2),
                new SysctlSetting(Sysctl.ipForward(), 1),
                new SysctlSetting(Sysctl.ipv6Forwarding(ConfScope.ALL), 1));
        List<Integer> before = realServer.stream().map(s -> oracle(ns, s.key())).toList();

        List<SysctlChange> changes = sysctls.apply(realServer);

        for (int i = 0; i < realServer.size(); i++) {
            SysctlSetting s = realServer.get(i);
            assertEquals(s.value(), oracle(ns, s.key()), s.key().name());
            assertEquals(new SysctlChange(s.key(), before.get(i), s.value()), changes.get(i));
        }
        assertEquals(0, oracle(other, Sysctl.ipForward()), "another namespace is untouched");

        sysctls.restore(changes);
        assertEquals(before, realServer.stream().map(s -> oracle(ns, s.key())).toList());
    }

    @Test
    void settingAValueThatIsAlreadyThereWritesNothing() {
        SysctlChange first = sysctls.set(Sysctl.arpIgnore(ConfScope.ALL), 1);
        assertTrue(first.changed());
        SysctlChange again = sysctls.set(Sysctl.arpIgnore(ConfScope.ALL), 1);
        assertFalse(again.changed());
        assertEquals(new SysctlChange(Sysctl.arpIgnore(ConfScope.ALL), 1, 1), again);
        assertEquals(1, sysctls.read(Sysctl.arpIgnore(ConfScope.ALL)));
        // restoring an unchanged setting writes nothing either
        assertEquals(List.of(), sysctls.restore(List.of(again)));
        assertEquals(1, oracle(ns, Sysctl.arpIgnore(ConfScope.ALL)));
    }

    @Test
    void restoringAParameterSetTwiceEndsAtItsOriginalValue() {
        Sysctl rp = Sysctl.rpFilter(ConfScope.ALL);
        int original = oracle(ns, rp);
        SysctlChange a = sysctls.set(rp, original == 1 ? 2 : 1);
        SysctlChange b = sysctls.set(rp, 0);
        sysctls.restore(List.of(a, b));
        assertEquals(original, oracle(ns, rp));
    }

    @Test
    void ipvsParametersAreAbsentWithoutTheModuleAndTheErrorSaysSo() {
        assumeFalse(Files.exists(Path.of("/proc/sys/net/ipv4/vs")),
                "skipped: this host kernel has IPVS loaded; the guest scenario vs-sysctls covers IPVS parameters");
        SysctlException e = assertThrows(SysctlException.class, () -> sysctls.set(Sysctl.vsSloppyTcp(), 1));
        assertTrue(e.is(Errno.ENOENT), e.getMessage());
        assertTrue(e.getMessage().contains("net.ipv4.vs.sloppy_tcp") && e.getMessage().contains("ip_vs module is not loaded")
                && e.getMessage().contains(ns.name()), e.getMessage());
        assertEquals(Optional.empty(), sysctls.readIfPresent(Sysctl.vsConntrack()));
    }

    @Test
    void aMissingInterfaceIsNamedAndABatchReportsWhatItHadChanged() {
        SysctlException e = assertThrows(SysctlException.class, () -> sysctls.apply(List.of(
                new SysctlSetting(Sysctl.arpIgnore(ConfScope.ALL), 1),
                new SysctlSetting(Sysctl.arpIgnore(ConfScope.of("nosuch0")), 1))));
        assertTrue(e.is(Errno.ENOENT));
        assertTrue(e.getMessage().contains("interface nosuch0 does not exist"), e.getMessage());
        assertEquals(List.of(new SysctlChange(Sysctl.arpIgnore(ConfScope.ALL), 0, 1)), e.applied());
        sysctls.restore(e.applied());
        assertEquals(0, oracle(ns, Sysctl.arpIgnore(ConfScope.ALL)));
    }

    @Test
    void theKernelsRefusalOfAValueIsEinval() {
        // the product's parameters take any integer; ip_default_ttl is bounded (1..255)
        Sysctl ttl = Sysctl.parse("net.ipv4.ip_default_ttl");
        SysctlException e = assertThrows(SysctlException.class, () -> sysctls.set(ttl, 0));
        assertTrue(e.is(Errno.EINVAL), e.getMessage());
        assertTrue(e.getMessage().startsWith("write net.ipv4.ip_default_ttl = 0 in network namespace"), e.getMessage());
        assertEquals(64, oracle(ns, ttl));
    }

    @Test
    void theCurrentNamespaceIsReadOnTheCallingThread() {
        int hostForward = Sysctls.in(NetworkNamespace.current()).read(Sysctl.ipForward());
        assertEquals(hostForward, Integer.parseInt(Cmd.ok("sysctl", "-n", "net.ipv4.ip_forward").trim()));
    }
}
