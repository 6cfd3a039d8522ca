package io.lvs.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.lvs.agent.health.ResponseReader.Verdict;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Responses as bytes in, the check's verdict out, whatever the bytes' split into reads. */
class ResponseReaderTest {
    private static final HttpRequest DEFAULTS = HttpRequest.defaults();

    /** Feeds {@code response} in pieces of {@code piece} bytes, then the end of the stream if still undecided. */
    private static Verdict read(HttpRequest request, byte[] response, int piece) {
        ResponseReader r = new ResponseReader(request);
        for (int i = 0; i < response.length; i += piece) {
            Verdict v = r.feed(ByteBuffer.wrap(response, i, Math.min(piece, response.length - i)));
            if (!(v instanceof Verdict.Pending)) {
                return v;
            }
        }
        return r.end();
    }

    /** The verdict, checked to be the same for every way of splitting the bytes. */
    private static Verdict read(HttpRequest request, String response) {
        byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
        Verdict whole = read(request, bytes, bytes.length + 1);
        for (int piece : new int[] {1, 2, 7, 100}) {
            assertEquals(whole, read(request, bytes, piece), "split into pieces of " + piece);
        }
        return whole;
    }

    private static String passes(HttpRequest request, String response) {
        return assertInstanceOf(Verdict.Pass.class, read(request, response)).message();
    }

    private static String fails(HttpRequest request, String response) {
        return assertInstanceOf(Verdict.Fail.class, read(request, response)).message();
    }

    private static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    @Test
    void anAcceptedStatusPassesAtTheStatusLine() {
        ResponseReader r = new ResponseReader(DEFAULTS);
        Verdict v = r.feed(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nServer: x".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(new Verdict.Pass("HTTP 200"), v, "decided before the headers end: the probe can close at once");
        assertEquals("HTTP 302", passes(DEFAULTS, "HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n"));
        assertEquals("HTTP 204", passes(DEFAULTS, "HTTP/1.0 204\r\n\r\n"));
    }

    @Test
    void otherStatusesFailWithTheirCode() {
        assertEquals("HTTP 503", fails(DEFAULTS, "HTTP/1.1 503 Service Unavailable\r\n\r\n"));
        assertEquals("HTTP 404", fails(DEFAULTS, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
    }

    @Test
    void singleCodesAndInclusiveRangesAreAccepted() {
        HttpRequest r = DEFAULTS.withAccepted(StatusRange.of(200), new StatusRange(300, 302), StatusRange.parse("418"));
        assertEquals("HTTP 200", passes(r, "HTTP/1.1 200 OK\r\n\r\n"));
        assertEquals("HTTP 300", passes(r, "HTTP/1.1 300 x\r\n\r\n"));
        assertEquals("HTTP 302", passes(r, "HTTP/1.1 302 x\r\n\r\n"));
        assertEquals("HTTP 418", passes(r, "HTTP/1.1 418 teapot\r\n\r\n"));
        assertEquals("HTTP 201", fails(r, "HTTP/1.1 201 Created\r\n\r\n"));
        assertEquals("HTTP 303", fails(r, "HTTP/1.1 303 x\r\n\r\n"));
    }

    @Test
    void interimResponsesAreSkipped() {
        assertEquals("HTTP 200", passes(DEFAULTS, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"));
        assertEquals("HTTP 500", fails(DEFAULTS, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 500 Oops\r\n\r\n"));
    }

    @Test
    void somethingElseThanHttpFailsWithWhatItSaid() {
        assertEquals("not an HTTP response: \"SSH-2.0-OpenSSH_9.2\"", fails(DEFAULTS, "SSH-2.0-OpenSSH_9.2\r\n"));
        assertEquals("not an HTTP response: \"HTTP/1.1 2000 OK\"", fails(DEFAULTS, "HTTP/1.1 2000 OK\r\n"));
        assertEquals("not an HTTP response: \"?????\"", fails(DEFAULTS, "\u0001\u0002\u0003\u0004\u0005\n"));
    }

    @Test
    void aConnectionClosedEarlyFailsSayingWhen() {
        assertEquals("connection closed before an HTTP response", fails(DEFAULTS, ""));
        assertEquals("connection closed in the middle of the response head", fails(DEFAULTS, "HTTP/1.1 2"));
    }

    @Test
    void theBodyMustContainTheTextWhenAsked() {
        HttpRequest r = DEFAULTS.withBodyContains("ok");
        assertEquals("HTTP 200", passes(r, ok("status: ok\n")));
        assertEquals("body does not contain \"ok\"", fails(r, ok("status: degraded\n")));
        assertEquals("HTTP 503", fails(r, "HTTP/1.1 503 x\r\nContent-Length: 2\r\n\r\nok"), "the status is checked first");
    }

    @Test
    void theTextIsFoundAcrossReadsAndChunks() {
        HttpRequest r = DEFAULTS.withBodyContains("healthy");
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nall h\r\n" + "3\r\neal\r\n" + "A\r\nthy and ok\r\n" + "0\r\n\r\n";
        assertEquals("HTTP 200", passes(r, chunked));
        // the chunk sizes in the raw stream must not count as body text
        String tricky = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + "4\r\nheal\r\n" + "1\r\nX\r\n" + "3\r\nthy\r\n" + "0\r\n\r\n";
        assertEquals("body does not contain \"healthy\"", fails(r, tricky));
    }

    @Test
    void aBodyUntilCloseIsReadToTheEnd() {
        HttpRequest r = DEFAULTS.withBodyContains("ok");
        assertEquals("HTTP 200", passes(r, "HTTP/1.0 200 OK\r\n\r\nall is ok"));
        assertEquals("body does not contain \"ok\"", fails(r, "HTTP/1.0 200 OK\r\n\r\nall is bad"));
    }

    @Test
    void onlyTheFirst64KiBOfTheBodyAreSearched() {
        HttpRequest r = DEFAULTS.withBodyContains("needle");
        String atTheEdge = "x".repeat(HttpRequest.MAX_BODY_BYTES - 6) + "needle";
        assertEquals("HTTP 200", passes(r, ok(atTheEdge)));
        String beyond = "x".repeat(HttpRequest.MAX_BODY_BYTES - 5) + "needle";
        assertEquals("body does not contain \"needle\" in its first 64 KiB", fails(r, ok(beyond)));
    }

    @Test
    void aBodilessResponseCannotContainTheText() {
        HttpRequest r = DEFAULTS.withBodyContains("ok");
        assertEquals("body does not contain \"ok\" (the response has no body)", fails(r, "HTTP/1.1 204 No Content\r\n\r\n"));
        assertEquals("body does not contain \"ok\" (the response has no body)", fails(r, ok("")));
        assertEquals("body does not contain \"ok\" (connection closed before the body's end)",
                fails(r, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nnot o"));
    }

    @Test
    void textsThatOverlapThemselvesAreFoundWhereverTheyStart() {
        assertEquals("HTTP 200", passes(DEFAULTS.withBodyContains("aab"), ok("aaab")));
        assertEquals("HTTP 200", passes(DEFAULTS.withBodyContains("abab"), ok("abaababab")));
        assertEquals("HTTP 200", passes(DEFAULTS.withBodyContains("abcabd"), ok("abcabcabd")));
        assertEquals("body does not contain \"abcabd\"", fails(DEFAULTS.withBodyContains("abcabd"), ok("abcabcab")));
    }

    @Test
    void theTextIsComparedAsUtf8() {
        HttpRequest r = DEFAULTS.withBodyContains("grün");
        assertEquals("HTTP 200", passes(r, ok("Ampel: grün")));
        assertEquals("body does not contain \"grün\"", fails(r, ok("Ampel: grun")));
    }

    @Test
    void headersEndingInBareLineFeedsAreRead() {
        assertEquals("HTTP 200", passes(DEFAULTS.withBodyContains("ok"), "HTTP/1.1 200 OK\nContent-Length: 2\n\nok"));
    }

    @Test
    void anEndlessHeadIsRefused() {
        String huge = "HTTP/1.1 200 OK\r\n" + ("X-Filler: " + "y".repeat(100) + "\r\n").repeat(200);
        assertEquals("response head longer than 16 KiB", fails(DEFAULTS.withBodyContains("ok"), huge));
    }

    @Test
    void malformedFramingFailsClearly() {
        HttpRequest r = DEFAULTS.withBodyContains("ok");
        assertEquals("invalid Content-Length \"lots\"", fails(r, "HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\nok"));
        assertEquals("malformed chunked body (chunk size \"zz\")",
                fails(r, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n"));
    }
}
