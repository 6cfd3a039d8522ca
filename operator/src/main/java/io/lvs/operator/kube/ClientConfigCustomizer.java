package io.lvs.operator.kube;

import io.fabric8.kubernetes.client.Config;
import io.quarkus.kubernetes.client.KubernetesConfigCustomizer;
import jakarta.inject.Singleton;

/**
 * Keeps the Kubernetes client from reading its kubeconfig again on every request when it authenticates with a client
 * certificate and has no token to refresh.
 *
 * <p>Fabric8's token refresh runs before each request once a minute has passed since the last token it found; with a
 * client certificate and no token it never finds one, so every request re-read and re-parsed the kubeconfig (15 % of
 * the operator's CPU with 5,000 VirtualServices). Such a configuration (a client certificate; no token of its own or
 * from a service account, no token provider, no auth provider, no basic credentials) gets an empty token, which the
 * refresh takes as one set by the user and leaves alone; an empty token sends no Authorization header. A configuration
 * without any credential is left as it is: its token may yet appear (a kubeconfig's exec plugin that failed at start),
 * and the refresh is what would find it. Service-account tokens, which the kubelet rotates, are still refreshed every
 * minute.
 */
@Singleton
public class ClientConfigCustomizer implements KubernetesConfigCustomizer {
    @Override
    public void customize(Config config) {
        if (nothingToRefresh(config)) {
            config.setOauthToken("");
        }
    }

    static boolean nothingToRefresh(Config config) {
        boolean certificate = config.getClientCertData() != null || config.getClientCertFile() != null;
        return certificate && config.getOauthToken() == null && config.getAutoOAuthToken() == null
                && config.getOauthTokenProvider() == null && config.getAuthProvider() == null
                && (config.getUsername() == null || config.getUsername().isEmpty());
    }
}
