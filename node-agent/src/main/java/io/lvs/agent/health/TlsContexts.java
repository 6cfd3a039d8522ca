package io.lvs.agent.health;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS client configurations of HTTPS checks: with verification, server certificates must chain to
 * a trust store (the JDK's, or the one given) and name the server; without, any certificate is
 * accepted, since backends often present self-signed ones.
 *
 * <p>Each pair of (verification, SNI name) has its own {@link SSLContext}, because a context's client
 * session cache is keyed by peer host and port only: sharing one would resume a session made with
 * other settings, sending its old name again and skipping the verification the new settings ask
 * for. Within a context, sessions are resumed between probes of the same server (a fraction of the
 * cost of a full handshake; see {@link #engine}), for {@link #SESSION_SECONDS} at most: a resumed
 * session skips certificate verification, so a replaced or expired certificate is seen within that
 * time. Contexts are made on the caller's thread in {@link HealthMonitor#update} (loading a trust
 * store takes tens of milliseconds, which the engine thread must not spend) and kept: there are as
 * many as distinct names ever configured, a handful.
 */
final class TlsContexts {
    static final int SESSION_SECONDS = 300;

    /** One kind of TLS client: verifying or not, sending this SNI name or none. */
    private record Kind(boolean verify, Optional<String> serverName) {
    }

    private final Optional<KeyStore> trustStore;
    private final Map<Kind, SSLContext> contexts = new ConcurrentHashMap<>();
    private TrustManager[] verifyingManagers;

    TlsContexts(Optional<KeyStore> trustStore) {
        this.trustStore = trustStore;
    }

    /** Makes the contexts these HTTPS checks need, if they are not made yet. */
    synchronized void prepare(Collection<CheckTarget> targets) {
        for (CheckTarget t : targets) {
            if (t.spec().type() == CheckType.HTTPS) {
                HttpRequest r = t.spec().http().orElseThrow();
                contexts.computeIfAbsent(new Kind(r.verifyCertificate(), r.effectiveServerName()), this::create);
            }
        }
    }

    private SSLContext create(Kind kind) {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, kind.verify() ? verifyingManagers() : new TrustManager[] {new TrustAll()}, null);
            c.getClientSessionContext().setSessionTimeout(SESSION_SECONDS);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for HTTPS checks: " + e.getMessage(), e);
        }
    }

    private TrustManager[] verifyingManagers() throws GeneralSecurityException {
        if (verifyingManagers == null) {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore.orElse(null));
            verifyingManagers = tmf.getTrustManagers();
        }
        return verifyingManagers;
    }

    /**
     * A client engine for one probe of {@code address}: it sends {@code serverName} as SNI (none when
     * empty), and with verification the certificate must chain to the trust store and name that
     * server name, or the address when there is no name. The peer host given to the JDK is the name
     * when there is one: the JDK's endpoint identification would otherwise accept a certificate that
     * names only the address. It also keys session resumption, with the port: servers sharing a name
     * share the entry (a session of one is offered to the next and refused, unless they share ticket keys).
     */
    SSLEngine engine(String address, int port, Optional<String> serverName, boolean verify) {
        SSLContext context = contexts.get(new Kind(verify, serverName));
        if (context == null) {
            throw new IllegalStateException("no TLS context for " + serverName + (verify ? " with" : " without")
                    + " verification"); // update() prepares one for every HTTPS target before the engine sees it
        }
        SSLEngine engine = context.createSSLEngine(serverName.orElse(address), port);
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
