package io.lvs.agent.health;

import java.util.random.RandomGenerator;

/**
 * When the probes of one target start, on the monotonic clock (nanoseconds): a first slot at a random
 * point of the first interval, so that thousands of targets added at once do not probe in one burst,
 * then one slot per interval at a fixed rate. A probe that starts more than an interval late skips the
 * missed slots instead of catching up in a burst, and keeps its phase, so a stalled engine (a GC
 * pause, an overload) does not line all targets up on the same instant afterwards.
 */
final class Schedule {
    private Schedule() {
    }

    /** The first slot of a target added (or changed) at {@code now}: uniformly within [now, now + interval). */
    static long firstSlot(long now, long intervalNanos, RandomGenerator random) {
        return now + random.nextLong(intervalNanos);
    }

    /** The slot after {@code slot} for a probe that started at {@code startedAt}: the first slot in phase after that start. */
    static long nextSlot(long slot, long startedAt, long intervalNanos) {
        long next = slot + intervalNanos;
        if (next - startedAt <= 0) {
            long missed = (startedAt - next) / intervalNanos + 1;
            next += missed * intervalNanos;
        }
        return next;
    }
}
