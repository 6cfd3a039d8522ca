package io.lvs.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs.agent.inspect.InspectReport;
import io.lvs.agent.kernel.ipvs.KernelModules;
import io.lvs.agent.kernel.testing.Netns;
import io.lvs.agent.kernel.testing.Root;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end on this host: usage, inspect of the host kernel, and of a namespace with VIPs on lo. */
class NodeAgentCliTest {

    /** What one run printed and how it ended. */
    record Run(int exit, String out, String err) {
    }

    static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = NodeAgentCli.run(List.of(args), env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withoutArgumentsItListsTheCommands() {
        Run r = run(Map.of());
        assertEquals(NodeAgentCli.EXIT_OK, r.exit());
        assertTrue(r.out().startsWith("Usage: lvs-node-agent COMMAND [OPTIONS]"), r.out());
        assertTrue(r.out().contains("  inspect [--netns NAME] [--stats | --rate | --thresholds | --persistent-conn | --tun-info]"),
                r.out());
        assertTrue(r.out().contains("  run\n") && r.out().contains("  cleanup\n"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void runWithoutItsSettingsAndUnknownCommandsAreUsageErrors() {
        Run noNode = run(Map.of(), "run");
        assertEquals(NodeAgentCli.EXIT_USAGE, noNode.exit());
        assertTrue(noNode.err().contains("NODE_NAME is not set"), noNode.err());
        Run unknown = run(Map.of(), "inspect", "--verbose");
        assertEquals(NodeAgentCli.EXIT_USAGE, unknown.exit());
        assertEquals("lvs-node-agent: unknown option '--verbose' for inspect\nTry 'lvs-node-agent help'.\n", unknown.err());
        assertEquals("", unknown.out());
    }

    @Test
    void onAKernelWithoutIpvsInspectSaysSoAndPrintsTheRestWithExitZero() {
        assumeTrue(KernelModules.system().state("ip_vs") == KernelModules.State.ABSENT,
                "skipped: this kernel has IPVS (the guest scenario agent-inspect covers a kernel with IPVS)");

        Run r = run(Map.of("NODE_NAME", "worker-7"), "inspect");

        assertEquals(NodeAgentCli.EXIT_OK, r.exit(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().startsWith("# lvs-node-agent inspect\nnode: worker-7\nnetwork namespace: current network namespace\n"),
                r.out());
        assertTrue(r.out().contains(InspectReport.IPVS_SECTION + "\nIPVS is not available in current network namespace: the "
                + "kernel has no generic netlink family \"IPVS\"; load the ip_vs module"), r.out());
        assertTrue(r.out().contains("\n# IPVS schedulers\nrr     absent\n"), r.out());
        assertTrue(r.out().contains("\ntwos   absent\n"), r.out());
        assertTrue(r.out().contains("\n# Addresses on lo\nlo: up\ninet 127.0.0.1/8 scope host lo\n"), r.out());
        assertTrue(r.out().contains("\n# Sysctls (net.* read under /proc/sys/net)\nnet.ipv4.ip_forward "), r.out());
        assertTrue(r.out().contains("\nnet.ipv4.vs.conntrack              = absent\n"), r.out());
    }

    @Test
    void aNamespaceThatDoesNotExistIsOneErrorNamingIt() {
        Run r = run(Map.of(), "inspect", "--netns", "lvs-no-such-namespace");
        assertEquals(NodeAgentCli.EXIT_INCOMPLETE, r.exit());
        assertEquals("", r.out());
        assertEquals("lvs-node-agent inspect: cannot enter network namespace /var/run/netns/lvs-no-such-namespace: "
                + "stat /var/run/netns/lvs-no-such-namespace: ENOENT (No such file or directory)\n", r.err());
    }

    @Test
    void aSysctlDirectoryThatIsNotThereIsAnErrorNotAHostWithoutParameters() {
        Run r = run(Map.of("LVS_AGENT_SYSCTL_NET", "/nonexistent/proc/sys/net"), "inspect");
        assertEquals(NodeAgentCli.EXIT_INCOMPLETE, r.exit());
        assertTrue(r.out().endsWith("# Sysctls (net.* read under /nonexistent/proc/sys/net)\n"
                + "error: /nonexistent/proc/sys/net is not a directory here, so no net.* parameter can be read\n"), r.out());
        assertTrue(r.err().contains("some of this node's state could not be read"), r.err());
    }

    @Test
    void aRealServersVipsOnLoAndItsArpSysctlsAreShownFromItsNamespace(@TempDir Path dir) throws IOException {
        Root.assume("creating a network namespace");
        // the DaemonSet's view of the host: /proc/sys/net reached through another path
        Path hostSysctls = Files.createSymbolicLink(dir.resolve("net"), Path.of("/proc/sys/net"));
        try (Netns rs = Netns.create("inspect")) {
            rs.ip("addr", "add", "203.0.113.10/32", "dev", "lo");
            rs.ip("addr", "add", "2001:db8::10/128", "dev", "lo");
            rs.exec("sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2").requireOk();

            Run r = run(Map.of("NODE_NAME", "rs-1", "LVS_AGENT_SYSCTL_NET", hostSysctls.toString()),
                    "inspect", "--netns", rs.name());

            assertEquals(NodeAgentCli.EXIT_OK, r.exit(), r.err());
            assertTrue(r.out().contains("network namespace: network namespace /var/run/netns/" + rs.name() + "\n"), r.out());
            assertTrue(r.out().contains("\n# Addresses on lo\nlo: up\ninet 127.0.0.1/8 scope host lo\n"
                    + "inet 203.0.113.10/32 scope global lo\n"), r.out());
            assertTrue(r.out().contains("\ninet6 2001:db8::10/128 scope global"), r.out());
            assertTrue(r.out().contains("# Sysctls (net.* read under " + hostSysctls + ")\n"), r.out());
            assertTrue(r.out().contains("\nnet.ipv4.conf.all.arp_ignore       = 1\n"), r.out());
            assertTrue(r.out().contains("\nnet.ipv4.conf.all.arp_announce     = 2\n"), r.out());
        } finally {
            Files.delete(hostSysctls); // before JUnit's clean-up, which warns about links leaving the temp dir
        }
    }
}
