package io.lvs.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Collection;

/**
 * Scheduling lag of many checks over a window, from two snapshots of the monitor's metrics: how late
 * probes started against their slots while something else (a black hole) was going on.
 */
record ScheduleUnderLoad(long started, long within10ms, long within100ms, long within500ms) {
    static ScheduleUnderLoad between(HealthMetrics before, HealthMetrics after) {
        Histogram a = before.schedulingLag();
        Histogram b = after.schedulingLag();
        return new ScheduleUnderLoad(b.count() - a.count(), at(a, b, 10), at(a, b, 100), at(a, b, 500));
    }

    private static long at(Histogram a, Histogram b, long ms) {
        Duration d = Duration.ofMillis(ms);
        return b.countAtMost(d) - a.countAtMost(d);
    }

    /**
     * Every probe started within half the interval of 1 s, and 99 % within 100 ms: far below the
     * interval, with room for a loaded, shared machine (the typical lag is the selector's millisecond).
     */
    void assertFarBelowASecond(int expectedAtLeast) {
        System.out.printf("scheduling lag over %d probe starts: %d within 10 ms, %d within 100 ms, %d within 500 ms%n",
                started, within10ms, within100ms, within500ms);
        assertTrue(started >= expectedAtLeast, "the checks kept being probed: " + this);
        assertEquals(started, within500ms, "no probe started half an interval late: " + this);
        assertTrue(within100ms >= started * 99 / 100, "99 % within 100 ms: " + this);
    }

    /** True when every one of {@code keys} finished a probe after {@code since}. */
    static boolean allProbedSince(HealthMonitor m, Collection<CheckKey> keys, java.time.Instant since) {
        return keys.stream().allMatch(k -> m.state(k).flatMap(HealthState::lastProbe).map(p -> p.finished().isAfter(since)).orElse(false));
    }
}
