package io.lvs.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Probe slots on a fake monotonic clock: jittered first slots, fixed rate, no catch-up bursts. */
class ScheduleTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void firstSlotsSpreadOverTheFirstInterval() {
        SplittableRandom random = new SplittableRandom(42);
        long now = 5 * SECOND;
        int[] tenths = new int[10];
        for (int i = 0; i < 10_000; i++) {
            long slot = Schedule.firstSlot(now, SECOND, random);
            assertTrue(slot >= now && slot < now + SECOND, "within [now, now + interval): " + (slot - now));
            tenths[(int) ((slot - now) * 10 / SECOND)]++;
        }
        for (int t = 0; t < 10; t++) {
            assertTrue(tenths[t] > 800 && tenths[t] < 1200, "about a tenth of the targets in each tenth: " + java.util.Arrays.toString(tenths));
        }
    }

    @Test
    void onTimeAndSlightlyLateProbesKeepAFixedRate() {
        long slot = 10 * SECOND;
        long next = Schedule.nextSlot(slot, slot, SECOND);
        assertEquals(11 * SECOND, next);
        // started 300 ms late: the next slot does not drift by those 300 ms
        assertEquals(12 * SECOND, Schedule.nextSlot(next, next + 300_000_000L, SECOND));
    }

    @Test
    void aProbeMoreThanAnIntervalLateSkipsTheMissedSlotsAndKeepsItsPhase() {
        long slot = 10 * SECOND + 250_000_000L; // phase: .25 s
        // the engine stalled: the probe started 3.5 s late
        long next = Schedule.nextSlot(slot, slot + 3_500_000_000L, SECOND);
        assertEquals(14 * SECOND + 250_000_000L, next, "the first slot in phase after the late start, not a burst of 3");
        // exactly one interval late: the next slot is one interval after the start
        assertEquals(slot + 2 * SECOND, Schedule.nextSlot(slot, slot + SECOND, SECOND));
    }

    @Test
    void slotsWorkAcrossTheMonotonicClocksWrap() {
        long slot = Long.MAX_VALUE - SECOND / 2;
        long next = Schedule.nextSlot(slot, slot, SECOND);
        assertEquals(SECOND, next - slot, "nanoTime may wrap: only differences count");
    }
}
