package io.lvs.operator.model;

import static io.lvs.operator.model.Fixtures.node;
import static io.lvs.operator.model.Fixtures.rs;
import static io.lvs.operator.model.Fixtures.vs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.lvs.api.v1alpha1.ForwardingMethod;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VirtualService;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class AgentPlacementTest {
    private final Node a = node("node-a", "198.51.100.1", Map.of("lvs.io/director", "true"));
    private final Node b = node("node-b", "198.51.100.2", Map.of("lvs.io/director", "true"));
    private final Node w1 = node("worker-1", "192.0.2.21", Map.of());
    private final Node w2 = node("worker-2", "192.0.2.22", Map.of());

    @Test
    void directorsAndDirectRoutingRealServerHostsGetAgents() {
        VirtualService web = vs("web", "192.0.2.10");
        RealServer r1 = rs("web-1", "192.0.2.21", Map.of("app", "web"));
        RealServer outside = rs("web-x", "203.0.113.99", Map.of("app", "web")); // not a node: prepared by hand
        AgentPlacement.Placement p = AgentPlacement.compute(List.of(web), List.of(r1, outside), List.of(a, b, w1, w2), Set.of());
        assertEquals(Set.of("worker-1"), p.realServerNodes());
        assertEquals(new TreeSet<>(List.of("node-a", "node-b", "worker-1")), p.nodesAmong(List.of(a, b, w1, w2)));
    }

    @Test
    void natRealServersNeedNoAgent() {
        VirtualService api = vs("api", "192.0.2.10");
        api.getSpec().getForwarding().setMethod(ForwardingMethod.NAT);
        AgentPlacement.Placement p = AgentPlacement.compute(List.of(api),
                List.of(rs("api-1", "192.0.2.21", Map.of("app", "api"))), List.of(a, b, w1), Set.of());
        assertEquals(Set.of(), p.realServerNodes());
        assertEquals(Set.of("node-a", "node-b"), p.nodesAmong(List.of(a, b, w1)));
    }

    @Test
    void theSetFollowsNodeLabels() {
        VirtualService web = vs("web", "192.0.2.10");
        AgentPlacement.Placement p = AgentPlacement.compute(List.of(web), List.of(), List.of(a, b, w1), Set.of());
        assertEquals(Set.of("node-a", "node-b"), p.nodesAmong(List.of(a, b, w1)));
        b.getMetadata().setLabels(Map.of());
        w1.getMetadata().setLabels(Map.of("lvs.io/director", "true"));
        assertEquals(Set.of("node-a", "worker-1"), p.nodesAmong(List.of(a, b, w1)), "the affinity is by label, not by name");
    }

    @Test
    void conflictingOrInvalidVirtualServicesPlaceNothing() {
        VirtualService older = vs("older", "192.0.2.10", "2026-11-25T09:00:00Z");
        VirtualService loser = vs("loser", "192.0.2.10");
        loser.getSpec().getDirectors().setNodeSelector(new LabelSelectorBuilder().addToMatchLabels("pool", "x").build());
        VirtualService invalid = vs("invalid", "not-an-ip");
        AgentPlacement.Placement p = AgentPlacement.compute(List.of(older, loser, invalid), List.of(), List.of(a), Set.of());
        assertEquals(1, p.directorSelectors().size());
        assertTrue(AgentPlacement.compute(List.of(invalid), List.of(), List.of(a), Set.of()).isEmpty());
    }

    @Test
    void theAffinityOrsOneTermPerSelectorAndOneForRealServerNodes() {
        VirtualService web = vs("web", "192.0.2.10");
        VirtualService dns = vs("dns", "192.0.2.53");
        dns.getSpec().getDirectors().setNodeSelector(new LabelSelectorBuilder().addNewMatchExpression()
                .withKey("zone").withOperator("In").withValues("a", "b").endMatchExpression().build());
        AgentPlacement.Placement p = AgentPlacement.compute(List.of(web, dns),
                List.of(rs("web-1", "192.0.2.21", Map.of("app", "web"))), List.of(a, w1), Set.of());
        NodeAffinity affinity = AgentPlacement.toNodeAffinity(p).orElseThrow();
        List<NodeSelectorTerm> terms = affinity.getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
        assertEquals(3, terms.size());
        assertEquals("lvs.io/director", terms.get(0).getMatchExpressions().getFirst().getKey());
        assertEquals(List.of("true"), terms.get(0).getMatchExpressions().getFirst().getValues());
        assertEquals(List.of("a", "b"), terms.get(1).getMatchExpressions().getFirst().getValues());
        assertEquals("metadata.name", terms.get(2).getMatchFields().getFirst().getKey());
        assertEquals(List.of("worker-1"), terms.get(2).getMatchFields().getFirst().getValues());
        assertTrue(AgentPlacement.toNodeAffinity(AgentPlacement.compute(List.of(), List.of(), List.of(a), Set.of())).isEmpty());
    }

    @Test
    void aDeletedVirtualServiceKeepsItsAgentsOnlyWhileItsNodesCleanUp() {
        VirtualService web = vs("web", "192.0.2.10");
        web.getMetadata().setDeletionTimestamp("2026-11-25T10:00:00Z");
        assertTrue(AgentPlacement.compute(List.of(web), List.of(), List.of(a), Set.of()).isEmpty(),
                "nothing left to clean: no agents");
        assertEquals(Set.of("node-a"), AgentPlacement.compute(List.of(web), List.of(), List.of(a, w1),
                Set.of(Ref.of(web))).nodesAmong(List.of(a, w1)), "agents stay until their kernel state is gone");
    }
}
