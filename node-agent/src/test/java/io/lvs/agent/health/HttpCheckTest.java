package io.lvs.agent.health;

import static io.lvs.agent.health.Probing.GENEROUS;
import static io.lvs.agent.health.Probing.LOOPBACK;
import static io.lvs.agent.health.Probing.LOOPBACK6;
import static io.lvs.agent.health.Probing.firstProbe;
import static io.lvs.agent.health.Probing.firstProbeAtOnce;
import static io.lvs.agent.health.Probing.http;
import static io.lvs.agent.health.Probing.target;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.health.LoopbackServer.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP checks against a real server on loopback: what is sent, and what each answer makes of the target.
 * Each probe starts at once and, unless it is to time out, has a generous timeout.
 */
class HttpCheckTest {
    private final Transitions transitions = new Transitions();
    private HealthMonitor monitor;
    private LoopbackServer server;

    @BeforeEach
    void start() {
        monitor = HealthMonitor.start(firstProbeAtOnce(), transitions);
        server = LoopbackServer.http(LOOPBACK, request -> switch (request.path()) {
            case "/ok" -> Reply.body(200, "status: ok\n");
            case "/degraded" -> Reply.body(200, "status: degraded\n");
            case "/down" -> Reply.status(503);
            case "/teapot" -> Reply.status(418);
            case "/moved" -> Reply.status(302);
            case "/chunked" -> Reply.chunked(200, "all systems healthy", 3);
            case "/huge" -> new Reply.Http(200, ("x".repeat(1 << 20) + "ok").getBytes(StandardCharsets.UTF_8), 0);
            case "/hang" -> new Reply.Silent();
            case "/hangup" -> new Reply.Close();
            case "/ssh" -> new Reply.Raw("SSH-2.0-OpenSSH_9.2p1\r\n".getBytes(StandardCharsets.US_ASCII));
            default -> Reply.status(404);
        });
    }

    @AfterEach
    void stop() {
        monitor.close();
        server.close();
    }

    private ProbeResult probe(HttpRequest request) {
        return probe(request, GENEROUS);
    }

    private ProbeResult probe(HttpRequest request, Duration timeout) {
        return firstProbe(monitor, target("web", LOOPBACK, server.port(), http(GENEROUS, timeout, request)));
    }

    @Test
    void theRequestCarriesThePathAndByDefaultTheServersAddressAsHost() {
        ProbeResult r = probe(HttpRequest.defaults().withPath("/ok"));
        assertEquals(Outcome.SUCCESS, r.outcome());
        assertEquals("HTTP 200", r.message());
        LoopbackServer.Request got = server.requests().getFirst();
        assertEquals("GET /ok HTTP/1.1", got.requestLine());
        assertEquals("127.0.0.1:" + server.port(), got.header("Host"));
        assertEquals("close", got.header("Connection"));
    }

    @Test
    void aConfiguredHostHeaderIsSent() {
        assertEquals(Outcome.SUCCESS, probe(HttpRequest.defaults().withPath("/ok").withHost("web.example")).outcome());
        assertEquals("web.example", server.requests().getFirst().header("Host"));
    }

    @Test
    void ipv6ServersGetABracketedHost() {
        try (LoopbackServer six = LoopbackServer.http(LOOPBACK6, request -> Reply.status(200))) {
            ProbeResult r = firstProbe(monitor, target("web6", LOOPBACK6, six.port(), http(GENEROUS, GENEROUS, HttpRequest.defaults())));
            assertEquals(Outcome.SUCCESS, r.outcome(), r.toString());
            assertEquals("[::1]:" + six.port(), six.requests().getFirst().header("Host"));
        }
    }

    @Test
    void statusCodesDecideByTheAcceptedCodesAndRanges() {
        assertEquals("HTTP 503", probe(HttpRequest.defaults().withPath("/down")).message());
        assertEquals(Outcome.FAILURE, probe(HttpRequest.defaults().withPath("/down")).outcome());
        assertEquals(Outcome.SUCCESS, probe(HttpRequest.defaults().withPath("/moved")).outcome(), "302 is within 200-399");
        HttpRequest teapots = HttpRequest.defaults().withAccepted(StatusRange.of(200), StatusRange.parse("410-418"));
        assertEquals(Outcome.SUCCESS, probe(teapots.withPath("/teapot")).outcome());
        ProbeResult moved = probe(teapots.withPath("/moved"));
        assertEquals(Outcome.FAILURE, moved.outcome());
        assertEquals("HTTP 302", moved.message());
        assertEquals(Outcome.SUCCESS, probe(HttpRequest.defaults().withAccepted(StatusRange.of(503)).withPath("/down")).outcome(),
                "a maintenance page can be what healthy means");
    }

    @Test
    void theBodyMustContainTheText() {
        assertEquals(Outcome.SUCCESS, probe(HttpRequest.defaults().withPath("/ok").withBodyContains("ok")).outcome());
        ProbeResult degraded = probe(HttpRequest.defaults().withPath("/degraded").withBodyContains("ok"));
        assertEquals(Outcome.FAILURE, degraded.outcome());
        assertEquals("body does not contain \"ok\"", degraded.message());
        assertEquals(Outcome.SUCCESS, probe(HttpRequest.defaults().withPath("/chunked").withBodyContains("healthy")).outcome(),
                "chunked bodies are decoded");
    }

    @Test
    void onlyTheFirst64KiBOfABigBodyAreRead() {
        ProbeResult r = probe(HttpRequest.defaults().withPath("/huge").withBodyContains("ok"));
        assertEquals(Outcome.FAILURE, r.outcome());
        assertEquals("body does not contain \"ok\" in its first 64 KiB", r.message());
    }

    @Test
    void aServerThatAcceptsButNeverAnswersTimesOut() {
        // it times out whatever the timeout; this one leaves a loaded machine ample time to send the request first
        Duration timeout = Duration.ofSeconds(2);
        ProbeResult r = probe(HttpRequest.defaults().withPath("/hang"), timeout);
        assertEquals(Outcome.TIMEOUT, r.outcome());
        assertEquals("timed out after 2s waiting for the response", r.message());
        assertTrue(r.latency().compareTo(timeout) >= 0, r.toString());
    }

    @Test
    void aServerThatHangsUpOrSpeaksAnotherProtocolFails() {
        ProbeResult hangup = probe(HttpRequest.defaults().withPath("/hangup"));
        assertEquals(Outcome.FAILURE, hangup.outcome());
        assertTrue(hangup.message().equals("connection closed before an HTTP response")
                || hangup.message().equals("connection reset"), hangup.message());
        ProbeResult ssh = probe(HttpRequest.defaults().withPath("/ssh"));
        assertEquals("not an HTTP response: \"SSH-2.0-OpenSSH_9.2p1\"", ssh.message());
    }
}
