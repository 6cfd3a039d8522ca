package io.lvs.operator.kube;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.lvs.operator.OperatorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * Only one operator replica reconciles at a time: they hold a coordination.k8s.io Lease (this bean is what the
 * Quarkus operator SDK looks for; it activates it in the profiles listed in
 * {@code quarkus.operator-sdk.activate-leader-election-for-profiles}). This election is about the operator only; the
 * directors elect the VIP holder among themselves over the network, never through the API server.
 */
public class LeaderElection {
    @Produces
    @ApplicationScoped
    LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        LeaderElectionConfigurationBuilder b = LeaderElectionConfigurationBuilder
                .aLeaderElectionConfiguration(config.operator().leaseName())
                .withLeaseNamespace(config.operator().namespace().orElse(null));
        // A replica that loses the Lease must stop reconciling at once: it exits and Kubernetes restarts it. Tests
        // keep the JVM (JOSDK only allows that through buildForTest).
        return config.operator().exitOnLostLeadership() ? b.build() : b.buildForTest(false);
    }
}
