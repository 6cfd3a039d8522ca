package io.lvs.operator.model;

import io.fabric8.kubernetes.api.model.Node;
import io.lvs.api.v1alpha1.DirectorRole;
import io.lvs.api.v1alpha1.ForwardingMethod;
import io.lvs.api.v1alpha1.NodeReport;
import io.lvs.api.v1alpha1.NodeReportStatus;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VirtualServiceSpec;
import io.lvs.api.v1alpha1.rules.NodeAddresses;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether the cluster nodes that host DirectRouting and Tunnel real servers are prepared for a VirtualService: the
 * node's lvs agent is alive and reports the VIP on lo and the ARP sysctls set. A director sends such a server packets
 * addressed to the VIP; without the VIP on its lo the server drops them (or, forwarding, sends them on), so an
 * unprepared node's server cannot answer, however well it passes its health check (which goes to its own address).
 */
public final class RealServerNodes {
    /** Why an unprepared node is: its agent does not run (its pod's failure says why). */
    public static final String AGENT_NOT_RUNNING = "AgentNotRunning";
    /** Why an unprepared node is: its agent reports that it could not prepare it (its report says why). */
    public static final String NOT_PREPARED = "NotPrepared";

    private RealServerNodes() {
    }

    /** How one node stands for one VirtualService. */
    public sealed interface Preparation permits Prepared, Pending, Failed {
    }

    /**
     * Its agent reports the node prepared.
     *
     * @param current at the accepted generation (false: at an earlier one, not yet confirmed for this one)
     */
    public record Prepared(boolean current) implements Preparation {
    }

    /**
     * Not known yet, nobody needs to act: its agent is starting or has not reported on this VirtualService yet.
     *
     * @param reported its agent has reported, at an earlier generation
     * @param message  what is awaited
     */
    public record Pending(boolean reported, String message) implements Preparation {
    }

    /**
     * Not prepared, and a person must act.
     *
     * @param reason  {@link #AGENT_NOT_RUNNING} or {@link #NOT_PREPARED}
     * @param message what is wrong, in the words of the agent's pod or report
     */
    public record Failed(String reason, String message) implements Preparation {
    }

    /** Whether the real servers' nodes must hold the VIP on lo for {@code spec} (DirectRouting and Tunnel). */
    public static boolean needed(VirtualServiceSpec spec) {
        ForwardingMethod m = spec == null || spec.getForwarding() == null ? null : spec.getForwarding().getMethod();
        return m == ForwardingMethod.DirectRouting || m == ForwardingMethod.Tunnel;
    }

    /**
     * The cluster node whose agent prepares {@code rs} (its {@code spec.nodeName}, else the node with its address);
     * empty for a server outside the cluster, which must be prepared by hand.
     */
    public static Optional<String> nodeOf(RealServer rs, Collection<Node> nodes) {
        return NodeAddresses.hostOf(rs, nodes).filter(NodeAddresses.Host::exists).map(NodeAddresses.Host::nodeName);
    }

    /**
     * How {@code node} stands for a VirtualService whose accepted generation is {@code target}, from its agent's
     * liveness and its report about that VirtualService ({@code report}: only one from a live agent is believed).
     */
    public static Preparation of(String node, Optional<NodeReport> report, AgentLiveness agents, long target) {
        Optional<AgentLiveness.Absence> absence = agents.absence(node);
        if (absence.isPresent()) {
            return absence.get().failing() ? new Failed(AGENT_NOT_RUNNING, absence.get().message())
                    : new Pending(false, absence.get().message());
        }
        NodeReportStatus st = report.map(NodeReport::getStatus).orElse(null);
        if (st == null) {
            return new Pending(false, "its agent has not reported on this VirtualService yet");
        }
        if (st.getRole() == DirectorRole.Active || st.getRole() == DirectorRole.Standby || st.getRole() == DirectorRole.Fault) {
            return new Failed(NOT_PREPARED, "it is a director of this VIP too, and a node cannot be both: the VIP on its "
                    + "lo would take the director's traffic; host the real server elsewhere or take the node out of "
                    + "directors.nodeSelector");
        }
        boolean programmed = Boolean.TRUE.equals(st.getProgrammed());
        if (st.getVirtualServiceGeneration() == null || st.getVirtualServiceGeneration() < target) {
            return programmed ? new Prepared(false)
                    : new Pending(true, "its agent is at generation " + st.getVirtualServiceGeneration() + ", not yet "
                    + target);
        }
        if (!programmed) {
            return new Failed(NOT_PREPARED, Objects.requireNonNullElse(st.getMessage(), "its agent reports it not prepared"));
        }
        return new Prepared(true);
    }
}
