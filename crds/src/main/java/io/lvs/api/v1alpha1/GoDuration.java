package io.lvs.api.v1alpha1;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;

/**
 * Durations in the API are strings in Go's (and CEL's) notation, e.g. {@code 500ms}, {@code 2s}, {@code 1m30s}.
 * This class holds the schema pattern and parses such strings.
 */
public final class GoDuration {
    /** The OpenAPI pattern every duration field carries: one or more number+unit pairs, units h, m, s, ms. */
    public static final String PATTERN = "^([0-9]+(\\.[0-9]+)?(h|m|s|ms))+$";

    private static final java.util.regex.Pattern WHOLE = java.util.regex.Pattern.compile(PATTERN);
    private static final java.util.regex.Pattern PART = java.util.regex.Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(h|ms|m|s)");

    /** The few distinct durations objects use, parsed once (agents parse each VirtualService's on every computation). */
    private static final Map<String, Duration> PARSED = new ConcurrentHashMap<>();
    private static final int PARSED_MAX = 512;

    private GoDuration() {
    }

    /** Parses a duration string; throws IllegalArgumentException with the offending text when it is malformed. */
    public static Duration parse(String text) {
        Duration known = text == null ? null : PARSED.get(text);
        if (known != null) {
            return known;
        }
        Duration d = parseText(text);
        if (PARSED.size() < PARSED_MAX) {
            PARSED.put(text, d);
        }
        return d;
    }

    private static Duration parseText(String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 2s or 1m30s");
        }
        Matcher m = PART.matcher(text);
        long nanos = 0;
        while (m.find()) {
            java.math.BigDecimal n = new java.math.BigDecimal(m.group(1));
            long unit = switch (m.group(2)) {
                case "h" -> 3_600_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "s" -> 1_000_000_000L;
                default -> 1_000_000L;
            };
            nanos = Math.addExact(nanos, n.multiply(java.math.BigDecimal.valueOf(unit)).longValue());
        }
        return Duration.ofNanos(nanos);
    }
}
