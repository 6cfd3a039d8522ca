package io.lvs.agent.health;

/**
 * The rise/fall state machine of one target: its health and the streak of consecutive results that
 * argue against it. A healthy target turns unhealthy after {@code fall} failures in a row, an unhealthy
 * one healthy after {@code rise} successes in a row; one result the other way resets the streak.
 */
record RiseFall(boolean healthy, int streak) {
    static RiseFall start(boolean healthy) {
        return new RiseFall(healthy, 0);
    }

    /** The state after one more probe result. */
    RiseFall next(boolean success, int rise, int fall) {
        if (success == healthy) {
            return streak == 0 ? this : new RiseFall(healthy, 0);
        }
        int s = streak + 1;
        return s >= (healthy ? fall : rise) ? new RiseFall(!healthy, 0) : new RiseFall(healthy, s);
    }

    /** The same health with the streak forgotten: a changed check starts counting again. */
    RiseFall restart() {
        return new RiseFall(healthy, 0);
    }
}
