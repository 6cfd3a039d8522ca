package io.lvs.agent.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.ipvs.KernelModules;
import io.lvs.agent.kernel.ipvs.Scheduler;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import io.lvs.agent.kernel.sysctl.Sysctl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading this host's state with a module tree and a sysctl directory made for the test. */
class NodeInspectorTest {

    @Test
    void anInstalledButUnloadedIpvsIsReportedWithoutAskingTheKernelWhichWouldLoadIt(@TempDir Path dir) throws IOException {
        Path sysModule = Files.createDirectories(dir.resolve("sys/module"));
        Files.createDirectories(sysModule.resolve("ip_vs_rr")); // loaded
        Path moduleDir = Files.createDirectories(dir.resolve("lib/modules/6.1.176"));
        Files.writeString(moduleDir.resolve("modules.dep"), """
                kernel/net/netfilter/ipvs/ip_vs.ko: kernel/net/netfilter/nf_conntrack.ko
                kernel/net/netfilter/ipvs/ip_vs_rr.ko: kernel/net/netfilter/ipvs/ip_vs.ko
                kernel/net/netfilter/ipvs/ip_vs_wlc.ko: kernel/net/netfilter/ipvs/ip_vs.ko
                """);
        Files.writeString(moduleDir.resolve("modules.builtin"), "kernel/net/netfilter/ipvs/ip_vs_sh.ko\n");
        KernelModules modules = new KernelModules(sysModule, moduleDir);

        NodeView view = new NodeInspector(NetworkNamespace.current(), NodeInspector.PROC_SYS_NET, Optional.of("n1"),
                () -> modules).read();

        Reading.Unavailable<IpvsView> ipvs = assertInstanceOf(Reading.Unavailable.class, view.ipvs());
        assertTrue(ipvs.reason().startsWith("IPVS is not loaded: module ip_vs is installed (" + moduleDir + ")"), ipvs.reason());
        SchedulerAvailability s = ((Reading.Read<SchedulerAvailability>) view.schedulers()).value();
        assertEquals(KernelModules.State.LOADED, s.states().get(Scheduler.RR));
        assertEquals(KernelModules.State.LOADABLE, s.states().get(Scheduler.WLC));
        assertEquals(KernelModules.State.BUILT_IN, s.states().get(Scheduler.SH));
        assertEquals(KernelModules.State.ABSENT, s.states().get(Scheduler.TWOS));
        assertEquals(14, s.states().size(), "every scheduler but none");
        assertTrue(s.moduleDirectoryPresent());
        assertFalse(view.incomplete());
    }

    @Test
    void sysctlsAreReadUnderTheGivenDirectoryInTheProductsOrder(@TempDir Path net) throws IOException {
        Files.createDirectories(net.resolve("ipv4/conf/all"));
        Files.writeString(net.resolve("ipv4/ip_forward"), "1\n");
        Files.writeString(net.resolve("ipv4/conf/all/arp_ignore"), "1\n");

        NodeView view = new NodeInspector(NetworkNamespace.current(), net, Optional.empty(), KernelModules::system).read();

        List<SysctlReading> sysctls = ((Reading.Read<List<SysctlReading>>) view.sysctls()).value();
        assertEquals(NodeInspector.productSysctls(), sysctls.stream().map(SysctlReading::key).toList());
        assertEquals(Reading.read(1), sysctls.get(0).value());
        assertEquals(Sysctl.ipForward(), sysctls.get(0).key());
        assertEquals(Reading.read(1), sysctls.stream().filter(r -> r.key().name().equals("net.ipv4.conf.all.arp_ignore"))
                .findFirst().orElseThrow().value());
        assertEquals(Reading.unavailable("absent"), sysctls.getLast().value(), "a parameter the tree lacks is absent");
        assertEquals(net, view.sysctlDirectory());
    }
}
