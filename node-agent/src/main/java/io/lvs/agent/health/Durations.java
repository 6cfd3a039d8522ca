package io.lvs.agent.health;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;

/** Durations as short human text in the API's style: "1s", "200ms", "1.5s", "850us". */
final class Durations {
    private static final MathContext THREE_DIGITS = new MathContext(3);

    private Durations() {
    }

    static String text(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        if (nanos >= 1_000_000_000_000L) {
            return d.toSeconds() + "s";
        }
        if (nanos >= 1_000_000_000L) {
            return in(nanos, 1_000_000_000L, "s");
        }
        if (nanos >= 1_000_000L) {
            return in(nanos, 1_000_000L, "ms");
        }
        if (nanos >= 1_000L) {
            return in(nanos, 1_000L, "us");
        }
        return nanos + "ns";
    }

    /** At most three significant digits, no trailing zeros. */
    private static String in(long nanos, long unit, String suffix) {
        BigDecimal v = BigDecimal.valueOf(nanos).divide(BigDecimal.valueOf(unit)).round(THREE_DIGITS).stripTrailingZeros();
        return v.toPlainString() + suffix;
    }
}
