package io.lvs.agent.kernel.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Skips kernel tests that need root (network namespaces, raw sockets) when not run as root. */
public final class Root {
    private Root() {
    }

    public static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Skips the calling test with a message saying why when this JVM is not root. */
    public static void assume(String what) {
        assumeTrue(isRoot(), "skipped: needs root (CAP_SYS_ADMIN / CAP_NET_ADMIN / CAP_NET_RAW) for " + what);
    }
}
