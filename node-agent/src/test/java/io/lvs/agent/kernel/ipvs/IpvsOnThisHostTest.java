package io.lvs.agent.kernel.ipvs;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A kernel without IPVS (this build host's) is reported as such, clearly, not as a bare ENOENT. */
class IpvsOnThisHostTest {

    @Test
    void aKernelWithoutIpvsIsReportedAsUnavailable() {
        Assumptions.assumeFalse(Files.exists(Path.of("/proc/net/ip_vs")) || Files.isDirectory(Path.of("/sys/module/ip_vs")),
                "this kernel has IPVS; the guest scenarios cover that case");
        IpvsUnavailableException e = assertThrows(IpvsUnavailableException.class, () -> Ipvs.open(NetworkNamespace.current()));
        assertTrue(e.is(Errno.ENOENT));
        assertTrue(e.getMessage().startsWith("IPVS is not available in current network namespace: the kernel has no "
                + "generic netlink family \"IPVS\""), e.getMessage());
    }
}
