package io.lvs.agent.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The result of one probe.
 *
 * @param outcome  Success, Failure or Timeout
 * @param latency  from the probe's start (socket opened, echo sent) to its end, measured on a monotonic clock
 * @param finished when it ended (wall clock)
 * @param message  a short human sentence: "connected", "HTTP 503", "connection refused", "timed out after 1s ..."
 */
public record ProbeResult(Outcome outcome, Duration latency, Instant finished, String message) {
    public ProbeResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(finished, "finished");
        Objects.requireNonNull(message, "message");
    }

    public boolean success() {
        return outcome == Outcome.SUCCESS;
    }
}
