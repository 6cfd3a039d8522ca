package io.lvs.agent.health;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads one HTTP/1.x response as its bytes arrive and decides an HTTP check: is the status accepted,
 * and (when asked) does the body contain the text. No I/O: the probe feeds it what it reads.
 *
 * <p>It decides as early as it can, so the probe can close the connection at once: at the status line
 * when no body is checked, at the first occurrence of the text otherwise. Interim 1xx responses (103
 * Early Hints) are skipped. The body is decoded from chunked transfer coding and read up to
 * {@link HttpRequest#MAX_BODY_BYTES}; the head may take at most {@link #MAX_HEAD_BYTES}.
 *
 * <p>It keeps no copy of the body: the text is searched as the bytes stream by (Knuth-Morris-Pratt),
 * and the head buffer grows only as far as the head does, so a probe costs a few hundred bytes
 * rather than the 80 KiB its limits allow (at thousands of probes per second that is the difference
 * between idle and busy garbage collection).
 */
final class ResponseReader {
    static final int MAX_HEAD_BYTES = 16 * 1024;
    private static final int NEEDLE_SHOWN = 40;

    /** What the reader knows after the bytes so far. */
    sealed interface Verdict {
        /** Not decided yet: feed more. */
        record Pending() implements Verdict {
        }

        record Pass(String message) implements Verdict {
        }

        record Fail(String message) implements Verdict {
        }
    }

    private static final Verdict PENDING = new Verdict.Pending();

    private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END }

    private enum Framing { LENGTH, CHUNKED, UNTIL_CLOSE }

    private final HttpRequest request;
    private final byte[] needle;
    /** KMP failure function of the needle: the longest proper prefix that is also a suffix of needle[0..i]. */
    private final int[] fallback;
    private State state = State.HEAD;
    private byte[] head = new byte[256];
    private int headLen;
    private int lineStart;
    private int headTotal;
    private int status = -1;
    private boolean interim;
    private Framing framing = Framing.UNTIL_CLOSE;
    private long remaining;
    private final StringBuilder chunkLine = new StringBuilder();
    private int bodyLen;
    /** How many bytes of the needle the body's last bytes match. */
    private int matched;
    private Verdict decided;

    ResponseReader(HttpRequest request) {
        this.request = request;
        this.needle = request.bodyContains().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
        this.fallback = new int[needle.length];
        for (int i = 1, k = 0; i < needle.length; i++) {
            while (k > 0 && needle[i] != needle[k]) {
                k = fallback[k - 1];
            }
            if (needle[i] == needle[k]) {
                k++;
            }
            fallback[i] = k;
        }
    }

    /** Consumes {@code in} (all of it, unless decided on the way). */
    Verdict feed(ByteBuffer in) {
        while (decided == null && in.hasRemaining()) {
            switch (state) {
                case HEAD -> head(in.get());
                case BODY -> {
                    int n = (int) Math.min(in.remaining(), framing == Framing.LENGTH ? remaining : Integer.MAX_VALUE);
                    body(in, n);
                    if (decided == null && framing == Framing.LENGTH && (remaining -= n) == 0) {
                        decided = notFound("");
                    }
                }
                case CHUNK_SIZE -> chunkSize((char) (in.get() & 0xff));
                case CHUNK_DATA -> {
                    int n = (int) Math.min(in.remaining(), remaining);
                    body(in, n);
                    if ((remaining -= n) == 0) {
                        state = State.CHUNK_END;
                    }
                }
                case CHUNK_END -> {
                    byte b = in.get();
                    if (b == '\n') {
                        state = State.CHUNK_SIZE;
                    } else if (b != '\r') {
                        decided = new Verdict.Fail("malformed chunked body (no line end after a chunk)");
                    }
                }
            }
        }
        return decided == null ? PENDING : decided;
    }

    /** The server closed the connection: decides what is still open. */
    Verdict end() {
        if (decided != null) {
            return decided;
        }
        if (state == State.HEAD) {
            return new Verdict.Fail(headTotal == 0 && status < 0 ? "connection closed before an HTTP response"
                    : "connection closed in the middle of the response head");
        }
        return notFound(framing == Framing.UNTIL_CLOSE ? "" : " (connection closed before the body's end)");
    }

    private void head(byte b) {
        if (headLen == head.length) {
            if (headLen == MAX_HEAD_BYTES) {
                decided = new Verdict.Fail("response head longer than " + MAX_HEAD_BYTES / 1024 + " KiB");
                return;
            }
            head = Arrays.copyOf(head, Math.min(MAX_HEAD_BYTES, head.length * 2));
        }
        head[headLen++] = b;
        headTotal++;
        if (b != '\n') {
            return;
        }
        int end = headLen - 1;
        if (end > lineStart && head[end - 1] == '\r') {
            end--;
        }
        String line = new String(head, lineStart, end - lineStart, StandardCharsets.ISO_8859_1);
        lineStart = headLen;
        if (status < 0) {
            statusLine(line);
        } else if (line.isEmpty()) {
            endOfHead();
        } else {
            header(line);
        }
    }

    private void statusLine(String line) {
        // HTTP/1.1 200 OK  (the reason phrase is optional)
        if (line.length() < 12 || !line.startsWith("HTTP/1.") || line.charAt(8) != ' '
                || !isDigits(line, 9, 12) || (line.length() > 12 && line.charAt(12) != ' ')) {
            decided = new Verdict.Fail("not an HTTP response: \"" + printable(line) + "\"");
            return;
        }
        status = Integer.parseInt(line, 9, 12, 10);
        interim = status >= 100 && status < 200 && status != 101;
        if (interim) {
            return;
        }
        if (!request.accepts(status)) {
            decided = new Verdict.Fail("HTTP " + status);
        } else if (needle.length == 0) {
            decided = new Verdict.Pass("HTTP " + status);
        }
    }

    private void header(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0 || interim) {
            return;
        }
        String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = line.substring(colon + 1).strip();
        if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).endsWith("chunked")) {
            framing = Framing.CHUNKED;
        } else if (name.equals("content-length") && framing != Framing.CHUNKED) {
            try {
                remaining = Long.parseLong(value);
                framing = remaining >= 0 ? Framing.LENGTH : Framing.UNTIL_CLOSE;
            } catch (NumberFormatException e) {
                decided = new Verdict.Fail("invalid Content-Length \"" + printable(value) + "\"");
            }
        }
    }

    private void endOfHead() {
        if (interim) {
            // the final response follows on the same connection: start over
            status = -1;
            interim = false;
            headLen = 0;
            lineStart = 0;
            return;
        }
        boolean bodiless = status == 204 || status == 304 || (framing == Framing.LENGTH && remaining == 0);
        if (bodiless) {
            decided = notFound(" (the response has no body)");
        } else {
            state = framing == Framing.CHUNKED ? State.CHUNK_SIZE : State.BODY;
        }
    }

    private void chunkSize(char c) {
        if (c != '\n') {
            if (chunkLine.length() > 256) {
                decided = new Verdict.Fail("malformed chunked body (chunk size line too long)");
            } else if (c != '\r') {
                chunkLine.append(c);
            }
            return;
        }
        String line = chunkLine.toString();
        chunkLine.setLength(0);
        int ext = line.indexOf(';');
        String hex = (ext < 0 ? line : line.substring(0, ext)).strip();
        try {
            remaining = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            decided = new Verdict.Fail("malformed chunked body (chunk size \"" + printable(hex) + "\")");
            return;
        }
        if (remaining < 0) {
            decided = new Verdict.Fail("malformed chunked body (chunk size \"" + printable(hex) + "\")");
        } else if (remaining == 0) {
            decided = notFound(""); // the last chunk: trailers do not matter
        } else {
            state = State.CHUNK_DATA;
        }
    }

    /** Runs {@code n} body bytes from {@code in} through the matcher, up to the body limit. */
    private void body(ByteBuffer in, int n) {
        int take = Math.min(n, HttpRequest.MAX_BODY_BYTES - bodyLen);
        int end = in.position() + take;
        for (int i = in.position(); i < end; i++) {
            byte b = in.get(i);
            while (matched > 0 && b != needle[matched]) {
                matched = fallback[matched - 1];
            }
            if (b == needle[matched] && ++matched == needle.length) {
                in.position(in.position() + n);
                decided = new Verdict.Pass("HTTP " + status);
                return;
            }
        }
        in.position(in.position() + n);
        bodyLen += take;
        if (bodyLen == HttpRequest.MAX_BODY_BYTES) {
            decided = notFound(" in its first " + HttpRequest.MAX_BODY_BYTES / 1024 + " KiB");
        }
    }

    private Verdict notFound(String detail) {
        String text = request.bodyContains().orElse("");
        String shown = text.length() > NEEDLE_SHOWN ? text.substring(0, NEEDLE_SHOWN) + "..." : text;
        return new Verdict.Fail("body does not contain \"" + shown + "\"" + detail);
    }

    private static boolean isDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** At most 40 characters, control and non-ASCII bytes as '?': safe to put in a message. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < NEEDLE_SHOWN; i++) {
            char c = s.charAt(i);
            b.append(c >= ' ' && c < 0x7f ? c : '?');
        }
        return s.length() > NEEDLE_SHOWN ? b + "..." : b.toString();
    }
}
