package io.lvs.agent.health;

import static io.lvs.agent.health.Probing.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs.agent.kernel.testing.Cmd;
import io.lvs.agent.kernel.testing.Netns;
import io.lvs.agent.kernel.testing.Root;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * As root: a real server behind a veth starts dropping SYNs (an nftables rule in its namespace, as a
 * firewall would) and is taken down after fall timeouts, then comes back when the rule goes, while
 * 1,000 checks of another port of the same host keep their schedule (none starts as late as it would
 * if the engine waited for the firewalled probe). The monitor runs in its own namespace: its engine
 * thread is started there, so its sockets live there.
 */
class NftBlackHoleTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final InetAddress SERVER = InetAddress.ofLiteral("192.0.2.2");
    private Netns.Pair hosts;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void clientAndServer() {
        Root.assume("network namespaces and nftables rules");
        assumeTrue(Cmd.run("nft", "--version").exitCode() == 0, "skipped: needs nft (nftables; e2e/guest/install-deps.sh installs it)");
        hosts = Netns.pair("health-nft", "health-c", "health-s");
        hosts.a().ip("addr", "add", "192.0.2.1/24", "dev", "health-c");
        hosts.b().ip("addr", "add", "192.0.2.2/24", "dev", "health-s");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
        if (hosts != null) {
            hosts.close();
        }
    }

    private void nft(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", hosts.b().name(), "nft"));
        cmd.addAll(List.of(args));
        Cmd.ok(cmd.toArray(String[]::new));
    }

    @Test
    void aServerThatStartsDroppingSynsGoesDownAfterFallTimeoutsAndTheOthersKeepTheirSchedule() {
        LoopbackServer many = hosts.b().namespace().call(() -> LoopbackServer.tcp(new InetSocketAddress(SERVER, 8080)));
        closing.add(many);
        LoopbackServer guarded = hosts.b().namespace().call(() -> LoopbackServer.tcp(new InetSocketAddress(SERVER, 8443)));
        closing.add(guarded);
        Transitions transitions = new Transitions();
        HealthMonitor m = hosts.a().namespace().call(() -> HealthMonitor.start(HealthMonitor.Options.defaults(), transitions));
        closing.add(m);

        List<CheckTarget> targets = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            targets.add(new CheckTarget(key("many"), SERVER, 8080, CheckSpec.tcp(SECOND, SECOND, 2, 3), true));
        }
        List<CheckKey> others = targets.stream().map(CheckTarget::key).toList();
        // long, so that a check waiting for the firewalled one would be late by far more than any scheduling noise
        Duration timeout = Duration.ofSeconds(4);
        CheckTarget firewalled = new CheckTarget(key("firewalled"), SERVER, 8443, CheckSpec.tcp(timeout, timeout, 1, 2), true);
        targets.add(firewalled);
        List<CheckKey> all = targets.stream().map(CheckTarget::key).toList();
        Instant start = Instant.now();
        m.update(targets);
        Transitions.eventually(() -> ScheduleUnderLoad.allProbedSince(m, all, start), () -> "every check probed once");
        assertEquals("connected", m.state(firewalled.key()).orElseThrow().lastProbe().orElseThrow().message());
        ScheduleUnderLoad.overTwoRounds(m, others, SECOND, "without the black hole");

        HealthMetrics before = m.metrics();
        nft("add", "table", "inet", "health");
        nft("add", "chain", "inet", "health", "input", "{ type filter hook input priority 0; policy accept; }");
        nft("add", "rule", "inet", "health", "input", "tcp", "dport", "8443", "drop");
        // down on the second timeout: two whole black-holed probes lie in the window
        Transition down = transitions.await(firewalled.key(), 1);
        assertFalse(down.healthy());
        assertEquals(Outcome.TIMEOUT, down.probe().outcome());
        assertEquals("timed out after 4s connecting", down.probe().message());
        assertTrue(down.probe().latency().compareTo(timeout) >= 0, down.toString());
        assertTrue(m.metrics().probes(CheckType.TCP, Outcome.TIMEOUT) - before.probes(CheckType.TCP, Outcome.TIMEOUT) >= 2,
                "down after fall (2) timeouts: " + m.metrics().probes());
        // a check held up by the last of those probes would start right after it: let each start once more
        Instant downAt = Instant.now();
        Transitions.eventually(() -> ScheduleUnderLoad.allProbedSince(m, others, downAt), () -> "every check probed after the timeouts");
        ScheduleUnderLoad.between(before, m.metrics()).assertNoneWaitedFor(timeout, SECOND, 3 * 1000, "while the firewalled server timed out");

        nft("delete", "table", "inet", "health");
        Transition up = transitions.await(firewalled.key(), 2);
        assertTrue(up.healthy());
        assertEquals("connected", up.probe().message());
        assertEquals(2, transitions.all().size(), "none of the 1,000 changed: " + transitions.all());
    }
}
