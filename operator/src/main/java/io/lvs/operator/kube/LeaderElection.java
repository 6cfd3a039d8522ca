package io.lvs.operator.kube;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.lvs.operator.OperatorConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.interceptor.Interceptor;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Only one operator replica reconciles at a time: they hold a coordination.k8s.io Lease (this bean is what the
 * Quarkus operator SDK looks for; it activates it in the profiles listed in
 * {@code quarkus.operator-sdk.activate-leader-election-for-profiles}). This election is about the operator only; the
 * directors elect the VIP holder among themselves over the network, never through the API server.
 */
public class LeaderElection {
    private static final Logger LOG = Logger.getLogger(LeaderElection.class);
    /**
     * This replica's name in the Lease: the pod's name (HOSTNAME), else a random one, so that two replicas never share
     * an identity (both would believe they lead).
     */
    private static final java.util.concurrent.atomic.AtomicBoolean SHUTTING_DOWN = new java.util.concurrent.atomic.AtomicBoolean();
    static final String IDENTITY = Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank())
            .orElseGet(() -> "lvs-operator-" + UUID.randomUUID());

    @Produces
    @ApplicationScoped
    LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        LeaderElectionConfigurationBuilder b = LeaderElectionConfigurationBuilder
                .aLeaderElectionConfiguration(config.operator().leaseName())
                .withLeaseNamespace(config.operator().namespace().orElse(null))
                .withIdentity(IDENTITY);
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
    /**
     * An orderly stop (SIGTERM: a rolling update, a drain) gives the Lease up, so that the other replica leads within
     * its retry period (2 s) rather than after the Lease's 15 s. Runs just before the operator SDK stops (its shutdown
     * observer has the default priority and closes the client); the SDK stops within milliseconds, well before the other
     * replica's next try. Only a Lease this replica holds is touched; without leader election there is none.
     */
    void release(@Observes @Priority(Interceptor.Priority.APPLICATION + 400) ShutdownEvent e, KubernetesClient client,
                 OperatorConfig config) {
        SHUTTING_DOWN.set(true); // the SDK's stop ends the leadership: that is no lost Lease
        String ns = config.operator().namespace().orElse(client.getNamespace());
        try {
            Lease l = client.leases().inNamespace(ns).withName(config.operator().leaseName()).get();
            if (l == null || l.getSpec() == null || !IDENTITY.equals(l.getSpec().getHolderIdentity())) {
                return;
            }
            // expired at once: the other replica's next try takes it (its holder field stays, as the record says who led)
            l.getSpec().setLeaseDurationSeconds(1);
            l.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC).minusSeconds(2));
            client.leases().inNamespace(ns).resource(l).update();
            LOG.infof("released the leader Lease %s/%s", ns, config.operator().leaseName());
        } catch (RuntimeException x) {
            LOG.warnf("could not release the leader Lease (the other replica takes it when it lapses): %s", x.getMessage());
        }
    }

    private static void lostLease() {
        if (SHUTTING_DOWN.get()) {
            return;
        }
        Thread.ofPlatform().daemon().name("lvs-lost-lease").start(() -> {
            LOG.error("lost the leader Lease: exiting so that a restart stands for election again");
            System.exit(1);
        });
    }
}
