package io.lvs.agent.health;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot of a histogram of durations with fixed buckets, shaped for Prometheus: {@code cumulativeCounts.get(i)}
 * observations were at most {@code upperBounds.get(i)} (the {@code le} label), {@code count} is the
 * {@code +Inf} bucket, {@code sum} the total of all observations.
 */
public record Histogram(List<Duration> upperBounds, List<Long> cumulativeCounts, long count, Duration sum) {
    public Histogram {
        upperBounds = List.copyOf(upperBounds);
        cumulativeCounts = List.copyOf(cumulativeCounts);
        Objects.requireNonNull(sum, "sum");
        if (upperBounds.size() != cumulativeCounts.size()) {
            throw new IllegalArgumentException("one count per bucket: " + upperBounds.size() + " bounds, "
                    + cumulativeCounts.size() + " counts");
        }
    }

    /** Observations of at most {@code bound}, which must be one of the bucket bounds. */
    public long countAtMost(Duration bound) {
        int i = upperBounds.indexOf(bound);
        if (i < 0) {
            throw new IllegalArgumentException(bound + " is not a bucket bound of this histogram: " + upperBounds);
        }
        return cumulativeCounts.get(i);
    }
}
