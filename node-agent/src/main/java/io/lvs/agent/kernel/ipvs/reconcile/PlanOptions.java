package io.lvs.agent.kernel.ipvs.reconcile;

import java.time.Duration;
import java.util.Objects;

/**
 * How the planner removes destinations.
 *
 * @param drain        true: a leaving destination first goes to weight 0 and is deleted on a later pass,
 *                     once it has no active connections or the deadline has passed; false: delete at once
 * @param drainTimeout the longest a drain may last
 */
public record PlanOptions(boolean drain, Duration drainTimeout) {
    public PlanOptions {
        Objects.requireNonNull(drainTimeout);
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drain timeout " + drainTimeout + " is negative");
        }
    }

    /** Remove leaving destinations at once. */
    public static PlanOptions immediate() {
        return new PlanOptions(false, Duration.ZERO);
    }

    /** Drain leaving destinations for at most {@code timeout}. */
    public static PlanOptions draining(Duration timeout) {
        return new PlanOptions(true, timeout);
    }
}
