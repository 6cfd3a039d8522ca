package io.lvs.agent.health;

import static io.lvs.agent.health.Probing.GENEROUS;
import static io.lvs.agent.health.Probing.LOOPBACK;
import static io.lvs.agent.health.Probing.LOOPBACK6;
import static io.lvs.agent.health.Probing.firstProbe;
import static io.lvs.agent.health.Probing.firstProbeAtOnce;
import static io.lvs.agent.health.Probing.target;
import static io.lvs.agent.health.Probing.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TCP checks against real sockets on loopback: a listener, a closed port, a port that drops SYNs. Single
 * probes start at once and, unless they are to time out, have a generous timeout.
 */
class TcpCheckTest {
    private final Transitions transitions = new Transitions();
    private HealthMonitor monitor;

    @BeforeEach
    void start() {
        monitor = HealthMonitor.start(firstProbeAtOnce(), transitions);
    }

    @AfterEach
    void stop() {
        monitor.close();
    }

    @Test
    void aListeningServerPassesWithItsHandshakeTime() {
        try (LoopbackServer server = LoopbackServer.tcp(LOOPBACK)) {
            ProbeResult r = firstProbe(monitor, target("web", LOOPBACK, server.port(), tcp(GENEROUS, GENEROUS, 2, 3)));
            assertEquals(Outcome.SUCCESS, r.outcome());
            assertEquals("connected", r.message());
            assertTrue(r.latency().isPositive() && r.latency().compareTo(GENEROUS) < 0, r.toString());
        }
    }

    @Test
    void ipv6WorksTheSameWay() {
        try (LoopbackServer server = LoopbackServer.tcp(LOOPBACK6)) {
            ProbeResult r = firstProbe(monitor, target("web6", LOOPBACK6, server.port(), tcp(GENEROUS, GENEROUS, 2, 3)));
            assertEquals(Outcome.SUCCESS, r.outcome(), r.toString());
        }
    }

    @Test
    void aClosedPortFailsAsConnectionRefused() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            port = s.getLocalPort();
        }
        ProbeResult r = firstProbe(monitor, target("gone", LOOPBACK, port, tcp(GENEROUS, GENEROUS, 2, 3)));
        assertEquals(Outcome.FAILURE, r.outcome());
        assertEquals("connection refused", r.message());
    }

    @Test
    void aServerThatNeverAnswersTheSynTimesOutAfterTheTimeout() {
        // it times out whatever the timeout: a short one keeps the test short
        Duration timeout = Duration.ofMillis(250);
        try (SynBlackHole hole = new SynBlackHole(LOOPBACK)) {
            ProbeResult r = firstProbe(monitor, target("hole", LOOPBACK, hole.port(), tcp(GENEROUS, timeout, 2, 3)));
            assertEquals(Outcome.TIMEOUT, r.outcome());
            assertEquals("timed out after 250ms connecting", r.message());
            assertTrue(r.latency().compareTo(timeout) >= 0, "not before the timeout: " + r.latency());
            assertTrue(r.latency().compareTo(timeout.plus(ScheduleUnderLoad.NOISE_CEILING)) < 0, "and not much after it: " + r.latency());
        }
    }

    @Test
    void thousandsOfProbesLeaveNoTimeWaitSocketsBehind() throws Exception {
        try (LoopbackServer server = LoopbackServer.tcp(LOOPBACK)) {
            // 1,000 checks every 2 s (generous timeouts: every probe must succeed) make the 2,000 probes in about 2 s
            Duration interval = Duration.ofSeconds(2);
            List<CheckTarget> targets = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                targets.add(target("many", LOOPBACK, server.port(), tcp(interval, interval, 1, 1)));
            }
            monitor.update(targets);
            Transitions.eventually(() -> monitor.metrics().probes(CheckType.TCP, Outcome.SUCCESS) >= 2000,
                    () -> "2000 probes, done " + monitor.metrics().probesTotal());
            monitor.update(List.of());
            assertEquals(0, timeWait(server.port()), "probes close with a RST: no TIME_WAIT on either side");
            assertEquals(0, monitor.metrics().probes(CheckType.TCP, Outcome.FAILURE) + monitor.metrics().probes(CheckType.TCP, Outcome.TIMEOUT));

            // the oracle sees TIME_WAIT when there is some: an orderly close after the server's FIN leaves the server's side in it
            for (int i = 0; i < 5; i++) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(LOOPBACK, server.port()));
                    InputStream in = s.getInputStream();
                    assertEquals(-1, in.read(), "the TCP test server closes at once");
                }
            }
            Transitions.eventually(() -> timeWait(server.port()) >= 5, () -> "TIME_WAIT sockets: " + timeWait(server.port()));
        }
    }

    /** Sockets in TIME_WAIT (state 06 in /proc/net/tcp) with {@code port} at either end. */
    private static int timeWait(int port) {
        int n = 0;
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(file));
            } catch (IOException e) {
                continue;
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                int remote = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
                if (f[3].equals("06") && (local == port || remote == port)) {
                    n++;
                }
            }
        }
        return n;
    }
}
