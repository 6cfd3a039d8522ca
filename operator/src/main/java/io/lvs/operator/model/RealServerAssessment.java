package io.lvs.operator.model;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Node;
import io.lvs.api.v1alpha1.DirectorRole;
import io.lvs.api.v1alpha1.ForwardingMethod;
import io.lvs.api.v1alpha1.NodeReport;
import io.lvs.api.v1alpha1.ProbeResult;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.RealServerStatus;
import io.lvs.api.v1alpha1.ReportedRealServer;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.rules.MemberCheck;
import io.lvs.api.v1alpha1.rules.NodeAddresses;
import io.lvs.api.v1alpha1.rules.Problem;
import io.lvs.api.v1alpha1.validation.RealServerValidator;
import io.lvs.api.v1alpha1.validation.Violation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The status of one RealServer: whether it is valid and fits every VirtualService it belongs to (Accepted), what the
 * active directors of those VirtualServices report about its health (Healthy), and, for DirectRouting and Tunnel,
 * whether the node that hosts it is prepared (NodePrepared: its agent runs and holds the VIP on lo, see
 * {@link RealServerNodes}).
 */
public final class RealServerAssessment {
    private RealServerAssessment() {
    }

    /**
     * Everything an assessment reads. {@code virtualServices} are the ones it belongs to; {@code refTargetExists}
     * says whether the VirtualService named in virtualServiceRef exists; {@code reports} are the NodeReports of its
     * VirtualServices from live agents; {@code agents} says which agents are alive and why the others are not.
     */
    public record Inputs(RealServer realServer, List<VirtualService> virtualServices, boolean refTargetExists,
                         List<NodeReport> reports, Collection<Node> nodes, AgentLiveness agents, Instant now) {
    }

    public static RealServerStatus assess(Inputs in) {
        RealServer rs = in.realServer();
        long gen = rs.getMetadata().getGeneration() == null ? 0 : rs.getMetadata().getGeneration();
        Instant now = in.now();
        RealServerStatus prev = rs.getStatus() == null ? new RealServerStatus() : rs.getStatus();
        RealServerStatus st = new RealServerStatus();
        st.setObservedGeneration(gen);
        st.setVirtualServices(in.virtualServices().stream().map(v -> v.getMetadata().getName()).toList());
        List<Condition> cs = prev.getConditions() == null ? List.of() : prev.getConditions();

        Optional<Problem> problem = acceptance(in);
        if (problem.isPresent()) {
            cs = Conditions.set(cs, Conditions.ACCEPTED, Conditions.FALSE, problem.get().reason(), problem.get().message(),
                    gen, now);
            cs = Conditions.set(cs, Conditions.HEALTHY, Conditions.UNKNOWN, "NotAccepted", "not probed: not accepted",
                    gen, now);
            cs = Conditions.set(cs, Conditions.NODE_PREPARED, Conditions.UNKNOWN, "NotAccepted",
                    "no node is prepared for it: not accepted", gen, now);
            st.setConditions(cs);
            return st;
        }

        boolean needsHost = in.virtualServices().stream().anyMatch(v -> {
            ForwardingMethod m = v.getSpec().getForwarding().getMethod();
            return m == ForwardingMethod.DirectRouting || m == ForwardingMethod.Tunnel;
        });
        String message = "serves " + String.join(", ", st.getVirtualServices());
        if (needsHost) {
            Optional<NodeAddresses.Host> host = NodeAddresses.hostOf(rs, in.nodes());
            if (host.isPresent() && host.get().exists()) {
                st.setNodeName(host.get().nodeName());
                message += "; node " + host.get().nodeName() + " gets the VIP on lo from its lvs agent";
            } else if (host.isPresent()) {
                message += "; spec.nodeName " + host.get().nodeName() + " is not a node of this cluster, so no agent "
                        + "prepares it: put the VIP on its lo and set arp_ignore=1, arp_announce=2 by hand";
            } else {
                message += "; " + rs.getSpec().getAddress() + " is not a cluster node's address, so no agent prepares it: "
                        + "put the VIP on its lo and set arp_ignore=1, arp_announce=2 by hand (or set spec.nodeName)";
            }
        }
        cs = Conditions.set(cs, Conditions.ACCEPTED, Conditions.TRUE, "Accepted", message, gen, now);

        // Health as the active directors of its VirtualServices see it.
        List<String> downOn = new ArrayList<>();
        int upReports = 0;
        ProbeResult last = null;
        for (NodeReport r : in.reports()) {
            if (r.getStatus() == null || r.getStatus().getRole() != DirectorRole.Active
                    || r.getStatus().getRealServers() == null) {
                continue;
            }
            for (ReportedRealServer h : r.getStatus().getRealServers()) {
                if (!rs.getMetadata().getName().equals(h.getName())) {
                    continue;
                }
                if (Boolean.FALSE.equals(h.getHealthy())) {
                    String why = h.getLastProbe() == null || h.getLastProbe().getMessage() == null ? "probe failed"
                            : h.getLastProbe().getMessage();
                    downOn.add(r.getSpec().getNodeName() + " (VirtualService " + r.getSpec().getVirtualService() + "): " + why);
                    last = h.getLastProbe();
                } else if (Boolean.TRUE.equals(h.getHealthy())) {
                    upReports++;
                    if (last == null) {
                        last = h.getLastProbe();
                    }
                }
            }
        }
        if (!downOn.isEmpty()) {
            cs = Conditions.set(cs, Conditions.HEALTHY, Conditions.FALSE, "HealthCheckFailed",
                    "failing health checks from " + String.join("; ", downOn) + "; it gets no new connections (weight 0) "
                            + "until it passes again", gen, now);
        } else if (upReports > 0) {
            cs = Conditions.set(cs, Conditions.HEALTHY, Conditions.TRUE, "HealthCheckPassed",
                    "passes the health checks of the active director" + (upReports == 1 ? "" : "s"), gen, now);
        } else {
            cs = Conditions.set(cs, Conditions.HEALTHY, Conditions.UNKNOWN, "AwaitingHealthChecks",
                    "no active director has reported on this server yet", gen, now);
        }
        st.setLastProbe(last != null ? last : prev.getLastProbe());
        st.setConditions(nodePrepared(in, cs, gen, now));
        return st;
    }

    /** NodePrepared: how the hosting node stands for each DirectRouting or Tunnel VirtualService, the worst first. */
    private static List<Condition> nodePrepared(Inputs in, List<Condition> cs, long gen, Instant now) {
        RealServer rs = in.realServer();
        List<VirtualService> needing = in.virtualServices().stream().filter(v -> RealServerNodes.needed(v.getSpec())).toList();
        if (needing.isEmpty()) {
            return Conditions.set(cs, Conditions.NODE_PREPARED, Conditions.TRUE, "NotNeeded", "its VirtualServices "
                    + "(NAT, Local) need nothing on the server's node", gen, now);
        }
        Optional<String> node = RealServerNodes.nodeOf(rs, in.nodes());
        if (node.isEmpty()) {
            return Conditions.set(cs, Conditions.NODE_PREPARED, Conditions.UNKNOWN, "NotAClusterNode", "no lvs agent "
                    + "prepares " + rs.getSpec().getAddress() + " (not a node of this cluster): put the VIP on its lo and "
                    + "set arp_ignore=1, arp_announce=2 by hand", gen, now);
        }
        List<String> failed = new ArrayList<>();
        String failedReason = null;
        List<String> pending = new ArrayList<>();
        List<String> prepared = new ArrayList<>();
        for (VirtualService vs : needing) {
            Long target = vs.getStatus() == null ? null : vs.getStatus().getAcceptedGeneration();
            if (target == null) {
                continue; // not served anywhere: its own status says why
            }
            String name = vs.getMetadata().getName();
            Optional<NodeReport> report = in.reports().stream().filter(r -> r.getSpec() != null
                    && name.equals(r.getSpec().getVirtualService()) && node.get().equals(r.getSpec().getNodeName())).findFirst();
            String about = "VirtualService " + name + " (VIP " + vs.getSpec().getVip() + ")";
            switch (RealServerNodes.of(node.get(), report, in.agents(), target)) {
                case RealServerNodes.Failed f -> {
                    failed.add(about + ": " + f.message());
                    failedReason = failedReason == null ? f.reason() : failedReason;
                }
                case RealServerNodes.Pending p -> pending.add(about + ": " + p.message());
                case RealServerNodes.Prepared p -> prepared.add(name);
            }
        }
        String on = "node " + node.get();
        if (!failed.isEmpty()) {
            return Conditions.set(cs, Conditions.NODE_PREPARED, Conditions.FALSE, failedReason, on + " is not prepared for "
                    + String.join("; ", failed) + "; the directors still send this server connections it cannot answer",
                    gen, now);
        }
        if (!pending.isEmpty()) {
            return Conditions.set(cs, Conditions.NODE_PREPARED, Conditions.UNKNOWN, "AwaitingAgent", "waiting for the lvs "
                    + "agent on " + node.get() + " to prepare it for " + String.join("; ", pending), gen, now);
        }
        if (prepared.isEmpty()) {
            return Conditions.set(cs, Conditions.NODE_PREPARED, Conditions.UNKNOWN, "NotServed", "none of its "
                    + "DirectRouting or Tunnel VirtualServices is accepted, so " + on + " is not prepared for them", gen, now);
        }
        return Conditions.set(cs, Conditions.NODE_PREPARED, Conditions.TRUE, "Prepared", on + " holds the VIP on lo and "
                + "the sysctls it needs there for VirtualService" + (prepared.size() == 1 ? " " : "s ")
                + String.join(", ", prepared), gen, now);
    }

    private static Optional<Problem> acceptance(Inputs in) {
        RealServer rs = in.realServer();
        List<Violation> violations = RealServerValidator.validate(rs.getSpec());
        if (!violations.isEmpty()) {
            return Optional.of(new Problem("InvalidSpec", VirtualServiceAssessment.describe(violations)));
        }
        String ns = rs.getMetadata().getNamespace();
        if (rs.getSpec().getVirtualServiceRef() != null && !in.refTargetExists()) {
            return Optional.of(new Problem("VirtualServiceNotFound", "spec.virtualServiceRef names VirtualService "
                    + rs.getSpec().getVirtualServiceRef().getName() + ", which does not exist in namespace " + ns));
        }
        if (in.virtualServices().isEmpty()) {
            return Optional.of(new Problem("NoVirtualService", "no VirtualService in namespace " + ns + " selects this "
                    + "RealServer by its labels; set spec.virtualServiceRef or label it to match a realServerSelector"));
        }
        List<Problem> problems = new ArrayList<>();
        for (VirtualService vs : in.virtualServices()) {
            if (io.lvs.api.v1alpha1.validation.VirtualServiceValidator.validate(vs.getSpec()).isEmpty()) {
                MemberCheck.check(vs, rs).ifPresent(problems::add); // an invalid VirtualService explains itself
            }
        }
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Problem(problems.getFirst().reason(),
                String.join("; ", problems.stream().map(Problem::message).toList())));
    }
}
