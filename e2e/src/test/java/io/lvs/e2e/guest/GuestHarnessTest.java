package io.lvs.e2e.guest;

import org.junit.jupiter.api.Test;

/** The guest harness itself, and the kernel-edge code of the node agent inside a kernel with IPVS. */
class GuestHarnessTest {

    @Test
    void theGuestBootsLoadsIpvsAndRunsJava() {
        GuestScenario.run("boot-check").assertPassed("modprobe ip_vs", "ip_vs in /proc/net", "java 25 runs");
    }

    @Test
    void theNetlinkCoreResolvesIpvsAndRtnlPutsVipsOnLoopbackInTheGuest() {
        GuestScenario.run("netlink-smoke")
                .assertPassed("modprobe ip_vs", "IPVS family resolved", "IPVS family id is dynamic",
                        "VIP 203.0.113.10 added to lo", "VIP 203.0.113.10 re-apply unchanged",
                        "VIP 2001:db8::10 added to lo", "VIP 2001:db8::10 re-apply unchanged",
                        "java NetlinkSmoke", "ip addr shows the IPv4 VIP on lo", "ip addr shows the IPv6 VIP on lo");
    }

    @Test
    void ipvsSysctlsAreSetAndRestoredInAGuestNamespace() {
        GuestScenario.run("vs-sysctls")
                .assertPassed("IPVS parameters absent before modprobe", "modprobe ip_vs", "IPVS parameters set",
                        "sysctl -n net.ipv4.vs.conntrack = 1", "sysctl -n net.ipv4.vs.sloppy_tcp = 1",
                        "sysctl -n net.ipv4.vs.expire_nodest_conn = 1", "sysctl -n net.ipv4.vs.conn_reuse_mode = 0",
                        "re-apply changes nothing", "IPVS parameters restored", "java VsSysctls");
    }

    @Test
    void aVipTakeoverReachesAClientWithStaleNeighbourEntriesInTheGuest() {
        GuestScenario.run("takeover-edges")
                .assertPassed("VIP 192.0.2.10 added to eth0", "client cannot reach VIP 192.0.2.10 before the announcement",
                        "VIP 192.0.2.10 announced", "client cannot reach VIP 2001:db8::10 before the announcement",
                        "client reaches VIP 192.0.2.10 after the announcement", "VIP 2001:db8::10 added to eth0",
                        "VIP 2001:db8::10 announced", "client reaches VIP 2001:db8::10 after the announcement",
                        "an unused address times out", "java TakeoverEdges",
                        "client ARP entry moved to the director", "client IPv6 neighbour entry moved to the director");
    }
}
