package io.lvs.agent.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the Prometheus text exposition format (version 0.0.4): one HELP and TYPE line per metric family, then its
 * samples. Label values are escaped as the format requires. Written as it goes (to the HTTP response: an agent with
 * 4,000 destinations has some 10 MB of samples, which would otherwise be built in memory at every scrape), or kept in
 * memory for {@link #toString()}.
 */
public final class PrometheusText {
    private final Appendable out;
    private final Map<String, Boolean> declared = new LinkedHashMap<>();
    /** One line (or family header) at a time, reused. */
    private final StringBuilder line = new StringBuilder(256);

    /** Text kept in memory: {@link #toString()} returns it. */
    public PrometheusText() {
        this(new StringBuilder(4096));
    }

    /** Text written to {@code out} as it goes; an {@link IOException} from it ends the rendering unchecked. */
    public PrometheusText(Appendable out) {
        this.out = out;
    }

    /** Declares a family once (later calls with the same name are ignored). */
    public PrometheusText family(String name, String type, String help) {
        if (declared.putIfAbsent(name, true) == null) {
            line.setLength(0);
            line.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
            line.append("# TYPE ").append(name).append(' ').append(type).append('\n');
            append(line);
        }
        return this;
    }

    /** One sample; {@code labels} alternate names and values. */
    public PrometheusText sample(String name, double value, String... labels) {
        StringBuilder line = this.line;
        line.setLength(0);
        line.append(name);
        if (labels.length > 0) {
            line.append('{');
            for (int i = 0; i + 1 < labels.length; i += 2) {
                if (i > 0) {
                    line.append(',');
                }
                line.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
            }
            line.append('}');
        }
        line.append(' ');
        if (value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 1e15) {
            line.append((long) value);
        } else {
            line.append(value);
        }
        line.append('\n');
        append(line);
        return this;
    }

    /** A counter or gauge family with one unlabelled sample. */
    public PrometheusText single(String name, String type, String help, double value) {
        return family(name, type, help).sample(name, value);
    }

    private void append(CharSequence text) {
        try {
            out.append(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
