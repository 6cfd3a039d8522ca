package io.lvs.agent.kernel.sysctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import io.lvs.agent.kernel.testing.Cmd;
import io.lvs.agent.kernel.testing.Netns;
import io.lvs.agent.kernel.testing.Root;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's container sees the host's /proc/sys/net at another path (LVS_AGENT_SYSCTL_NET): parameters
 * are read and written there, and a namespace is still honoured because procfs follows the reading thread.
 */
class SysctlsUnderDirectoryTest {

    @Test
    void netParametersAreReadAndWrittenUnderTheGivenDirectory(@TempDir Path net) throws IOException {
        Files.createDirectories(net.resolve("ipv4/conf/eth0.100"));
        Files.writeString(net.resolve("ipv4/conf/eth0.100/arp_ignore"), "0\n");
        Files.writeString(net.resolve("ipv4/ip_forward"), "1\n");
        Sysctls sysctls = Sysctls.in(NetworkNamespace.current(), net);
        Sysctl arpIgnore = Sysctl.arpIgnore(ConfScope.of("eth0.100"));

        assertEquals(net.resolve("ipv4/conf/eth0.100/arp_ignore"), sysctls.file(arpIgnore));
        assertEquals(1, sysctls.read(Sysctl.ipForward()));
        assertEquals(new SysctlChange(arpIgnore, 0, 1), sysctls.set(arpIgnore, 1));
        assertEquals("1\n", Files.readString(net.resolve("ipv4/conf/eth0.100/arp_ignore")));
        assertEquals(Optional.empty(), sysctls.readIfPresent(Sysctl.vsConntrack()));
        SysctlException e = assertThrows(SysctlException.class, () -> sysctls.read(Sysctl.vsSloppyTcp()));
        assertTrue(e.is(Errno.ENOENT) && e.getMessage().contains("net.ipv4.vs.sloppy_tcp"), e.getMessage());
        assertTrue(sysctls.toString().contains(net.toString()), sysctls.toString());
    }

    @Test
    void procSysNetReachedThroughAnotherPathShowsTheThreadsNamespace(@TempDir Path dir) throws IOException {
        Root.assume("creating a network namespace");
        Path hostMount = Files.createSymbolicLink(dir.resolve("net"), Path.of("/proc/sys/net"));
        int hostValue = Integer.parseInt(Cmd.ok("sysctl", "-n", "net.ipv4.conf.all.arp_ignore").trim());
        try (Netns ns = Netns.create("sysdir")) {
            Sysctls sysctls = Sysctls.in(ns.namespace(), hostMount);

            sysctls.set(Sysctl.arpIgnore(ConfScope.ALL), 1);

            assertEquals("1", ns.exec("sysctl", "-n", "net.ipv4.conf.all.arp_ignore").requireOk().out().trim());
            assertEquals(hostValue, Integer.parseInt(Cmd.ok("sysctl", "-n", "net.ipv4.conf.all.arp_ignore").trim()),
                    "the host namespace is untouched");
        } finally {
            Files.delete(hostMount); // before JUnit's clean-up, which warns about links leaving the temp dir
        }
    }
}
