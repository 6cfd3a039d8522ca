package io.lvs.operator.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.fabric8.kubernetes.client.utils.TokenRefreshInterceptor;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ClientConfigCustomizerTest {

    /** A configuration as a kubeconfig with a client certificate and no token gives it, counting its re-reads. */
    private static final class Counted extends Config {
        final AtomicInteger refreshes = new AtomicInteger();

        Counted() {
            super(false);
            setClientCertData("LS0tLS1CRUdJTi...");
        }

        @Override
        public Config refresh() {
            refreshes.incrementAndGet();
            return this;
        }
    }

    private static void request(TokenRefreshInterceptor interceptor, int times) {
        for (int i = 0; i < times; i++) {
            StandardHttpRequest.Builder b = new StandardHttpRequest.Builder();
            b.uri("http://127.0.0.1:1/api");
            interceptor.before(b, b.build(), null);
        }
    }

    @Test
    void aClientWithACertificateAndNoTokenNoLongerRereadsItsKubeconfigOnEveryRequest() {
        // Fabric8 as it is: the last refresh a minute ago and no token found since, so every request reads again
        Counted plain = new Counted();
        request(new TokenRefreshInterceptor(plain, Instant.now().minusSeconds(120), c -> CompletableFuture.completedFuture(null)), 5);
        assertEquals(5, plain.refreshes.get(), "the behaviour this customizer works around");

        Counted customized = new Counted();
        new ClientConfigCustomizer().customize(customized);
        request(new TokenRefreshInterceptor(customized, Instant.now().minusSeconds(120), c -> CompletableFuture.completedFuture(null)), 5);
        assertEquals(0, customized.refreshes.get());
        StandardHttpRequest.Builder b = new StandardHttpRequest.Builder();
        b.uri("http://127.0.0.1:1/api");
        new TokenRefreshInterceptor(customized, Instant.now(), c -> CompletableFuture.completedFuture(null)).before(b, b.build(), null);
        assertNull(b.build().header("Authorization"), "an empty token sends no Authorization header");
    }

    @Test
    void aServiceAccountTokenIsStillRefreshed() {
        Counted inCluster = new Counted();
        inCluster.setAutoOAuthToken("from-the-service-account");
        new ClientConfigCustomizer().customize(inCluster);
        assertNull(inCluster.getOauthToken());
        Counted user = new Counted();
        user.setOauthToken("given");
        new ClientConfigCustomizer().customize(user);
        assertEquals("given", user.getOauthToken());
    }

    @Test
    void aClientWithoutAnyCredentialKeepsLookingForAToken() {
        Counted none = new Counted();
        none.setClientCertData(null); // e.g. a kubeconfig whose exec plugin failed at start: its token may come later
        new ClientConfigCustomizer().customize(none);
        assertNull(none.getOauthToken());
    }
}
