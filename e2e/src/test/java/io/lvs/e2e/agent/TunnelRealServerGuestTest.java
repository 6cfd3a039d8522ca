package io.lvs.e2e.agent;

import io.lvs.e2e.guest.GuestScenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A Tunnel real server's node on a kernel with tunnel modules, fou and IPVS (the User-mode Linux guest): the agent's
 * control loop makes it receive IPIP, GUE and GRE traffic from a director, and gives it back exactly. The checks named
 * here must have run, so a scenario that silently skips a step fails.
 */
class TunnelRealServerGuestTest {

    @Test
    void aTunnelRealServerNodeDecapsulatesEveryKindAndIsGivenBackExactly() {
        GuestScenario.run("tunnel-real-server", Duration.ofMinutes(5)).assertPassed(
                "modprobe ip_vs",
                "no tunnel module loaded yet",
                "IPVS GUE destination",
                "IPVS GRE destination",
                "no tunnel device before the agent",
                "the IPIP, GRE and IPv6 VirtualServices programmed",
                "without fou the GUE VirtualService's report names the module to load",
                "tunl0 up",
                "gre0 up",
                "ip6tnl0 up",
                "tunl0 rp_filter loosened from strict 1 to 2",
                "conf/all rp_filter left strict",
                "both VIPs on lo",
                "the IPv4 VIP on tunl0 (loose rp_filter needs an address there)",
                "the client gets an answer through IPIP over IPv4",
                "the client gets an answer through GRE over IPv4",
                "the client gets an answer through IPIP over IPv6",
                "IPv4 over IPv6 needs ip6tnl0 in mode any and the report says so",
                "the client gets an answer through IPIP (IPv4 inside) over IPv6",
                "the GUE VirtualService programmed once fou is loaded",
                "ip fou shows GUE port 6080",
                "the client gets an answer through GUE over IPv4",
                "the state directory records the devices it created and the port it opened",
                "a restarted agent adopts with zero kernel operations",
                "the devices the agent created are down (the kernel keeps a module's fallback devices)",
                "addresses, FOU ports and the other sysctls as before",
                "the devices it brought up are recorded, the administrator's gre0 is not",
                "the node is exactly as before (devices, addresses, FOU ports, sysctls)",
                "the administrator's gre0 is still up",
                "java TunnelRealServer",
                "strict rp_filter on tunl0 drops",
                "loose rp_filter on tunl0 without an address drops",
                "loose rp_filter on tunl0 holding the VIP lets it through");
    }
}
