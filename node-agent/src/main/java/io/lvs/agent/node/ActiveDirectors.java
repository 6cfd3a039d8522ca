package io.lvs.agent.node;

import io.lvs.agent.model.NodeDesired.DirectorGroup;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Which VIPs this node is the active director for: the one seam through which the loop learns it. The election
 * behind it (VRRPv3 adverts between the directors; before that, a rule over the agents' Leases) is configured with
 * the VIP groups this node directs and tells the loop when a role changes, so the VIP moves at once.
 */
public interface ActiveDirectors extends AutoCloseable {
    /** A director's part in one VIP's election. */
    enum Role { ACTIVE, STANDBY }

    /** Sets the VIPs this node directs (the whole set); unchanged groups keep their state. */
    void configure(Collection<DirectorGroup> groups);

    /** This node's role for {@code vip}; STANDBY for a VIP it does not direct. */
    Role role(InetAddress vip);

    /** When this node last became active for {@code vip}, while it is. */
    Optional<Instant> activeSince(InetAddress vip);

    /**
     * Rises each time the active director of {@code vip} must announce it again although it kept it: another director
     * held it too (a healed partition) and the network may still send the VIP's traffic there.
     */
    default long announceEpoch(InetAddress vip) {
        return 0;
    }

    /**
     * The ids of the advert keys this node holds, the signing key first (empty: this election uses no keys). The
     * agent's Lease carries them, so the operator rotates a key only once every director has the previous step.
     */
    default List<Integer> keyIds() {
        return List.of();
    }

    /** Called (on the election's thread; must not block) whenever a role may have changed. */
    void onChange(Runnable listener);

    /**
     * Stops taking part. {@code handOver}: give the VIPs to a standby at once (graceful shutdown on node drain or
     * uninstall); otherwise just stop (an agent restart: the next agent adopts the VIPs it finds held).
     */
    void stop(boolean handOver);

    @Override
    default void close() {
        stop(false);
    }
}
