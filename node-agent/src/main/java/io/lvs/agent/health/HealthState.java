package io.lvs.agent.health;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the monitor currently believes about one target.
 *
 * @param healthy   after rise/fall
 * @param since     when {@code healthy} last changed, or when the target was first monitored
 * @param lastProbe the latest finished probe; empty until the first one ends
 */
public record HealthState(boolean healthy, Instant since, Optional<ProbeResult> lastProbe) {
    public HealthState {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(lastProbe, "lastProbe");
    }
}
