package io.lvs.agent.health;

import static io.lvs.agent.health.Probing.LOOPBACK;
import static io.lvs.agent.health.Probing.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.health.LoopbackServer.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A server that never answers the SYN and one that accepts but never answers HTTP each go down after
 * their timeout, while 1,000 other checks on the same engine thread keep their schedule.
 */
class BlackHoleTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @Test
    void blackHolesGoDownAfterTheirTimeoutWhileAThousandOthersKeepTheirSchedule() {
        Transitions transitions = new Transitions();
        try (LoopbackServer live = LoopbackServer.tcp(LOOPBACK);
             SynBlackHole noSynAck = new SynBlackHole(LOOPBACK);
             LoopbackServer hangs = LoopbackServer.http(LOOPBACK, r -> new Reply.Silent());
             HealthMonitor m = HealthMonitor.start(HealthMonitor.Options.defaults(), transitions)) {
            List<CheckTarget> targets = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                targets.add(new CheckTarget(key("live"), LOOPBACK, live.port(), CheckSpec.tcp(SECOND, SECOND, 2, 3), true));
            }
            List<CheckKey> others = targets.stream().map(CheckTarget::key).toList();
            CheckTarget tcpHole = new CheckTarget(key("no-syn-ack"), LOOPBACK, noSynAck.port(), CheckSpec.tcp(SECOND, TIMEOUT, 1, 1), true);
            CheckTarget httpHole = new CheckTarget(key("no-answer"), LOOPBACK, hangs.port(),
                    CheckSpec.http(SECOND, TIMEOUT, 1, 1, HttpRequest.defaults()), true);
            targets.add(tcpHole);
            targets.add(httpHole);
            Instant start = Instant.now();
            m.update(targets);

            Transition tcpDown = transitions.await(tcpHole.key(), 1);
            assertFalse(tcpDown.healthy());
            assertEquals(Outcome.TIMEOUT, tcpDown.probe().outcome());
            assertEquals("timed out after 500ms connecting", tcpDown.probe().message());
            assertAfterItsTimeout(tcpDown.probe());
            Transition httpDown = transitions.await(httpHole.key(), 1);
            assertEquals("timed out after 500ms waiting for the response", httpDown.probe().message());
            assertAfterItsTimeout(httpDown.probe());

            // a window of two more rounds of the 1,000, with the black holes timing out in it
            Transitions.eventually(() -> ScheduleUnderLoad.allProbedSince(m, others, start), () -> "every check probed once");
            HealthMetrics before = m.metrics();
            Instant windowStart = Instant.now();
            Transitions.eventually(() -> ScheduleUnderLoad.allProbedSince(m, others, windowStart.plus(SECOND)),
                    () -> "every check probed twice more");
            HealthMetrics after = m.metrics();
            ScheduleUnderLoad.between(before, after).assertFarBelowASecond(2000);
            assertTrue(after.probes(CheckType.TCP, Outcome.TIMEOUT) - before.probes(CheckType.TCP, Outcome.TIMEOUT) >= 1,
                    "the black hole kept timing out in the window");
            assertEquals(2, transitions.all().size(), "only the black holes changed, once each: " + transitions.all());
            assertEquals(Set.of(tcpHole.key(), httpHole.key()), transitions.all().stream().map(Transition::key).collect(Collectors.toSet()));
            assertEquals(1000, after.healthyTargets());
            assertEquals(2, after.unhealthyTargets());
        }
    }

    private static void assertAfterItsTimeout(ProbeResult probe) {
        assertTrue(probe.latency().compareTo(TIMEOUT) >= 0, "not before its timeout: " + probe);
        assertTrue(probe.latency().compareTo(TIMEOUT.plus(SECOND)) < 0, "at its timeout, not much later: " + probe);
    }
}
