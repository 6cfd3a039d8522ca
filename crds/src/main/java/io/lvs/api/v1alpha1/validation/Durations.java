package io.lvs.api.v1alpha1.validation;

import io.lvs.api.v1alpha1.GoDuration;
import java.time.Duration;
import java.util.Optional;

/** Duration checks shared by the validators. */
final class Durations {
    private Durations() {
    }

    /** The parsed duration, or empty after recording a format violation. */
    static Optional<Duration> parse(Violations v, String value, String field) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(GoDuration.parse(value));
        } catch (IllegalArgumentException | ArithmeticException e) {
            v.check(false, field, field + " must be a duration such as 500ms, 2s or 1m30s (got \"" + value + "\")");
            return Optional.empty();
        }
    }

    /** Checks {@code min <= value <= max} (inclusive), recording {@code message} when it is not. */
    static void between(Violations v, String value, Duration min, Duration max, String field, String message) {
        parse(v, value, field).ifPresent(d -> v.check(d.compareTo(min) >= 0 && d.compareTo(max) <= 0, field, message));
    }
}
