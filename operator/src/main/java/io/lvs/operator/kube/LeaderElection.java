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
        // A replica that loses the Lease (an API server that stalled past the renew deadline, say) must stop
        // reconciling at once and must not stay a silent non-leader forever: it exits, Kubernetes restarts it and the
        // new process stands for election again. JOSDK's build() means "do not exit" (it logs "Stopped leading,
        // configured not to exit" and the replica never reconciles again), so the flag goes through buildForTest;
        // tests keep their JVM.
        return b.buildForTest(config.operator().exitOnLostLeadership());
    }
}
