package io.lvs.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The operator's settings (prefix {@code lvs}); the Helm chart sets them through environment variables. */
@ConfigMapping(prefix = "lvs")
public interface OperatorConfig {

    /** Where the node agents run and what they look like. */
    Agent agent();

    /** The operator's own identity in the cluster. */
    Operator operator();

    /** The directors' VRRP advert keys. */
    VrrpKeys vrrpKeys();

    /** How long a deleted VirtualService waits for its nodes to confirm they removed its kernel state. */
    @WithDefault("120s")
    Duration cleanupTimeout();

    /** Where the node agents run: the Helm chart's DaemonSet, which the operator only reads. */
    interface Agent {
        /** Namespace of the agents' DaemonSet, pods and Leases; default: the operator's namespace. */
        Optional<String> namespace();

        /** Name of the agents' DaemonSet (the chart's agent.daemonSetName). */
        @WithDefault("lvs-node-agent")
        String name();
    }

    /**
     * The Secret with the directors' VRRP advert keys that the operator creates and rotates (the chart sets it unless
     * the user brings a Secret of their own, which the operator never touches).
     */
    interface VrrpKeys {
        /** Its name, in the agents' namespace; empty: the operator keeps no keys. */
        Optional<String> secret();

        /** How long a key signs before the next rotation starts; 0s never rotates. */
        @WithDefault("720h")
        Duration rotation();

        /** The least time between two steps of a rotation (a kubelet refreshes a mounted Secret within about a minute). */
        @WithDefault("60s")
        Duration minStep();
    }

    interface Operator {
        /** The operator's namespace (from the downward API in the chart); default: the client's namespace. */
        Optional<String> namespace();

        @WithDefault("lvs-operator-leader")
        String leaseName();

        /** Exit the process when the Lease is lost (tests turn this off: their JVM outlives the operator). */
        @WithDefault("true")
        boolean exitOnLostLeadership();
    }
}
