package io.lvs.agent.health;

import static io.lvs.agent.health.Probing.GENEROUS;
import static io.lvs.agent.health.Probing.LOOPBACK;
import static io.lvs.agent.health.Probing.firstProbe;
import static io.lvs.agent.health.Probing.firstProbeAtOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS checks over SSLEngine against a TLS server with a self-signed certificate that keytool makes
 * for the test: what verification on and off accept, and the SNI name the server receives. Each probe
 * starts at once and has a generous timeout: a handshake on a loaded machine may take a while.
 */
class HttpsCheckTest {
    @TempDir
    static Path dir;
    private static TlsServer.Certificate certificate;
    private final Transitions transitions = new Transitions();
    private TlsServer server;
    private HealthMonitor monitor;

    @BeforeAll
    static void makeCertificate() {
        certificate = TlsServer.Certificate.generate(dir);
    }

    @BeforeEach
    void start() {
        server = new TlsServer(certificate, LOOPBACK);
        monitor = HealthMonitor.start(firstProbeAtOnce(), transitions);
    }

    @AfterEach
    void stop() {
        monitor.close();
        server.close();
    }

    private ProbeResult probe(HealthMonitor m, HttpRequest request) {
        return firstProbe(m, new CheckTarget(Probing.key("tls"), LOOPBACK, server.port(),
                CheckSpec.https(GENEROUS, GENEROUS, 1, 1, request), true));
    }

    @Test
    void withoutVerificationASelfSignedCertificateIsAccepted() {
        ProbeResult r = probe(monitor, HttpRequest.defaults().withBodyContains("ok"));
        assertEquals(Outcome.SUCCESS, r.outcome(), r.toString());
        assertEquals("HTTP 200", r.message());
        assertEquals(List.of(List.of()), server.serverNames(), "no name configured and an address as Host: no SNI");
    }

    @Test
    void withVerificationTheSystemTrustStoreRefusesIt() {
        assertEquals(Outcome.SUCCESS, probe(monitor, HttpRequest.defaults().withServerName("server.test")).outcome(),
                "first without verification: its session must not be resumed by the verifying check");
        ProbeResult r = probe(monitor, HttpRequest.defaults().withVerifyCertificate(true).withServerName("server.test"));
        assertEquals(Outcome.FAILURE, r.outcome());
        assertEquals("certificate verification failed: unable to find valid certification path to requested target", r.message());
    }

    @Test
    void withVerificationAndATrustStoreHoldingItTheNameMustMatch() {
        try (HealthMonitor trusting = HealthMonitor.start(firstProbeAtOnce().withTrustStore(certificate.trust()), transitions)) {
            ProbeResult right = probe(trusting, HttpRequest.defaults().withVerifyCertificate(true).withServerName("server.test"));
            assertEquals(Outcome.SUCCESS, right.outcome(), right.toString());
            ProbeResult byAddress = probe(trusting, HttpRequest.defaults().withVerifyCertificate(true));
            assertEquals(Outcome.SUCCESS, byAddress.outcome(), "no name: the certificate must name the address, and it does (ip SAN)");
            ProbeResult wrong = probe(trusting, HttpRequest.defaults().withVerifyCertificate(true).withServerName("other.test"));
            assertEquals(Outcome.FAILURE, wrong.outcome());
            assertTrue(wrong.message().startsWith("certificate verification failed: ") && wrong.message().contains("other.test"),
                    wrong.message());
        }
    }

    @Test
    void theServerNameSentIsTheConfiguredOneElseTheHostHeaders() {
        assertEquals(Outcome.SUCCESS, probe(monitor, HttpRequest.defaults().withServerName("api.example")).outcome());
        assertEquals(Outcome.SUCCESS, probe(monitor, HttpRequest.defaults().withHost("web.example:8443")).outcome());
        assertEquals(Outcome.SUCCESS, probe(monitor, HttpRequest.defaults().withHost("web.example").withServerName("sni.example")).outcome());
        assertEquals(List.of(List.of("api.example"), List.of("web.example"), List.of("sni.example")), server.serverNames());
    }

    @Test
    void repeatedProbesOfOneServerKeepSucceeding() {
        // one after the other through the same TLS context (one per verification and name): later handshakes resume the session
        List<ProbeResult> results = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            results.add(probe(monitor, HttpRequest.defaults().withServerName("server.test")));
        }
        assertTrue(results.stream().allMatch(r -> r.outcome() == Outcome.SUCCESS && r.message().equals("HTTP 200")), results.toString());
        assertEquals(List.of(), transitions.all(), "never down");
        assertEquals(10, server.serverNames().size());
        assertTrue(server.serverNames().stream().allMatch(n -> n.equals(List.of("server.test"))), server.serverNames().toString());
    }
}
