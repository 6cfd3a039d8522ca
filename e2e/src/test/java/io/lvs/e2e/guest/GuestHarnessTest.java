package io.lvs.e2e.guest;

import org.junit.jupiter.api.Test;

/** The guest harness itself, and the kernel-edge code of the node agent inside a kernel with IPVS. */
class GuestHarnessTest {

    @Test
    void theGuestBootsLoadsIpvsAndRunsJava() {
        GuestScenario.run("boot-check").assertPassed("modprobe ip_vs", "ip_vs in /proc/net", "java 25 runs");
    }

    @Test
    void theNetlinkCoreResolvesIpvsInTheGuest() {
        GuestScenario.run("netlink-smoke")
                .assertPassed("modprobe ip_vs", "IPVS family resolved", "IPVS family id is dynamic",
                        "java NetlinkSmoke");
    }
}
