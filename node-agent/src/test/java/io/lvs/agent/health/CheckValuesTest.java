package io.lvs.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a check may be: every field of the API's health check maps onto these, and nonsense is refused by name. */
class CheckValuesTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final InetAddress SERVER = InetAddress.ofLiteral("192.0.2.21");
    private static final CheckKey KEY = new CheckKey("default/web-1:80");

    private static String refused(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void timeoutsBeyondTheIntervalAreRefused() {
        assertEquals("a check's timeout (2s) must not exceed its interval (1s): a probe ends before the next starts",
                refused(() -> CheckSpec.tcp(SECOND, Duration.ofSeconds(2), 2, 3)));
        CheckSpec.tcp(SECOND, SECOND, 2, 3); // equal is fine
    }

    @Test
    void riseFallAndDurationsMustBePositive() {
        assertEquals("a check's rise and fall must be at least 1: rise 0, fall 3", refused(() -> CheckSpec.tcp(SECOND, SECOND, 0, 3)));
        assertEquals("a check's rise and fall must be at least 1: rise 2, fall 0", refused(() -> CheckSpec.tcp(SECOND, SECOND, 2, 0)));
        assertEquals("a check's interval and timeout must be positive: interval 1s, timeout 0s",
                refused(() -> CheckSpec.tcp(SECOND, Duration.ZERO, 2, 3)));
    }

    @Test
    void portsAreRequiredExceptForIcmp() {
        CheckSpec tcp = CheckSpec.tcp(SECOND, SECOND, 2, 3);
        assertEquals("check default/web-1:80: a TCP check needs a port 1-65535, not 0",
                refused(() -> new CheckTarget(KEY, SERVER, 0, tcp, true)));
        assertEquals("check default/web-1:80: a TCP check needs a port 1-65535, not 65536",
                refused(() -> new CheckTarget(KEY, SERVER, 65536, tcp, true)));
        CheckSpec icmp = CheckSpec.icmp(SECOND, SECOND, 2, 3);
        assertEquals("check default/web-1:80: ICMP checks have no port; pass 0, not 80",
                refused(() -> new CheckTarget(KEY, SERVER, 80, icmp, true)));
        assertEquals(0, CheckTarget.icmp(KEY, SERVER, icmp, true).port());
    }

    @Test
    void wildcardAndMulticastAddressesAreNotServers() {
        CheckSpec tcp = CheckSpec.tcp(SECOND, SECOND, 2, 3);
        assertTrue(refused(() -> new CheckTarget(KEY, InetAddress.ofLiteral("0.0.0.0"), 80, tcp, true)).contains("wildcard or multicast"));
        assertTrue(refused(() -> new CheckTarget(KEY, InetAddress.ofLiteral("ff02::1"), 80, tcp, true)).contains("wildcard or multicast"));
    }

    @Test
    void keysAreNotEmpty() {
        assertEquals("a check key must not be empty", refused(() -> new CheckKey(" ")));
    }

    @Test
    void httpChecksDefaultToTheApisRequestAndOthersTakeNone() {
        CheckSpec http = new CheckSpec(CheckType.HTTP, SECOND, SECOND, 2, 3, Optional.empty());
        assertEquals(Optional.of(HttpRequest.defaults()), http.http());
        assertEquals("/", http.http().orElseThrow().path());
        assertEquals(List.of(new StatusRange(200, 399)), http.http().orElseThrow().accepted());
        assertEquals("only HTTP and HTTPS checks send an HTTP request; this is an TCP check",
                refused(() -> new CheckSpec(CheckType.TCP, SECOND, SECOND, 2, 3, Optional.of(HttpRequest.defaults()))));
    }

    @Test
    void tlsSettingsBelongToHttpsOnly() {
        assertEquals("serverName and verifyCertificate apply to HTTPS checks only; this is an HTTP check",
                refused(() -> CheckSpec.http(SECOND, SECOND, 2, 3, HttpRequest.defaults().withServerName("web.example"))));
        assertEquals("serverName and verifyCertificate apply to HTTPS checks only; this is an HTTP check",
                refused(() -> CheckSpec.http(SECOND, SECOND, 2, 3, HttpRequest.defaults().withVerifyCertificate(true))));
        CheckSpec.https(SECOND, SECOND, 2, 3, HttpRequest.defaults().withServerName("web.example").withVerifyCertificate(true));
    }

    @Test
    void requestFieldsAreChecked() {
        assertTrue(refused(() -> HttpRequest.defaults().withPath("healthz")).startsWith("an HTTP check's path must start with /"));
        assertTrue(refused(() -> HttpRequest.defaults().withPath("/a b")).contains("visible ASCII"));
        assertTrue(refused(() -> HttpRequest.defaults().withHost("web\r\nX-Evil: 1")).contains("Host header"));
        assertEquals("an HTTP check must accept at least one status code or range", refused(() -> HttpRequest.defaults().withAccepted()));
        assertTrue(refused(() -> HttpRequest.defaults().withBodyContains("")).startsWith("bodyContains must hold 1 to 65536 bytes"));
        String tooLong = "x".repeat(HttpRequest.MAX_BODY_BYTES + 1);
        assertTrue(refused(() -> HttpRequest.defaults().withBodyContains(tooLong)).contains("only the body's first 64 KiB are read"));
        assertEquals("an HTTPS check's serverName must be a DNS name, not an address (SNI carries names only): \"192.0.2.1\"",
                refused(() -> HttpRequest.defaults().withServerName("192.0.2.1")));
        assertTrue(refused(() -> HttpRequest.defaults().withServerName("bad name")).contains("not a valid DNS name"));
    }

    @Test
    void statusRangesParseTheApisSpelling() {
        assertEquals(new StatusRange(200, 399), StatusRange.parse("200-399"));
        assertEquals(StatusRange.of(204), StatusRange.parse("204"));
        assertEquals("200-399", new StatusRange(200, 399).toString());
        assertEquals("a status range must lie within 100-599 and start at or below its end: 399-200",
                refused(() -> StatusRange.parse("399-200")));
        assertEquals("a status range is a code (\"200\") or an inclusive range (\"200-399\"), not \"2xx\"",
                refused(() -> StatusRange.parse("2xx")));
        assertTrue(refused(() -> StatusRange.of(600)).startsWith("a status range must lie within 100-599"));
    }

    @Test
    void sniDefaultsToTheHostHeadersNameButNeverToAnAddress() {
        HttpRequest r = HttpRequest.defaults();
        assertEquals(Optional.empty(), r.effectiveServerName(), "no Host header, no name: no SNI");
        assertEquals(Optional.of("web.example"), r.withHost("web.example").effectiveServerName());
        assertEquals(Optional.of("web.example"), r.withHost("web.example:8443").effectiveServerName(), "without the port");
        assertEquals(Optional.empty(), r.withHost("192.0.2.10:8443").effectiveServerName());
        assertEquals(Optional.empty(), r.withHost("[2001:db8::10]:8443").effectiveServerName());
        assertEquals(Optional.of("api.example"), r.withHost("web.example").withServerName("api.example").effectiveServerName(),
                "serverName wins");
    }

    @Test
    void theRequestSendsTheHostHeaderAndClosesTheConnection() {
        CheckSpec http = CheckSpec.http(SECOND, SECOND, 2, 3, HttpRequest.defaults().withPath("/healthz"));
        String request = new String(HttpProbe.requestBytes(new CheckTarget(KEY, SERVER, 8080, http, true)), StandardCharsets.US_ASCII);
        assertTrue(request.startsWith("GET /healthz HTTP/1.1\r\nHost: 192.0.2.21:8080\r\n"), request);
        assertTrue(request.contains("\r\nConnection: close\r\n") && request.endsWith("\r\n\r\n"), request);
        assertEquals("192.0.2.21", HttpProbe.defaultHost(new CheckTarget(KEY, SERVER, 80, http, true)), "no default port");
        CheckSpec https = CheckSpec.https(SECOND, SECOND, 2, 3, HttpRequest.defaults());
        assertEquals("[2001:db8::21]", HttpProbe.defaultHost(new CheckTarget(KEY, InetAddress.ofLiteral("2001:db8:0::21"), 443, https, true)));
        assertEquals("[2001:db8::21]:8443", HttpProbe.defaultHost(new CheckTarget(KEY, InetAddress.ofLiteral("2001:db8::21"), 8443, https, true)));
        String vhost = new String(HttpProbe.requestBytes(new CheckTarget(KEY, SERVER, 80,
                CheckSpec.http(SECOND, SECOND, 2, 3, HttpRequest.defaults().withHost("web.example")), true)), StandardCharsets.US_ASCII);
        assertTrue(vhost.contains("\r\nHost: web.example\r\n"), vhost);
    }

    @Test
    void durationsReadLikeTheApis() {
        assertEquals("1s", Durations.text(SECOND));
        assertEquals("200ms", Durations.text(Duration.ofMillis(200)));
        assertEquals("1.5s", Durations.text(Duration.ofMillis(1500)));
        assertEquals("850us", Durations.text(Duration.ofNanos(850_000)));
        assertEquals("1.23ms", Durations.text(Duration.ofNanos(1_234_567)));
        assertEquals("90s", Durations.text(Duration.ofSeconds(90)));
        assertEquals("3600s", Durations.text(Duration.ofHours(1)));
    }

    @Test
    void unchangedWorkIsRecognisedWhateverTheStartState() {
        CheckSpec tcp = CheckSpec.tcp(SECOND, SECOND, 2, 3);
        CheckTarget a = new CheckTarget(KEY, SERVER, 80, tcp, true);
        assertTrue(a.probesLike(new CheckTarget(KEY, SERVER, 80, tcp, false)), "initiallyHealthy does not change the work");
        assertTrue(!a.probesLike(new CheckTarget(KEY, SERVER, 81, tcp, true)));
        assertTrue(!a.probesLike(new CheckTarget(KEY, SERVER, 80, CheckSpec.tcp(SECOND, SECOND, 2, 4), true)));
    }
}
