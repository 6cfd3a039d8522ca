package io.lvs.operator.model;

import static io.lvs.operator.model.Fixtures.node;
import static io.lvs.operator.model.Fixtures.report;
import static io.lvs.operator.model.Fixtures.rs;
import static io.lvs.operator.model.Fixtures.vs;
import static io.lvs.operator.model.Fixtures.withHealth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Node;
import io.lvs.api.v1alpha1.DirectorRole;
import io.lvs.api.v1alpha1.NodeReport;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.RealServerStatus;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.VirtualServiceRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RealServerAssessmentTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:10:00Z");
    private final VirtualService web = vs("web", "192.0.2.10");
    private final RealServer r1 = rs("web-1", "192.0.2.21", Map.of("app", "web"));
    private final List<Node> nodes = List.of(node("worker-1", "192.0.2.21", Map.of()));

    private RealServerStatus assess(List<VirtualService> vss, boolean refExists, List<NodeReport> reports) {
        return assess(vss, refExists, reports, AgentLiveness.everyoneAlive(nodes));
    }

    private RealServerStatus assess(List<VirtualService> vss, boolean refExists, List<NodeReport> reports,
                                    AgentLiveness agents) {
        return RealServerAssessment.assess(new RealServerAssessment.Inputs(r1, vss, refExists, reports, nodes, agents, T0));
    }

    private static void expect(RealServerStatus s, String type, String status, String reason) {
        Condition c = cond(s, type);
        assertEquals(status + "/" + reason, c.getStatus() + "/" + c.getReason(), type + ": " + c.getMessage());
    }

    /** web as the operator has accepted it (generation 1), which is what agents serve. */
    private VirtualService acceptedWeb() {
        web.setStatus(new io.lvs.api.v1alpha1.VirtualServiceStatus());
        web.getStatus().setAcceptedGeneration(1L);
        return web;
    }

    /** What worker-1's agent reports about web. */
    private NodeReport fromWorker(boolean programmed, String message) {
        NodeReport r = report(web, "worker-1", DirectorRole.RealServer);
        r.getStatus().setProgrammed(programmed);
        r.getStatus().setMessage(message);
        return r;
    }

    private static Condition cond(RealServerStatus s, String type) {
        return Conditions.find(s.getConditions(), type).orElseThrow();
    }

    @Test
    void aDirectRoutingServerOnANodeIsAcceptedAndPlaced() {
        RealServerStatus s = assess(List.of(web), true, List.of());
        assertEquals("True", cond(s, Conditions.ACCEPTED).getStatus());
        assertEquals("serves web; node worker-1 gets the VIP on lo from its lvs agent", cond(s, Conditions.ACCEPTED).getMessage());
        assertEquals("worker-1", s.getNodeName());
        assertEquals("AwaitingHealthChecks", cond(s, Conditions.HEALTHY).getReason());
        assertEquals(List.of("web"), s.getVirtualServices());
    }

    @Test
    void aServerOutsideTheClusterIsAcceptedWithInstructions() {
        r1.getSpec().setAddress("203.0.113.50");
        RealServerStatus s = assess(List.of(web), true, List.of());
        assertEquals("serves web; 203.0.113.50 is not a cluster node's address, so no agent prepares it: put the VIP on its "
                + "lo and set arp_ignore=1, arp_announce=2 by hand (or set spec.nodeName)", cond(s, Conditions.ACCEPTED).getMessage());
        assertNull(s.getNodeName());
    }

    @Test
    void withoutAVirtualServiceItIsNotAccepted() {
        RealServerStatus s = assess(List.of(), true, List.of());
        assertEquals("NoVirtualService", cond(s, Conditions.ACCEPTED).getReason());
        r1.getSpec().setVirtualServiceRef(new VirtualServiceRef("gone"));
        s = assess(List.of(), false, List.of());
        assertEquals("VirtualServiceNotFound", cond(s, Conditions.ACCEPTED).getReason());
        assertEquals("spec.virtualServiceRef names VirtualService gone, which does not exist in namespace default",
                cond(s, Conditions.ACCEPTED).getMessage());
        assertEquals("Unknown", cond(s, Conditions.HEALTHY).getStatus());
    }

    @Test
    void portRemappingInDirectRoutingIsRefusedWithTheFix() {
        r1.getSpec().setPort(8080);
        RealServerStatus s = assess(List.of(web), true, List.of());
        assertEquals("False", cond(s, Conditions.ACCEPTED).getStatus());
        assertEquals("PortRemapNotSupported", cond(s, Conditions.ACCEPTED).getReason());
    }

    @Test
    void itsNodeIsPreparedWhenItsAgentSaysSo() {
        RealServerStatus s = assess(List.of(acceptedWeb()), true, List.of(fromWorker(true, null)));
        expect(s, Conditions.NODE_PREPARED, "True", "Prepared");
        assertEquals("node worker-1 holds the VIP on lo and the sysctls it needs there for VirtualService web",
                cond(s, Conditions.NODE_PREPARED).getMessage());
    }

    @Test
    void itsNodeIsNotPreparedWhileItsAgentCannotRunAndThePodSaysWhy() {
        AgentLiveness agents = AgentLiveness.assess(new AgentLiveness.Inputs(List.of(), List.of(AgentFixtures.waitingPod(
                "worker-1", "CrashLoopBackOff", "back-off 5m0s restarting failed container")), Optional.empty(), List.of(), nodes,
                "lvs-system/lvs-node-agent", T0));
        // its last report said prepared: not believed from an agent that is not alive
        RealServerStatus s = assess(List.of(acceptedWeb()), true, List.of(), agents);
        expect(s, Conditions.NODE_PREPARED, "False", "AgentNotRunning");
        assertEquals("node worker-1 is not prepared for VirtualService web (VIP 192.0.2.10): no lvs agent has started on "
                + "it: agent pod lvs-node-agent-worker-1: CrashLoopBackOff: back-off 5m0s restarting failed container; the "
                + "directors still send this server connections it cannot answer", cond(s, Conditions.NODE_PREPARED).getMessage());
    }

    @Test
    void itsNodeIsNotPreparedWhenItsAgentReportsWhy() {
        RealServerStatus s = assess(List.of(acceptedWeb()), true, List.of(fromWorker(false, "VIP 192.0.2.10 could not be "
                + "put on lo: EPERM - Operation not permitted")));
        expect(s, Conditions.NODE_PREPARED, "False", "NotPrepared");
        assertTrue(cond(s, Conditions.NODE_PREPARED).getMessage().startsWith("node worker-1 is not prepared for "
                + "VirtualService web (VIP 192.0.2.10): VIP 192.0.2.10 could not be put on lo: EPERM"),
                cond(s, Conditions.NODE_PREPARED).getMessage());
        // before any report: awaited
        expect(assess(List.of(acceptedWeb()), true, List.of()), Conditions.NODE_PREPARED, "Unknown", "AwaitingAgent");
    }

    @Test
    void natNeedsNothingOnItsNodeAndAServerOutsideTheClusterCannotBeChecked() {
        web.getSpec().getForwarding().setMethod(io.lvs.api.v1alpha1.ForwardingMethod.NAT);
        expect(assess(List.of(acceptedWeb()), true, List.of()), Conditions.NODE_PREPARED, "True", "NotNeeded");
        web.getSpec().getForwarding().setMethod(io.lvs.api.v1alpha1.ForwardingMethod.DirectRouting);
        r1.getSpec().setAddress("203.0.113.50");
        RealServerStatus s = assess(List.of(acceptedWeb()), true, List.of());
        expect(s, Conditions.NODE_PREPARED, "Unknown", "NotAClusterNode");
        assertEquals("no lvs agent prepares 203.0.113.50 (not a node of this cluster): put the VIP on its lo and set "
                + "arp_ignore=1, arp_announce=2 by hand", cond(s, Conditions.NODE_PREPARED).getMessage());
    }

    @Test
    void healthComesFromTheActiveDirector() {
        NodeReport active = withHealth(report(web, "node-a", DirectorRole.Active), "web-1", false, "HTTP 503");
        NodeReport standby = withHealth(report(web, "node-b", DirectorRole.Standby), "web-1", true, "HTTP 200");
        RealServerStatus s = assess(List.of(web), true, List.of(active, standby));
        assertEquals("False", cond(s, Conditions.HEALTHY).getStatus());
        assertEquals("failing health checks from node-a (VirtualService web): HTTP 503; it gets no new connections "
                + "(weight 0) until it passes again", cond(s, Conditions.HEALTHY).getMessage());
        assertEquals("HTTP 503", s.getLastProbe().getMessage());
        assertEquals("node-a", s.getLastProbe().getNodeName());

        s = assess(List.of(web), true, List.of(withHealth(report(web, "node-a", DirectorRole.Active), "web-1", true, "HTTP 200")));
        assertEquals("True", cond(s, Conditions.HEALTHY).getStatus());
        assertEquals("1.2ms", s.getLastProbe().getLatency());
    }
}
