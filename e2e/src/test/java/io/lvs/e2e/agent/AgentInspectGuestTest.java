package io.lvs.e2e.agent;

import io.lvs.e2e.guest.GuestScenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The node agent's {@code inspect} on a kernel with IPVS (the User-mode Linux guest): ipvsadm writes, the
 * agent reads, and every listing must match ipvsadm's. The checks named here must have run, so a
 * scenario that silently skips a step fails.
 */
class AgentInspectGuestTest {

    @Test
    void inspectListsWhatIpvsadmWroteExactlyAsIpvsadmListsIt() {
        GuestScenario.run("agent-inspect", Duration.ofMinutes(3)).assertPassed(
                "without ip_vs loaded inspect says so, exits 0 and leaves it unloaded",
                "modprobe ip_vs",
                "ipvsadm -R writes the table",
                "ipvsadm sets the timeouts",
                "ipvsadm starts a master and a backup sync daemon",
                "inspect equals ipvsadm -Ln",
                "inspect --stats equals ipvsadm -Ln --stats",
                "inspect --rate equals ipvsadm -Ln --rate",
                "inspect --thresholds equals ipvsadm -Ln --thresholds",
                "inspect --persistent-conn equals ipvsadm -Ln --persistent-conn",
                "inspect --tun-info equals ipvsadm -Ln --tun-info",
                "the table holds the 10 services and 17 destinations ipvsadm wrote",
                "inspect shows the timeouts as ipvsadm -L --timeout",
                "inspect shows the sync daemons as ipvsadm -L --daemon",
                "schedulers in use are loaded, others are modules, twos is absent",
                "the VIPs on lo are listed",
                "IPVS sysctls are read once ip_vs is loaded",
                "after 3 datagrams inspect --stats counts 3 connections",
                "after traffic inspect --stats equals ipvsadm -Ln --stats",
                "java AgentInspect");
    }
}
