package io.lvs.operator.kube;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.lvs.operator.OperatorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

/**
 * Only one operator replica reconciles at a time: they hold a coordination.k8s.io Lease (this bean is what the
 * Quarkus operator SDK looks for; it activates it in the profiles listed in
 * {@code quarkus.operator-sdk.activate-leader-election-for-profiles}). This election is about the operator only; the
 * directors elect the VIP holder among themselves over the network, never through the API server.
 */
public class LeaderElection {
    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    @Produces
    @ApplicationScoped
    LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        LeaderElectionConfigurationBuilder b = LeaderElectionConfigurationBuilder
                .aLeaderElectionConfiguration(config.operator().leaseName())
                .withLeaseNamespace(config.operator().namespace().orElse(null));
        if (config.operator().exitOnLostLeadership()) {
            b.withLeaderCallbacks(new LeaderCallbacks(() -> { }, LeaderElection::lostLease, leader -> { }));
        }
        // JOSDK's own exit (build() never exits: it logs "Stopped leading, configured not to exit" and the replica
        // never reconciles again) calls System.exit on the thread that stops leading, which during a SIGTERM is the
        // shutdown itself, and hangs it. lostLease exits from a thread of its own instead.
        return b.buildForTest(false);
    }

    /**
     * The Lease is gone (an API server that stalled past the renew deadline, say): stop reconciling for good and let
     * Kubernetes restart this replica, which then stands for election again. Exiting from a new thread is safe also
     * during an orderly shutdown, which stops leading too: that thread then waits and the shutdown's exit code stands.
     */
    private static void lostLease() {
        Thread.ofPlatform().daemon().name("lvs-lost-lease").start(() -> {
            LOG.error("lost the leader Lease: exiting so that a restart stands for election again");
            System.exit(1);
        });
    }
}
