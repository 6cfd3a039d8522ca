package io.lvs.agent.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the Prometheus text exposition format (version 0.0.4): one HELP and TYPE line per metric family, then its
 * samples. Label values are escaped as the format requires.
 */
public final class PrometheusText {
    private final StringBuilder out = new StringBuilder(4096);
    private final Map<String, Boolean> declared = new LinkedHashMap<>();

    /** Declares a family once (later calls with the same name are ignored). */
    public PrometheusText family(String name, String type, String help) {
        if (declared.putIfAbsent(name, true) == null) {
            out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        }
        return this;
    }

    /** One sample; {@code labels} alternate names and values. */
    public PrometheusText sample(String name, double value, String... labels) {
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i + 1 < labels.length; i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
            }
            out.append('}');
        }
        out.append(' ');
        if (value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(value);
        }
        out.append('\n');
        return this;
    }

    /** A counter or gauge family with one unlabelled sample. */
    public PrometheusText single(String name, String type, String help, double value) {
        return family(name, type, help).sample(name, value);
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
