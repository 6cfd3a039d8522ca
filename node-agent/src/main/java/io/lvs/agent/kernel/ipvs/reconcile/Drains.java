package io.lvs.agent.kernel.ipvs.reconcile;

import java.time.Instant;
import java.util.Map;

/**
 * Destinations being drained (weight 0, waiting for their connections to end) and when each drain
 * began. The planner takes it in and hands the next one back, so it holds no clock of its own.
 *
 * @param started drain start time per destination
 */
public record Drains(Map<DestinationRef, Instant> started) {
    public Drains {
        started = Map.copyOf(started);
    }

    public static Drains none() {
        return new Drains(Map.of());
    }

    public boolean isDraining(DestinationRef ref) {
        return started.containsKey(ref);
    }
}
