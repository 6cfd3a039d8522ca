package io.lvs.agent.health;

import java.time.Instant;
import java.util.Objects;

/**
 * A target changed health: emitted the moment the deciding probe ends.
 *
 * @param key     the target
 * @param healthy its new state
 * @param at      when it changed (the deciding probe's end)
 * @param probe   the deciding probe
 */
public record Transition(CheckKey key, boolean healthy, Instant at, ProbeResult probe) {
    public Transition {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(probe, "probe");
    }
}
