package io.lvs.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rise/fall state machine: results in, health out. */
class RiseFallTest {
    /** Feeds results ('+' success, '-' failure) and returns the health after each. */
    private static String run(boolean startHealthy, int rise, int fall, String results) {
        RiseFall s = RiseFall.start(startHealthy);
        StringBuilder out = new StringBuilder();
        for (char c : results.toCharArray()) {
            s = s.next(c == '+', rise, fall);
            out.append(s.healthy() ? 'U' : 'D');
        }
        return out.toString();
    }

    @Test
    void aHealthyTargetFallsOnItsFallthFailureInARow() {
        assertEquals("UUD", run(true, 2, 3, "---"));
        assertEquals("UUDDD", run(true, 2, 3, "-----"));
    }

    @Test
    void oneSuccessResetsTheFailureStreak() {
        // two failures, a success, two failures: never three in a row
        assertEquals("UUUUU", run(true, 2, 3, "--+--"));
        assertEquals("UUUUUD", run(true, 2, 3, "--+---"));
    }

    @Test
    void anUnhealthyTargetRisesOnItsRisethSuccessInARow() {
        assertEquals("DU", run(false, 2, 3, "++"));
        assertEquals("DDDU", run(false, 2, 3, "+-++"));
        assertEquals("DDDDDU", run(false, 3, 1, "++-+++"));
    }

    @Test
    void riseAndFallOfOneDecideOnEveryProbe() {
        assertEquals("DUDUUD", run(true, 1, 1, "-+-++-"));
    }

    @Test
    void aTargetThatFlapsMovesOnlyAfterWholeStreaks() {
        // fall 3, rise 2: down after ---, up after ++, the odd result in between changes nothing
        String results = "--+---+-++-+---";
        assertEquals("UUUUUDDDDUUUUUD", run(true, 2, 3, results));
    }

    @Test
    void restartKeepsHealthAndForgetsTheStreak() {
        RiseFall s = RiseFall.start(true).next(false, 2, 3).next(false, 2, 3);
        assertEquals(new RiseFall(true, 2), s);
        RiseFall r = s.restart();
        assertTrue(r.healthy());
        assertEquals(0, r.streak());
        assertTrue(r.next(false, 2, 3).healthy(), "counting starts over after a restart");
    }

    @Test
    void theTransitionHappensOnTheDecidingResultExactly() {
        List<Integer> transitions = new ArrayList<>();
        RiseFall s = RiseFall.start(true);
        String results = "-----+++++";
        for (int i = 0; i < results.length(); i++) {
            RiseFall n = s.next(results.charAt(i) == '+', 4, 2);
            if (n.healthy() != s.healthy()) {
                transitions.add(i);
            }
            s = n;
        }
        assertEquals(List.of(1, 8), transitions, "down on the 2nd failure (fall 2), up on the 4th success (rise 4)");
        assertFalse(RiseFall.start(false).next(true, 4, 2).healthy());
    }
}
