package io.lvs.agent.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** The monitor's counters: written by the engine thread, read by any thread through {@link #snapshot}. */
final class MetricsRecorder {
    /** Probe latency buckets: loopback answers in well under a millisecond, timeouts end at the timeout. */
    static final List<Duration> LATENCY_BUCKETS = millis(0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000);
    /** Scheduling lag buckets: healthy is the selector's millisecond granularity; seconds mean overload. */
    static final List<Duration> LAG_BUCKETS = millis(1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000);

    private final AtomicLongArray probes = new AtomicLongArray(CheckType.values().length * Outcome.values().length);
    private final Map<CheckType, Buckets> latency = new EnumMap<>(CheckType.class);
    private final Buckets lag = new Buckets(LAG_BUCKETS);
    private volatile int inFlight;

    MetricsRecorder() {
        for (CheckType t : CheckType.values()) {
            latency.put(t, new Buckets(LATENCY_BUCKETS));
        }
    }

    void probe(CheckType type, Outcome outcome, long latencyNanos) {
        probes.incrementAndGet(type.ordinal() * Outcome.values().length + outcome.ordinal());
        latency.get(type).observe(latencyNanos);
    }

    void lag(long nanos) {
        lag.observe(Math.max(0, nanos));
    }

    void inFlight(int n) {
        inFlight = n;
    }

    HealthMetrics snapshot(Collection<HealthState> states) {
        Map<CheckType, Map<Outcome, Long>> counts = new EnumMap<>(CheckType.class);
        Map<CheckType, Histogram> latencies = new EnumMap<>(CheckType.class);
        for (CheckType t : CheckType.values()) {
            Map<Outcome, Long> byOutcome = new EnumMap<>(Outcome.class);
            for (Outcome o : Outcome.values()) {
                byOutcome.put(o, probes.get(t.ordinal() * Outcome.values().length + o.ordinal()));
            }
            counts.put(t, byOutcome);
            latencies.put(t, latency.get(t).snapshot());
        }
        long healthy = states.stream().filter(HealthState::healthy).count();
        return new HealthMetrics(counts, latencies, healthy, states.size() - healthy, inFlight, lag.snapshot());
    }

    private static List<Duration> millis(double... ms) {
        List<Duration> out = new ArrayList<>();
        for (double m : ms) {
            out.add(Duration.ofNanos(Math.round(m * 1_000_000)));
        }
        return List.copyOf(out);
    }

    /** One histogram: a count per bucket (the last one is +Inf) and the sum. */
    private static final class Buckets {
        private final List<Duration> bounds;
        private final long[] boundNanos;
        private final AtomicLongArray counts;
        private final AtomicLong sum = new AtomicLong();

        Buckets(List<Duration> bounds) {
            this.bounds = bounds;
            this.boundNanos = bounds.stream().mapToLong(Duration::toNanos).toArray();
            this.counts = new AtomicLongArray(bounds.size() + 1);
        }

        void observe(long nanos) {
            int i = 0;
            while (i < boundNanos.length && nanos > boundNanos[i]) {
                i++;
            }
            counts.incrementAndGet(i);
            sum.addAndGet(nanos);
        }

        Histogram snapshot() {
            List<Long> cumulative = new ArrayList<>(boundNanos.length);
            long running = 0;
            for (int i = 0; i < boundNanos.length; i++) {
                running += counts.get(i);
                cumulative.add(running);
            }
            return new Histogram(bounds, cumulative, running + counts.get(boundNanos.length), Duration.ofNanos(sum.get()));
        }
    }
}
