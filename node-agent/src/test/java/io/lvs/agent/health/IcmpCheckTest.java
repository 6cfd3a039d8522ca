package io.lvs.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.icmp.IcmpProber;
import io.lvs.agent.kernel.testing.Netns;
import io.lvs.agent.kernel.testing.Root;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ICMP checks through the kernel library's prober, as root, from namespace A to a host that answers
 * (namespace B, IPv4 and IPv6), a host that ignores echo requests (namespace Q,
 * {@code icmp_echo_ignore_all}), and an address nobody has. A probe expected to be answered has a
 * timeout of seconds (the reply passes the prober's threads and the engine's inbox, on a possibly loaded
 * machine); one that can only time out has a short one.
 */
class IcmpCheckTest {
    private static final Duration INTERVAL = Duration.ofMillis(200);
    private static final Duration TIMEOUT = Duration.ofMillis(150);
    private static final Duration ANSWERED = Duration.ofSeconds(1);
    private final Transitions transitions = new Transitions();
    private Netns.Pair hosts;
    private Netns quiet;
    private IcmpProber prober;
    private HealthMonitor monitor;

    @BeforeEach
    void threeHosts() {
        Root.assume("raw ICMP sockets and network namespaces");
        hosts = Netns.pair("health-icmp", "health-a", "health-b");
        Netns a = hosts.a();
        a.ip("addr", "add", "192.0.2.1/24", "dev", "health-a");
        a.ip("addr", "add", "2001:db8::1/64", "dev", "health-a", "nodad");
        hosts.b().ip("addr", "add", "192.0.2.2/24", "dev", "health-b");
        hosts.b().ip("addr", "add", "2001:db8::2/64", "dev", "health-b", "nodad");
        quiet = Netns.create("health-quiet");
        Netns.veth(a, "health-q", quiet, "health-q");
        a.ip("addr", "add", "198.51.100.1/24", "dev", "health-q");
        quiet.ip("addr", "add", "198.51.100.2/24", "dev", "health-q");
        quiet.exec("sysctl", "-qw", "net.ipv4.icmp_echo_ignore_all=1").requireOk();
        prober = IcmpProber.open(a.namespace());
        monitor = HealthMonitor.start(Probing.firstProbeAtOnce().withIcmp(prober), transitions);
    }

    @AfterEach
    void cleanUp() {
        if (monitor != null) {
            monitor.close();
        }
        if (prober != null) {
            prober.close();
        }
        if (quiet != null) {
            quiet.close();
        }
        if (hosts != null) {
            hosts.close();
        }
    }

    private static CheckTarget ping(String name, String address, Duration interval, Duration timeout) {
        return CheckTarget.icmp(new CheckKey(name), InetAddress.ofLiteral(address), CheckSpec.icmp(interval, timeout, 2, 2), true);
    }

    @Test
    void answeringHostsStayUpAndSilentOnesGoDownAfterFallTimeouts() {
        CheckTarget b4 = ping("b-v4", "192.0.2.2", ANSWERED, ANSWERED);
        CheckTarget b6 = ping("b-v6", "2001:db8::2", ANSWERED, ANSWERED);
        CheckTarget silent = ping("quiet", "198.51.100.2", INTERVAL, TIMEOUT);
        CheckTarget nobody = ping("nobody", "192.0.2.99", INTERVAL, TIMEOUT);
        monitor.update(List.of(b4, b6, silent, nobody));

        Transition down = transitions.await(silent.key(), 1);
        assertFalse(down.healthy());
        assertEquals(Outcome.TIMEOUT, down.probe().outcome());
        assertEquals("timed out after 150ms waiting for an echo reply", down.probe().message());
        assertTrue(down.probe().latency().compareTo(TIMEOUT) >= 0, down.toString());
        assertFalse(transitions.await(nobody.key(), 1).healthy());

        Transitions.eventually(() -> monitor.metrics().probes(CheckType.ICMP, Outcome.SUCCESS) >= 4, () -> "each answering host probed twice");
        for (CheckTarget up : List.of(b4, b6)) {
            ProbeResult r = monitor.state(up.key()).orElseThrow().lastProbe().orElseThrow();
            assertEquals(Outcome.SUCCESS, r.outcome(), up.address() + ": " + r);
            assertEquals("echo reply", r.message());
            assertTrue(r.latency().compareTo(ANSWERED) < 0, r.toString());
        }
        assertEquals(List.of(), transitions.of(b4.key()));
        assertEquals(List.of(), transitions.of(b6.key()));
    }

    @Test
    void aHostThatStartsAnsweringComesBackAfterRiseReplies() {
        CheckTarget silent = new CheckTarget(new CheckKey("quiet"), InetAddress.ofLiteral("198.51.100.2"), 0,
                CheckSpec.icmp(ANSWERED, ANSWERED, 2, 2), false);
        monitor.update(List.of(silent));
        Transitions.eventually(() -> monitor.metrics().probes(CheckType.ICMP, Outcome.TIMEOUT) >= 2, () -> "two timeouts");
        assertFalse(monitor.state(silent.key()).orElseThrow().healthy(), "started down, stays down");

        quiet.exec("sysctl", "-qw", "net.ipv4.icmp_echo_ignore_all=0").requireOk();
        Transition up = transitions.await(silent.key(), 1);
        assertTrue(up.healthy());
        assertEquals("echo reply", up.probe().message());
        assertTrue(monitor.metrics().probes(CheckType.ICMP, Outcome.SUCCESS) >= 2, "up after rise (2) replies");
    }
}
