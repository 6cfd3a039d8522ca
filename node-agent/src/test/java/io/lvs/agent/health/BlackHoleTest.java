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
 * their timeout, while 1,000 other checks on the same engine thread keep their schedule: none starts as
 * late as it would if the engine waited for a black hole (several seconds), whatever the load.
 */
class BlackHoleTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    /** Long, so that a check waiting for a black hole would be late by far more than any scheduling noise. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

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
            Instant start = Instant.now();
            m.update(targets);
            Transitions.eventually(() -> ScheduleUnderLoad.allProbedSince(m, others, start), () -> "every check probed once");
            ScheduleUnderLoad.overTwoRounds(m, others, SECOND, "without the black holes");

            // the same 1,000, unchanged (they keep their schedule), and the black holes
            CheckTarget tcpHole = new CheckTarget(key("no-syn-ack"), LOOPBACK, noSynAck.port(), CheckSpec.tcp(TIMEOUT, TIMEOUT, 1, 1), true);
            CheckTarget httpHole = new CheckTarget(key("no-answer"), LOOPBACK, hangs.port(),
                    CheckSpec.http(TIMEOUT, TIMEOUT, 1, 1, HttpRequest.defaults()), true);
            targets.add(tcpHole);
            targets.add(httpHole);
            HealthMetrics before = m.metrics();
            m.update(targets);

            // each black hole's first probe lies wholly in the window: from its slot to its timeout
            Transition tcpDown = transitions.await(tcpHole.key(), 1);
            Transition httpDown = transitions.await(httpHole.key(), 1);
            // a check held up by the last of those probes would start right after it: let each start once more
            Instant bothDown = Instant.now();
            Transitions.eventually(() -> ScheduleUnderLoad.allProbedSince(m, others, bothDown), () -> "every check probed after the timeouts");
            HealthMetrics after = m.metrics();
            ScheduleUnderLoad.between(before, after).assertNoneWaitedFor(TIMEOUT, SECOND, 3 * 1000, "while the black holes timed out");

            assertFalse(tcpDown.healthy());
            assertEquals(Outcome.TIMEOUT, tcpDown.probe().outcome());
            assertEquals("timed out after 5s connecting", tcpDown.probe().message());
            assertAfterItsTimeout(tcpDown.probe());
            assertFalse(httpDown.healthy());
            assertEquals(Outcome.TIMEOUT, httpDown.probe().outcome());
            assertEquals("timed out after 5s waiting for the response", httpDown.probe().message());
            assertAfterItsTimeout(httpDown.probe());
            assertEquals(2, transitions.all().size(), "only the black holes changed, once each: " + transitions.all());
            assertEquals(Set.of(tcpHole.key(), httpHole.key()), transitions.all().stream().map(Transition::key).collect(Collectors.toSet()));
            assertEquals(1000, after.healthyTargets());
            assertEquals(2, after.unhealthyTargets());
        }
    }

    /** Ended by its own deadline: not before it, and not later than scheduling noise explains. */
    private static void assertAfterItsTimeout(ProbeResult probe) {
        assertTrue(probe.latency().compareTo(TIMEOUT) >= 0, "not before its timeout: " + probe);
        assertTrue(probe.latency().compareTo(TIMEOUT.plus(ScheduleUnderLoad.NOISE_CEILING)) < 0, "at its timeout, not much later: " + probe);
    }
}
