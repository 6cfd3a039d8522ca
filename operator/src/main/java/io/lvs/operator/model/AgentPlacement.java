package io.lvs.operator.model;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeAffinityBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.lvs.api.v1alpha1.ForwardingMethod;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.validation.ApiObjects;
import io.lvs.api.v1alpha1.validation.RealServerValidator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which nodes need a node agent: the directors of every accepted VirtualService (by their node selectors, so label
 * changes move agents without the operator) and the nodes that host a DirectRouting or Tunnel real server (by name).
 * Expressed as the node affinity of the agents' DaemonSet.
 */
public final class AgentPlacement {

    /** Director node selectors (distinct) and real-server node names. Empty when no node needs an agent. */
    public record Placement(List<LabelSelector> directorSelectors, SortedSet<String> realServerNodes) {
        public boolean isEmpty() {
            return directorSelectors.isEmpty() && realServerNodes.isEmpty();
        }

        /** The nodes among {@code nodes} this placement selects (what the DaemonSet controller will run agents on). */
        public SortedSet<String> nodesAmong(Collection<Node> nodes) {
            SortedSet<String> out = new TreeSet<>();
            for (Node n : nodes) {
                String name = n.getMetadata().getName();
                if (realServerNodes.contains(name)
                        || directorSelectors.stream().anyMatch(s -> Selectors.matches(s, n.getMetadata().getLabels()))) {
                    out.add(name);
                }
            }
            return out;
        }
    }

    private AgentPlacement() {
    }

    /**
     * The placement for these objects. {@code cleaningUp} names the VirtualServices being deleted whose nodes still
     * hold kernel state: they keep their agents until those have removed it; other deleted ones place nothing.
     */
    public static Placement compute(Collection<VirtualService> virtualServices, Collection<RealServer> realServers,
                                    Collection<Node> nodes, java.util.Set<Ref> cleaningUp) {
        Map<Ref, Optional<Problem>> claims = VipClaims.resolve(virtualServices);
        Map<String, LabelSelector> selectors = new LinkedHashMap<>();
        SortedSet<String> rsNodes = new TreeSet<>();
        for (VirtualService vs : virtualServices) {
            Optional<Problem> claim = claims.get(Ref.of(vs));
            if (vs.getMetadata().getDeletionTimestamp() != null && !cleaningUp.contains(Ref.of(vs))) {
                continue;
            }
            // Agents stay while a deleted VirtualService's nodes clean up, and while a rejected edit leaves them
            // serving an earlier accepted generation.
            boolean keep = vs.getMetadata().getDeletionTimestamp() != null
                    || (vs.getStatus() != null && vs.getStatus().getAcceptedGeneration() != null);
            if (claim == null || (claim.isPresent() && !keep)) {
                continue; // an invalid spec names no usable selector; a never-accepted one needs no agent
            }
            LabelSelector sel = vs.getSpec().getDirectors().getNodeSelector();
            selectors.putIfAbsent(ApiObjects.MAPPER.valueToTree(sel).toString(), sel);
            ForwardingMethod m = vs.getSpec().getForwarding().getMethod();
            if (m != ForwardingMethod.DirectRouting && m != ForwardingMethod.Tunnel) {
                continue;
            }
            for (RealServer rs : Membership.members(vs, realServers)) {
                if (RealServerValidator.validate(rs.getSpec()).isEmpty() && MemberCheck.check(vs, rs).isEmpty()) {
                    NodeAddresses.hostOf(rs, nodes).filter(NodeAddresses.Host::exists)
                            .ifPresent(h -> rsNodes.add(h.nodeName()));
                }
            }
        }
        return new Placement(List.copyOf(selectors.values()), rsNodes);
    }

    /**
     * The DaemonSet's required node affinity: one term per director selector, one term naming the real-server nodes;
     * terms are ORed, requirements within a term ANDed. Empty placement: no affinity (and no DaemonSet).
     */
    public static Optional<NodeAffinity> toNodeAffinity(Placement p) {
        if (p.isEmpty()) {
            return Optional.empty();
        }
        List<NodeSelectorTerm> terms = new ArrayList<>();
        for (LabelSelector s : p.directorSelectors()) {
            List<NodeSelectorRequirement> reqs = new ArrayList<>();
            if (s.getMatchLabels() != null) {
                s.getMatchLabels().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(e -> reqs.add(new NodeSelectorRequirement(e.getKey(), "In", List.of(e.getValue()))));
            }
            if (s.getMatchExpressions() != null) {
                for (LabelSelectorRequirement r : s.getMatchExpressions()) {
                    reqs.add(new NodeSelectorRequirement(r.getKey(), r.getOperator(),
                            r.getValues() == null ? null : List.copyOf(r.getValues())));
                }
            }
            terms.add(new NodeSelectorTermBuilder().withMatchExpressions(reqs).build());
        }
        if (!p.realServerNodes().isEmpty()) {
            terms.add(new NodeSelectorTermBuilder().withMatchFields(
                    new NodeSelectorRequirement("metadata.name", "In", List.copyOf(p.realServerNodes()))).build());
        }
        return Optional.of(new NodeAffinityBuilder().withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withNodeSelectorTerms(terms).endRequiredDuringSchedulingIgnoredDuringExecution().build());
    }
}
