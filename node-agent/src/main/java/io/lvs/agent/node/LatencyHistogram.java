package io.lvs.agent.node;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** A fixed-bucket latency histogram (Prometheus style: cumulative buckets, a count and a sum), lock-free. */
public final class LatencyHistogram {
    /** Upper bounds in seconds. */
    public static final double[] BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final AtomicLongArray buckets = new AtomicLongArray(BOUNDS.length);
    private final LongAdder count = new LongAdder();
    private final DoubleAdder sum = new DoubleAdder();

    public void record(Duration d) {
        double s = d.toNanos() / 1e9;
        for (int i = 0; i < BOUNDS.length; i++) {
            if (s <= BOUNDS[i]) {
                buckets.incrementAndGet(i);
                break;
            }
        }
        count.increment();
        sum.add(s);
    }

    /** Observations at or below {@code BOUNDS[i]} (cumulative). */
    public long cumulative(int i) {
        long c = 0;
        for (int j = 0; j <= i; j++) {
            c += buckets.get(j);
        }
        return c;
    }

    public long count() {
        return count.sum();
    }

    public double sum() {
        return sum.sum();
    }
}
