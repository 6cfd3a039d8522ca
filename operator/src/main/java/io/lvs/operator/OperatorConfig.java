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

    /** How long a deleted VirtualService waits for its nodes to confirm they removed its kernel state. */
    @WithDefault("120s")
    Duration cleanupTimeout();

    interface Agent {
        /** Image of the node agent. */
        @WithDefault("ghcr.io/lvs-operator/lvs-node-agent:0.1.0")
        String image();

        @WithDefault("IfNotPresent")
        String imagePullPolicy();

        /** Namespace of the agents' DaemonSet and ServiceAccount; default: the operator's namespace. */
        Optional<String> namespace();

        @WithDefault("lvs-node-agent")
        String name();

        @WithDefault("lvs-node-agent")
        String serviceAccount();

        @WithDefault("50m")
        String cpuRequest();

        @WithDefault("96Mi")
        String memoryRequest();

        @WithDefault("256Mi")
        String memoryLimit();

        /** Optional priority class for the agents (e.g. system-node-critical). */
        Optional<String> priorityClassName();

        /** How often the leader re-checks the agents' DaemonSet against the caches, as a safety net. */
        @WithDefault("30s")
        Duration placementResync();

        /** Host directory where agents keep what they own in the kernel (survives agent restarts). */
        @WithDefault("/var/lib/lvs-node-agent")
        String stateDir();
    }

    interface Operator {
        /** The operator's namespace (from the downward API in the chart); default: the client's namespace. */
        Optional<String> namespace();

        /** Name of the operator's Deployment: the agents' DaemonSet is owned by it, so uninstalling removes the agents. */
        Optional<String> deploymentName();

        @WithDefault("lvs-operator-leader")
        String leaseName();

        /** Exit the process when the Lease is lost (tests turn this off: their JVM outlives the operator). */
        @WithDefault("true")
        boolean exitOnLostLeadership();
    }
}
