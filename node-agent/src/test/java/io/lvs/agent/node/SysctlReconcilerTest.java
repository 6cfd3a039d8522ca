package io.lvs.agent.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.sys.NetworkNamespace;
import io.lvs.agent.kernel.sysctl.Sysctl;
import io.lvs.agent.kernel.sysctl.Sysctls;
import io.lvs.agent.model.NodeDesired.SysctlWant;
import io.lvs.agent.state.Owned;
import io.lvs.agent.state.StateDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reverse-path filter of a tunnel device, in a {@code /proc/sys/net} laid out in a directory (the host kernel has
 * no tunnel device whose parameters could be used): a strict value is loosened and recorded, an effective loose or off
 * one is left alone and not owned, and what was changed goes back exactly.
 */
class SysctlReconcilerTest {
    @TempDir
    Path net;
    @TempDir
    Path stateDir;

    private void given(String all, String tunl0) throws IOException {
        Files.createDirectories(net.resolve("ipv4/conf/all"));
        Files.createDirectories(net.resolve("ipv4/conf/tunl0"));
        Files.writeString(net.resolve("ipv4/conf/all/rp_filter"), all + "\n");
        Files.writeString(net.resolve("ipv4/conf/tunl0/rp_filter"), tunl0 + "\n");
    }

    private String tunl0() throws IOException {
        return Files.readString(net.resolve("ipv4/conf/tunl0/rp_filter")).strip();
    }

    @Test
    void aStrictTunnelDeviceIsLoosenedAndRestoredExactly() throws IOException {
        given("1", "1");
        Sysctl key = SysctlWant.looseReversePath("tunl0").key();
        try (StateDirectory state = StateDirectory.open(stateDir)) {
            SysctlReconciler sysctls = new SysctlReconciler(Sysctls.in(NetworkNamespace.current(), net), state);

            SysctlReconciler.Result set = sysctls.applyWanted(List.of(SysctlWant.looseReversePath("tunl0")));
            assertEquals(1, set.written());
            assertEquals("2", tunl0(), "max(all 1, tunl0 2) is loose: decapsulated packets pass");
            assertEquals("1", Files.readString(net.resolve("ipv4/conf/all/rp_filter")).strip(), "conf/all untouched");
            assertEquals(new Owned.SysctlChangeRecord(1, 2), state.owned().sysctls().get(key));

            assertEquals(0, sysctls.applyWanted(List.of(SysctlWant.looseReversePath("tunl0"))).written(), "settled");

            SysctlReconciler.Result back = sysctls.restoreUnwanted(List.of());
            assertEquals(1, back.written());
            assertEquals("1", tunl0());
            assertTrue(state.owned().sysctls().isEmpty());
        }
    }

    @Test
    void offUnderAStrictAllIsStrictInEffectAndLoosenedButOffUnderALooseAllIsLeft() throws IOException {
        given("1", "0");
        try (StateDirectory state = StateDirectory.open(stateDir)) {
            SysctlReconciler sysctls = new SysctlReconciler(Sysctls.in(NetworkNamespace.current(), net), state);
            sysctls.applyWanted(List.of(SysctlWant.looseReversePath("tunl0")));
            assertEquals("2", tunl0());
            sysctls.restoreUnwanted(List.of());
            assertEquals("0", tunl0());

            Files.writeString(net.resolve("ipv4/conf/all/rp_filter"), "2\n");
            assertEquals(0, sysctls.applyWanted(List.of(SysctlWant.looseReversePath("tunl0"))).written());
            assertEquals("0", tunl0());
            assertTrue(state.owned().isEmpty(), "a parameter left as it was is not owned");
        }
    }
}
