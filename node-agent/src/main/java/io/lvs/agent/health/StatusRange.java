package io.lvs.agent.health;

/** An inclusive range of HTTP status codes that count as healthy; a single code is a range of one. */
public record StatusRange(int from, int to) {
    public StatusRange {
        if (from < 100 || to > 599 || from > to) {
            throw new IllegalArgumentException("a status range must lie within 100-599 and start at or below its end: "
                    + from + "-" + to);
        }
    }

    /** Exactly {@code code}. */
    public static StatusRange of(int code) {
        return new StatusRange(code, code);
    }

    /** Parses the API's spelling: {@code "200"} or {@code "200-399"}. */
    public static StatusRange parse(String text) {
        String t = text.strip();
        int dash = t.indexOf('-');
        try {
            if (dash < 0) {
                return of(Integer.parseInt(t));
            }
            return new StatusRange(Integer.parseInt(t.substring(0, dash).strip()), Integer.parseInt(t.substring(dash + 1).strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a status range is a code (\"200\") or an inclusive range (\"200-399\"), not \""
                    + text + "\"");
        }
    }

    public boolean contains(int status) {
        return status >= from && status <= to;
    }

    @Override
    public String toString() {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
