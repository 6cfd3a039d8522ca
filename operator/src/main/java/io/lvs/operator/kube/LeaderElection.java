package io.lvs.operator.kube;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.lvs.operator.OperatorConfig;
import io.lvs.operator.keys.VrrpKeys;
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
import java.util.concurrent.atomic.AtomicBoolean;
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
    static final String IDENTITY = Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank())
            .orElseGet(() -> "lvs-operator-" + UUID.randomUUID());
    /** Set once the orderly shutdown begins: the SDK's stop then ends the leadership, which is no lost Lease. */
    private static final AtomicBoolean SHUTTING_DOWN = new AtomicBoolean();

    @Produces
    @ApplicationScoped
    LeaderElectionConfiguration leaderElection(OperatorConfig config, VrrpKeys keys) {
        boolean exit = config.operator().exitOnLostLeadership();
        // Work only the leader does starts when this replica starts leading (the SDK starts its event sources, and
        // with them the watches, on every replica; only reconciling waits for the Lease).
        LeaderCallbacks callbacks = new LeaderCallbacks(keys::start, exit ? LeaderElection::lostLease : () -> { },
                leader -> { });
        // JOSDK's own exit (build() never exits: it logs "Stopped leading, configured not to exit" and the replica
        // never reconciles again) calls System.exit on the thread that stops leading, which during a SIGTERM is the
        // shutdown itself, and hangs it. lostLease exits from a thread of its own instead.
        return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(config.operator().leaseName())
                .withLeaseNamespace(config.operator().namespace().orElse(null))
                .withIdentity(IDENTITY)
                .withLeaderCallbacks(callbacks)
                .buildForTest(false);
    }

    void shuttingDown(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent e) {
        SHUTTING_DOWN.set(true);
    }

    /**
     * An orderly stop (SIGTERM: a rolling update, a drain) gives the Lease up, so that the other replica leads within
     * its retry period (2 s) rather than after the Lease's 15 s. Runs after the operator SDK has stopped (its shutdown
     * observer has the default priority: reconciles finished, the elector stopped, so nothing renews the Lease after
     * this), with a client of its own because the SDK closes the shared one. Only a Lease this replica holds is
     * touched; without leader election there is none.
     */
    void release(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER + 500) ShutdownEvent e, KubernetesClient shared,
                 OperatorConfig config) {
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(shared.getConfiguration()).build()) {
            String ns = config.operator().namespace().orElse(client.getNamespace());
            Lease l = client.leases().inNamespace(ns).withName(config.operator().leaseName()).get();
            if (l == null || l.getSpec() == null || !IDENTITY.equals(l.getSpec().getHolderIdentity())) {
                return;
            }
            // expired at once: the other replica's next try takes it (the holder field stays, as the record of who led)
            l.getSpec().setLeaseDurationSeconds(1);
            l.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC).minusSeconds(2));
            client.leases().inNamespace(ns).resource(l).update();
            LOG.infof("released the leader Lease %s/%s", ns, config.operator().leaseName());
        } catch (RuntimeException x) {
            LOG.warnf("could not release the leader Lease (the other replica takes it when it lapses): %s", x.getMessage());
        }
    }

    /**
     * The Lease is gone (an API server that stalled past the renew deadline, say): stop reconciling for good and let
     * Kubernetes restart this replica, which then stands for election again. Exiting from a new thread is safe also
     * during an orderly shutdown, which stops leading too: that thread then waits and the shutdown's exit code stands.
     */
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
