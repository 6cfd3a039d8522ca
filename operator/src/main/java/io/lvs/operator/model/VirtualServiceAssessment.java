package io.lvs.operator.model;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Node;
import io.lvs.api.v1alpha1.DirectorRole;
import io.lvs.api.v1alpha1.DirectorStatus;
import io.lvs.api.v1alpha1.ForwardingMethod;
import io.lvs.api.v1alpha1.IpLiteral;
import io.lvs.api.v1alpha1.NodeReport;
import io.lvs.api.v1alpha1.NodeReportStatus;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.ReportedRealServer;
import io.lvs.api.v1alpha1.ServicePort;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.VirtualServiceSpec;
import io.lvs.api.v1alpha1.VirtualServiceStatus;
import io.lvs.api.v1alpha1.rules.Cidr;
import io.lvs.api.v1alpha1.rules.MemberCheck;
import io.lvs.api.v1alpha1.rules.Problem;
import io.lvs.api.v1alpha1.rules.Selectors;
import io.lvs.api.v1alpha1.validation.ApiObjects;
import io.lvs.api.v1alpha1.validation.RealServerValidator;
import io.lvs.api.v1alpha1.validation.Violation;
import io.lvs.api.v1alpha1.validation.VirtualServiceValidator;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The status of one VirtualService from everything the operator knows: its spec, whether it holds its VIP/ports
 * (see {@link VipClaims}), its RealServers, the cluster's nodes and its nodes' NodeReports.
 *
 * <p>Accepted: the spec is valid, its ports are not taken, and (except for Local) it has real servers. Programmed:
 * every director's agent reports the accepted generation in its kernel, and with DirectRouting and Tunnel every cluster
 * node hosting a real server reports itself prepared (VIP on lo, ARP sysctls; see {@link RealServerNodes}). Ready: a
 * director holds the VIP and a real server can answer (passes its check, and its node, if it needs one, is prepared).
 * Degraded: something works but not everything (split brain, failed servers, directors or real-server nodes, the NAT
 * same-subnet pitfall).
 */
public final class VirtualServiceAssessment {
    private static final int MAX_LISTED = 5;

    private VirtualServiceAssessment() {
    }

    /**
     * Everything an assessment reads. {@code reports} are this VirtualService's NodeReports; only those of nodes whose
     * agent is alive per {@code agents} are believed.
     */
    public record Inputs(VirtualService virtualService, Vips vips, Optional<Problem> claim, List<RealServer> members,
                         List<NodeReport> reports, Collection<Node> nodes, AgentLiveness agents, Instant now) {
    }

    /**
     * What the VipPools say: why the spec's VIP may not be used (empty: it may), and the same for the VIP of the spec
     * accepted earlier. When the accepted spec's VIP is no longer allowed (a pool shrank or stopped allowing the
     * namespace), nothing of it may be served any longer: the accepted spec is withdrawn.
     */
    public record Vips(Optional<Problem> current, Optional<Problem> accepted) {
        public static final Vips ALLOWED = new Vips(Optional.empty(), Optional.empty());
    }

    /**
     * A member that was accepted, with the health the active director reports for it (empty: not reported yet) and the
     * node that must be prepared for it (empty: none needed, or outside the cluster).
     */
    private record Member(RealServer rs, Optional<ReportedRealServer> health, Optional<String> node,
                          Optional<RealServerNodes.Preparation> preparation) {
        boolean healthy() {
            return health.map(h -> Boolean.TRUE.equals(h.getHealthy())).orElse(false);
        }

        boolean reportedDown() {
            return health.map(h -> Boolean.FALSE.equals(h.getHealthy())).orElse(false);
        }

        /** Its node, if it needs one, is prepared: the directors' packets for the VIP reach a server that answers. */
        boolean nodeReady() {
            return preparation.map(p -> p instanceof RealServerNodes.Prepared).orElse(true);
        }

        /** Passes its check and can answer: what counts as a ready real server. */
        boolean ready() {
            return healthy() && nodeReady();
        }

        String name() {
            return rs.getMetadata().getName();
        }
    }

    public static VirtualServiceStatus assess(Inputs in) {
        VirtualService vs = in.virtualService();
        VirtualServiceSpec spec = vs.getSpec();
        VirtualServiceStatus prev = vs.getStatus() == null ? new VirtualServiceStatus() : vs.getStatus();
        long gen = vs.getMetadata().getGeneration() == null ? 0 : vs.getMetadata().getGeneration();
        Instant now = in.now();

        VirtualServiceStatus st = new VirtualServiceStatus();
        st.setObservedGeneration(gen);
        st.setAcceptedGeneration(prev.getAcceptedGeneration());
        st.setAcceptedSpec(prev.getAcceptedSpec());
        st.setLastFailoverTime(prev.getLastFailoverTime());
        st.setFailovers(prev.getFailovers());
        List<Condition> cs = prev.getConditions() == null ? List.of() : prev.getConditions();

        List<Violation> violations = VirtualServiceValidator.validate(spec);
        if (spec != null && spec.getPorts() != null) {
            st.setPorts(spec.getPorts().stream().filter(Objects::nonNull).map(ServicePort::toString)
                    .collect(Collectors.joining(",")));
        }
        if (!violations.isEmpty()) {
            if (in.vips().accepted().isPresent()) { // a pool no longer allows the accepted VIP: withdraw it too
                st.setAcceptedGeneration(null);
                st.setAcceptedSpec(null);
            }
            cs = Conditions.set(cs, Conditions.ACCEPTED, Conditions.FALSE, "InvalidSpec", describe(violations), gen, now);
            st.setConditions(finishUnaccepted(cs, st, gen, now, "the spec is invalid"));
            return st;
        }

        ForwardingMethod method = spec.getForwarding().getMethod();
        List<RealServer> accepted = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (RealServer rs : in.members()) {
            String why = RealServerValidator.validate(rs.getSpec()).isEmpty()
                    ? MemberCheck.check(vs, rs).map(Problem::reason).orElse(null) : "InvalidSpec";
            if (why == null) {
                accepted.add(rs);
            } else {
                refused.add(rs.getMetadata().getName() + " (" + why + ")");
            }
        }

        Optional<Problem> refusal = in.vips().current().or(in::claim);
        if (refusal.isEmpty() && method != ForwardingMethod.Local && in.members().isEmpty()) {
            refusal = Optional.of(new Problem("NoRealServers", noRealServersMessage(vs)));
        }
        if (refusal.isPresent()) {
            cs = Conditions.set(cs, Conditions.ACCEPTED, Conditions.FALSE, refusal.get().reason(), refusal.get().message(),
                    gen, now);
            if (prev.getAcceptedGeneration() == null) {
                st.setConditions(finishUnaccepted(cs, st, gen, now, "it was never accepted"));
                return st;
            }
            if (in.vips().accepted().isPresent()) {
                st.setAcceptedGeneration(null);
                st.setAcceptedSpec(null);
                st.setConditions(finishUnaccepted(cs, st, gen, now, "the VIP it was accepted with is no longer in a "
                        + "VipPool its namespace may use"));
                return st;
            }
        } else {
            st.setAcceptedGeneration(gen);
            // A copy: agents program this until a later generation is accepted, whatever the spec says meanwhile.
            st.setAcceptedSpec(ApiObjects.MAPPER.convertValue(spec, VirtualServiceSpec.class));
            String msg = "VIP " + spec.getVip() + " " + st.getPorts() + (method == ForwardingMethod.Local
                    ? " served locally by the active director"
                    : " with " + accepted.size() + " real server" + (accepted.size() == 1 ? "" : "s"));
            if (!refused.isEmpty()) {
                msg += "; not used: " + list(refused) + " (see their status)";
            }
            cs = Conditions.set(cs, Conditions.ACCEPTED, Conditions.TRUE, "Accepted", msg, gen, now);
        }
        long target = st.getAcceptedGeneration();

        // Directors: the nodes the selector picks, plus nodes that still report a director role.
        Map<String, NodeReport> byNode = new LinkedHashMap<>();
        for (NodeReport r : in.reports()) {
            if (r.getSpec() != null && r.getSpec().getNodeName() != null && in.agents().alive(r.getSpec().getNodeName())) {
                byNode.put(r.getSpec().getNodeName(), r);
            }
        }
        TreeSet<String> selected = new TreeSet<>();
        for (Node n : in.nodes()) {
            if (Selectors.matches(spec.getDirectors().getNodeSelector(), n.getMetadata().getLabels())) {
                selected.add(n.getMetadata().getName());
            }
        }
        TreeSet<String> directorNodes = new TreeSet<>(selected);
        byNode.forEach((node, r) -> {
            DirectorRole role = r.getStatus() == null ? null : r.getStatus().getRole();
            if (role == DirectorRole.Active || role == DirectorRole.Standby || role == DirectorRole.Fault) {
                directorNodes.add(node);
            }
        });
        List<DirectorStatus> directors = new ArrayList<>();
        List<String> actives = new ArrayList<>();
        List<String> faults = new ArrayList<>();
        for (String node : directorNodes) {
            NodeReportStatus rs = Optional.ofNullable(byNode.get(node)).map(NodeReport::getStatus).orElse(null);
            DirectorRole role = rs == null || rs.getRole() == null ? DirectorRole.Unknown : rs.getRole();
            String message = rs == null ? in.agents().absence(node).map(AgentLiveness.Absence::message)
                    .orElse("no report from this node's agent yet") : rs.getMessage();
            if (!selected.contains(node)) {
                message = "no longer selected by directors.nodeSelector" + (message == null ? "" : "; " + message);
            }
            directors.add(new DirectorStatus(node, role, spec.getDirectors().priorityOf(node),
                    rs == null ? null : rs.getProgrammed(), message, rs == null ? null : rs.getReportTime()));
            if (role == DirectorRole.Active) {
                actives.add(node);
            } else if (role == DirectorRole.Fault) {
                faults.add(node);
            }
        }
        st.setDirectors(directors);
        String active = actives.isEmpty() ? null : actives.getFirst();
        st.setActiveDirector(active);
        if (active != null && prev.getActiveDirector() != null && !active.equals(prev.getActiveDirector())) {
            String since = byNode.get(active).getStatus().getActiveSince();
            st.setLastFailoverTime(since != null ? since : now.toString());
            st.setFailovers((prev.getFailovers() == null ? 0 : prev.getFailovers()) + 1);
        }

        // Programmed
        List<String> missing = new ArrayList<>();
        List<String> unavailable = new ArrayList<>();
        List<String> outdated = new ArrayList<>();
        List<String> failing = new ArrayList<>();
        List<String> warnings = new ArrayList<>(); // programmed reports that still say something (drift repaired again)
        for (String node : selected) {
            NodeReport r = byNode.get(node);
            Optional<AgentLiveness.Absence> absence = in.agents().absence(node);
            if (absence.isPresent() && absence.get().failing()) {
                unavailable.add(node + " (" + absence.get().message() + ")");
            } else if (r == null || r.getStatus() == null) {
                missing.add(node);
            } else if (r.getStatus().getVirtualServiceGeneration() == null
                    || r.getStatus().getVirtualServiceGeneration() < target) {
                outdated.add(node + " (at generation " + r.getStatus().getVirtualServiceGeneration() + ")");
            } else if (!Boolean.TRUE.equals(r.getStatus().getProgrammed())) {
                failing.add(node + ": " + Objects.requireNonNullElse(r.getStatus().getMessage(), "not programmed"));
            } else if (r.getStatus().getMessage() != null) {
                warnings.add(node + ": " + r.getStatus().getMessage());
            }
        }
        boolean conflict = failingConflict(selected, byNode, target);
        // Real-server nodes (DirectRouting, Tunnel): each node once, with the servers it hosts.
        Map<String, List<String>> hosted = new java.util.TreeMap<>();
        Map<String, RealServerNodes.Preparation> preparations = new LinkedHashMap<>();
        boolean needsNodes = RealServerNodes.needed(spec);
        if (needsNodes) {
            for (RealServer rs : accepted) {
                RealServerNodes.nodeOf(rs, in.nodes()).ifPresent(n -> hosted.computeIfAbsent(n, k -> new ArrayList<>())
                        .add(rs.getMetadata().getName()));
            }
            hosted.forEach((node, servers) -> preparations.put(node,
                    RealServerNodes.of(node, Optional.ofNullable(byNode.get(node)), in.agents(), target)));
        }
        hosted.forEach((node, servers) -> {
            String who = "real-server node " + node + " (" + list(servers) + ")";
            switch (preparations.get(node)) {
                case RealServerNodes.Failed f when f.reason().equals(RealServerNodes.AGENT_NOT_RUNNING) ->
                        unavailable.add(who + " (" + f.message() + ")");
                case RealServerNodes.Failed f -> failing.add(who + ": " + f.message());
                case RealServerNodes.Pending p when p.reported() -> outdated.add(who + " (" + p.message() + ")");
                case RealServerNodes.Pending p -> missing.add(who);
                case RealServerNodes.Prepared p when !p.current() -> outdated.add(who);
                case RealServerNodes.Prepared p -> {
                }
            }
        });
        String preparedNodes = hosted.isEmpty() ? "" : " and prepared on " + hosted.size() + " real-server node"
                + (hosted.size() == 1 ? "" : "s");
        if (selected.isEmpty()) {
            cs = Conditions.set(cs, Conditions.PROGRAMMED, Conditions.FALSE, "NoDirectors", "directors.nodeSelector "
                    + Selectors.describe(spec.getDirectors().getNodeSelector()) + " matches no node; label the nodes "
                    + "that should hold VIP " + spec.getVip(), gen, now);
        } else if (!unavailable.isEmpty()) {
            cs = Conditions.set(cs, Conditions.PROGRAMMED, Conditions.FALSE, "AgentNotRunning", "no lvs agent runs on "
                    + join(unavailable, "; "), gen, now);
        } else if (!failing.isEmpty()) {
            cs = Conditions.set(cs, Conditions.PROGRAMMED, Conditions.FALSE, conflict ? "Conflict" : "NotProgrammed",
                    join(failing, "; "), gen, now);
        } else if (!missing.isEmpty()) {
            cs = Conditions.set(cs, Conditions.PROGRAMMED, Conditions.FALSE, "AwaitingAgents",
                    "waiting for the node agents on " + list(missing) + " to report", gen, now);
        } else if (!outdated.isEmpty()) {
            cs = Conditions.set(cs, Conditions.PROGRAMMED, Conditions.FALSE, "Progressing", "generation " + target
                    + " not yet applied on " + list(outdated), gen, now);
        } else {
            cs = Conditions.set(cs, Conditions.PROGRAMMED, Conditions.TRUE, "Programmed", "generation " + target
                    + " is programmed on " + selected.size() + " director" + (selected.size() == 1 ? "" : "s")
                    + preparedNodes + (target != gen ? " (generation " + gen + " was not accepted)" : "")
                    + (warnings.isEmpty() ? "" : "; " + join(warnings, "; ")), gen, now);
        }

        // Real-server health as the active director sees it (before an election, as any director sees it).
        List<NodeReport> healthSources = new ArrayList<>();
        for (String node : actives.isEmpty() ? directorNodes : actives) {
            if (byNode.containsKey(node) && byNode.get(node).getStatus() != null) {
                healthSources.add(byNode.get(node));
            }
        }
        List<Member> members = accepted.stream().map(rs -> {
            Optional<String> node = needsNodes ? RealServerNodes.nodeOf(rs, in.nodes()) : Optional.empty();
            return new Member(rs, healthOf(rs, healthSources), node, node.map(preparations::get));
        }).toList();
        long ready = members.stream().filter(Member::ready).count();
        st.setReadyRealServers((int) ready);
        st.setTotalRealServers(members.size());
        st.setRealServersReady(ready + "/" + members.size());

        // Ready
        List<String> unanswering = members.stream().filter(m -> m.healthy() && !m.nodeReady())
                .map(m -> m.name() + " (node " + m.node().orElseThrow() + ")").toList();
        NodeReportStatus activeReport = active == null ? null : byNode.get(active).getStatus();
        if (active == null) {
            cs = Conditions.set(cs, Conditions.READY, Conditions.FALSE, "NoActiveDirector",
                    directorNodes.stream().noneMatch(byNode::containsKey)
                    ? "no node agent has reported yet, so no director holds VIP " + spec.getVip()
                    : "no director holds VIP " + spec.getVip(), gen, now);
        } else if (!Boolean.TRUE.equals(activeReport.getVipHeld())) {
            cs = Conditions.set(cs, Conditions.READY, Conditions.FALSE, "VIPNotHeld", "active director " + active
                    + " does not hold VIP " + spec.getVip() + (activeReport.getMessage() == null ? ""
                    : ": " + activeReport.getMessage()), gen, now);
        } else if (method != ForwardingMethod.Local && ready == 0 && !unanswering.isEmpty()) {
            cs = Conditions.set(cs, Conditions.READY, Conditions.FALSE, "RealServerNodesNotPrepared", active + " holds VIP "
                    + spec.getVip() + " but none of its " + members.size() + " real servers can answer: "
                    + list(unanswering) + " pass their checks, but their nodes are not known to hold VIP " + spec.getVip()
                    + " on lo (see Programmed)", gen, now);
        } else if (method != ForwardingMethod.Local && ready == 0) {
            cs = Conditions.set(cs, Conditions.READY, Conditions.FALSE, "NoHealthyRealServers", active + " holds VIP "
                    + spec.getVip() + " but none of its " + members.size() + " real servers passes its health check",
                    gen, now);
        } else {
            cs = Conditions.set(cs, Conditions.READY, Conditions.TRUE, "Ready", active + " holds VIP " + spec.getVip()
                    + (method == ForwardingMethod.Local ? "" : "; " + ready + "/" + members.size() + " real servers "
                    + (unanswering.isEmpty() ? "healthy" : "ready (" + list(unanswering) + " pass their checks, but their "
                    + "nodes are not prepared)")), gen, now);
        }

        // Degraded
        List<Problem> issues = new ArrayList<>();
        if (actives.size() > 1) {
            issues.add(new Problem("SplitBrain", "more than one director holds VIP " + spec.getVip() + ": "
                    + String.join(", ", actives)));
        }
        List<String> down = members.stream().filter(Member::reportedDown).map(m -> m.rs().getMetadata().getName()).toList();
        if (!members.isEmpty() && down.size() == members.size()) {
            issues.add(new Problem("AllRealServersDown", "every real server fails its health check: " + list(down)));
        }
        if (method == ForwardingMethod.NAT) {
            natSameSubnet(spec, accepted, byNode).ifPresent(issues::add);
        }
        List<String> failedNodes = new ArrayList<>();
        preparations.forEach((node, p) -> {
            if (p instanceof RealServerNodes.Failed f) {
                failedNodes.add(node + " (" + list(hosted.get(node)) + "): " + f.message());
            }
        });
        if (!failedNodes.isEmpty()) {
            issues.add(new Problem("RealServerNodeNotPrepared", "real-server node" + (failedNodes.size() == 1 ? " " : "s ")
                    + join(failedNodes, "; ") + "; until " + (failedNodes.size() == 1 ? "it holds" : "they hold") + " VIP "
                    + spec.getVip() + " on lo, the directors still send " + (failedNodes.size() == 1 ? "its" : "their")
                    + " servers connections they cannot answer"));
        }
        if (!faults.isEmpty()) {
            issues.add(new Problem("DirectorFault", "director" + (faults.size() == 1 ? " " : "s ") + list(faults)
                    + " cannot serve (see directors[].message)"));
        }
        if (!down.isEmpty() && down.size() < members.size()) {
            issues.add(new Problem("RealServersDown", down.size() + " of " + members.size()
                    + " real servers fail their health check: " + list(down)));
        }
        if (!issues.isEmpty()) {
            cs = Conditions.set(cs, Conditions.DEGRADED, Conditions.TRUE, issues.getFirst().reason(),
                    issues.stream().map(Problem::message).collect(Collectors.joining("; ")), gen, now);
        } else if (directorNodes.stream().noneMatch(byNode::containsKey)) {
            cs = Conditions.set(cs, Conditions.DEGRADED, Conditions.UNKNOWN, "AwaitingAgents",
                    "no node agent has reported on this VirtualService yet", gen, now);
        } else {
            cs = Conditions.set(cs, Conditions.DEGRADED, Conditions.FALSE, "AsExpected", "nothing is degraded", gen, now);
        }
        st.setConditions(cs);
        return st;
    }

    /** Whether a director that reports the target generation not programmed says an entry someone else made holds a key. */
    private static boolean failingConflict(Collection<String> directors, Map<String, NodeReport> byNode, long target) {
        return directors.stream().map(byNode::get).filter(Objects::nonNull).map(NodeReport::getStatus)
                .filter(Objects::nonNull)
                .anyMatch(st -> st.getVirtualServiceGeneration() != null && st.getVirtualServiceGeneration() >= target
                        && !Boolean.TRUE.equals(st.getProgrammed()) && NodeReportStatus.CONFLICT.equals(st.getReason()));
    }

    /** Conditions of a VirtualService that no agent should program. */
    private static List<Condition> finishUnaccepted(List<Condition> cs, VirtualServiceStatus st, long gen, Instant now,
                                                    String why) {
        st.setReadyRealServers(0);
        st.setTotalRealServers(0);
        st.setRealServersReady("0/0");
        cs = Conditions.set(cs, Conditions.PROGRAMMED, Conditions.FALSE, "NotAccepted", "not programmed: " + why, gen, now);
        cs = Conditions.set(cs, Conditions.READY, Conditions.FALSE, "NotAccepted", "not served: " + why, gen, now);
        return Conditions.set(cs, Conditions.DEGRADED, Conditions.UNKNOWN, "NotAccepted", "not served: " + why, gen, now);
    }

    private static Optional<ReportedRealServer> healthOf(RealServer rs, List<NodeReport> sources) {
        Optional<ReportedRealServer> found = Optional.empty();
        for (NodeReport r : sources) {
            for (ReportedRealServer h : r.getStatus().getRealServers() == null ? List.<ReportedRealServer>of()
                    : r.getStatus().getRealServers()) {
                if (rs.getMetadata().getName().equals(h.getName())) {
                    if (Boolean.FALSE.equals(h.getHealthy())) {
                        return Optional.of(h); // any active director that sees it down wins
                    }
                    found = Optional.of(h);
                }
            }
        }
        return found;
    }

    /** NAT replies must route through the director; a real server in the subnet that carries the VIP answers clients directly. */
    private static Optional<Problem> natSameSubnet(VirtualServiceSpec spec, List<RealServer> accepted,
                                                   Map<String, NodeReport> reports) {
        List<String> hits = new ArrayList<>();
        java.util.Set<String> named = new java.util.HashSet<>();
        String network = null;
        for (NodeReport r : reports.values()) {
            Optional<Cidr> cidr = r.getStatus() == null ? Optional.empty() : Cidr.parse(r.getStatus().getVipNetwork());
            if (cidr.isEmpty()) {
                continue;
            }
            for (RealServer rs : accepted) {
                Optional<InetAddress> a = IpLiteral.parse(rs.getSpec().getAddress());
                if (a.isPresent() && cidr.get().contains(a.get()) && named.add(rs.getMetadata().getName())) {
                    hits.add(rs.getMetadata().getName() + " (" + rs.getSpec().getAddress() + ")");
                    network = cidr.get().toString();
                }
            }
        }
        if (hits.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Problem("NATSameSubnet", "real servers " + list(hits) + " are in " + network
                + ", the subnet that carries VIP " + spec.getVip() + ": with NAT their replies go straight to clients and "
                + "bypass the director, so connections fail; put them on a separate subnet whose default gateway is the "
                + "director, or use DirectRouting"));
    }

    private static String noRealServersMessage(VirtualService vs) {
        String ns = vs.getMetadata().getNamespace();
        String name = vs.getMetadata().getName();
        if (vs.getSpec().getRealServerSelector() == null) {
            return "no RealServer in namespace " + ns + " names this VirtualService in spec.virtualServiceRef, and there "
                    + "is no realServerSelector; create RealServers with virtualServiceRef.name: " + name;
        }
        return "realServerSelector " + Selectors.describe(vs.getSpec().getRealServerSelector()) + " matches no RealServer "
                + "in namespace " + ns + ", and none names this VirtualService in spec.virtualServiceRef; create "
                + "RealServers with those labels or fix the selector";
    }

    /** The violations, most important first, separated by "; ". */
    static String describe(List<Violation> violations) {
        return join(violations.stream().map(Violation::toString).toList(), "; ");
    }

    /** At most five items, comma-separated, then "and N more". */
    static String list(List<String> items) {
        return join(items, ", ");
    }

    private static String join(List<String> items, String separator) {
        if (items.size() <= MAX_LISTED) {
            return String.join(separator, items);
        }
        return String.join(separator, items.subList(0, MAX_LISTED)) + " and " + (items.size() - MAX_LISTED) + " more";
    }
}
