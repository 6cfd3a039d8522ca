package io.lvs.agent.health;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The two TLS client configurations of HTTPS checks: one that verifies server certificates against a
 * trust store (the JDK's, or the one given), and one that accepts any certificate, since backends
 * often present self-signed ones. Built on first use, on the caller's thread (loading a trust store
 * takes tens of milliseconds, which the engine thread must not spend).
 *
 * <p>Sessions are resumed between probes of the same server (a resumed handshake costs a fraction of
 * a full one), but only for {@link #SESSION_SECONDS}: a resumed session skips certificate
 * verification, so a replaced or expired certificate is seen within that time.
 */
final class TlsContexts {
    static final int SESSION_SECONDS = 300;

    private final Optional<KeyStore> trustStore;
    private volatile SSLContext verifying;
    private volatile SSLContext trusting;

    TlsContexts(Optional<KeyStore> trustStore) {
        this.trustStore = trustStore;
    }

    /** Builds both contexts now if they are not built yet. */
    synchronized void load() {
        if (verifying != null) {
            return;
        }
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore.orElse(null));
            SSLContext v = SSLContext.getInstance("TLS");
            v.init(null, tmf.getTrustManagers(), null);
            v.getClientSessionContext().setSessionTimeout(SESSION_SECONDS);
            SSLContext t = SSLContext.getInstance("TLS");
            t.init(null, new TrustManager[] {new TrustAll()}, null);
            t.getClientSessionContext().setSessionTimeout(SESSION_SECONDS);
            trusting = t;
            verifying = v;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for HTTPS checks: " + e.getMessage(), e);
        }
    }

    /**
     * A client engine for one probe of {@code peerHost} (the server's address, which keys session
     * resumption) sending {@code serverName} as SNI, or no SNI when empty. With verification the
     * certificate must chain to the trust store and name the SNI name, or else the address.
     */
    SSLEngine engine(String peerHost, int port, Optional<String> serverName, boolean verify) {
        SSLContext context = verify ? verifying : trusting;
        if (context == null) {
            throw new IllegalStateException("TLS contexts not loaded"); // update() loads them before any HTTPS target
        }
        SSLEngine engine = context.createSSLEngine(peerHost, port);
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setServerNames(serverName.<List<SNIServerName>>map(n -> List.of(new SNIHostName(n))).orElse(List.of()));
        if (verify) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        engine.setSSLParameters(p);
        return engine;
    }

    /** Accepts every certificate: for checks with verification off. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
