package io.lvs.agent.kernel.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Asking ahead whether a scheduler exists, against a module tree laid out like Debian's. */
class KernelModulesTest {

    @Test
    void loadedBuiltInLoadableAndAbsentAreTold(@TempDir Path root) throws IOException {
        Path sys = Files.createDirectories(root.resolve("sys/module/ip_vs_rr"));
        Path lib = Files.createDirectories(root.resolve("lib/modules/6.1.176"));
        Files.writeString(lib.resolve("modules.dep"), """
                kernel/net/netfilter/ipvs/ip_vs_rr.ko: kernel/net/netfilter/ipvs/ip_vs.ko
                kernel/net/netfilter/ipvs/ip_vs_mh.ko.xz: kernel/net/netfilter/ipvs/ip_vs.ko
                kernel/net/netfilter/ipvs/ip_vs.ko: kernel/net/netfilter/nf_conntrack.ko
                """);
        Files.writeString(lib.resolve("modules.builtin"), "kernel/net/netfilter/ipvs/ip_vs_wlc.ko\n");
        KernelModules m = new KernelModules(sys.getParent(), lib);
        assertEquals(KernelModules.State.LOADED, m.state(Scheduler.RR));
        assertEquals(KernelModules.State.BUILT_IN, m.state(Scheduler.WLC));
        assertEquals(KernelModules.State.LOADABLE, m.state(Scheduler.MH));
        assertEquals(KernelModules.State.ABSENT, m.state(Scheduler.TWOS));
        assertEquals(KernelModules.State.BUILT_IN, m.state(Scheduler.NONE));
    }

    @Test
    void aKernelWithoutAModuleTreeHasOnlyWhatIsLoaded(@TempDir Path root) throws IOException {
        KernelModules m = new KernelModules(Files.createDirectories(root.resolve("sys/module")), root.resolve("lib/modules/x"));
        assertEquals(KernelModules.State.ABSENT, m.state(Scheduler.SH));
    }
}
