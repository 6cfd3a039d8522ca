package io.lvs.agent.kernel.fou;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.kernel.testing.Netns;
import io.lvs.agent.kernel.testing.Root;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * On a kernel without the fou module (this host's), opening FOU fails in a way an operator can act on. Adding,
 * listing and removing ports on a kernel that has it is proven in the User-mode Linux guest
 * ({@code e2e/guest/scenarios/tunnel-real-server.sh}).
 */
class FouOnThisHostTest {
    @Test
    void withoutTheFouModuleOpeningSaysWhichModuleToLoad() {
        Root.assume("creating a network namespace");
        assumeFalse(Files.isDirectory(Path.of("/sys/module/fou")), "this kernel has fou loaded");
        try (Netns ns = Netns.create("fou")) {
            FouUnavailableException e = assertThrows(FouUnavailableException.class, () -> Fou.open(ns.namespace()));
            assertTrue(e.is(Errno.ENOENT), e.getMessage());
            assertTrue(e.getMessage().contains(ns.name()) && e.getMessage().contains("modprobe fou"), e.getMessage());
        }
    }
}
