package io.lvs.operator.model;

import static io.lvs.operator.model.Fixtures.director;
import static io.lvs.operator.model.Fixtures.report;
import static io.lvs.operator.model.Fixtures.rs;
import static io.lvs.operator.model.Fixtures.vs;
import static io.lvs.operator.model.Fixtures.withHealth;
import static io.lvs.operator.model.VirtualServiceAssessment.Vips.ALLOWED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Node;
import io.lvs.api.v1alpha1.DirectorRole;
import io.lvs.api.v1alpha1.DirectorStatus;
import io.lvs.api.v1alpha1.ForwardingMethod;
import io.lvs.api.v1alpha1.NodeReport;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.VirtualServiceStatus;
import io.lvs.api.v1alpha1.rules.Problem;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VirtualServiceAssessmentTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:10:00Z");
    private final VirtualService web = vs("web", "192.0.2.10");
    private final RealServer r1 = rs("web-1", "192.0.2.21", Map.of("app", "web"));
    private final RealServer r2 = rs("web-2", "192.0.2.22", Map.of("app", "web"));
    private final List<Node> nodes = List.of(director("node-a", "198.51.100.1"), director("node-b", "198.51.100.2"));

    private VirtualServiceStatus assess(Optional<Problem> claim, List<RealServer> members, List<NodeReport> reports) {
        return VirtualServiceAssessment.assess(new VirtualServiceAssessment.Inputs(web, ALLOWED, claim, members, reports, nodes,
                AgentLiveness.everyoneAlive(nodes), T0));
    }

    private static Condition cond(VirtualServiceStatus s, String type) {
        return Conditions.find(s.getConditions(), type).orElseThrow(() -> new AssertionError("no " + type));
    }

    private static void expect(VirtualServiceStatus s, String type, String status, String reason) {
        Condition c = cond(s, type);
        assertEquals(status + "/" + reason, c.getStatus() + "/" + c.getReason(), type + ": " + c.getMessage());
    }

    private VirtualServiceStatus assessWith(VirtualServiceAssessment.Vips vips) {
        return VirtualServiceAssessment.assess(new VirtualServiceAssessment.Inputs(web, vips, Optional.empty(),
                List.of(r1), List.of(), nodes, AgentLiveness.everyoneAlive(nodes), T0));
    }

    private static final Problem NOT_IN_POOL = new Problem("VipNotAllowed", "VIP 192.0.2.10 is in no VipPool ...");

    @Test
    void aVipOutsideThePoolsIsNotAcceptedAndNothingOfItIsServed() {
        VirtualServiceStatus s = assessWith(new VirtualServiceAssessment.Vips(Optional.of(NOT_IN_POOL), Optional.empty()));
        expect(s, Conditions.ACCEPTED, "False", "VipNotAllowed");
        assertEquals(NOT_IN_POOL.message(), cond(s, Conditions.ACCEPTED).getMessage());
        expect(s, Conditions.PROGRAMMED, "False", "NotAccepted");
        assertNull(s.getAcceptedSpec());
        assertNull(s.getAcceptedGeneration());
    }

    @Test
    void anEditToAVipOutsideThePoolsKeepsServingTheAcceptedSpec() {
        web.setStatus(assessWith(ALLOWED));
        web.getMetadata().setGeneration(2L);
        web.getSpec().setVip("192.0.2.99");
        VirtualServiceStatus s = assessWith(new VirtualServiceAssessment.Vips(Optional.of(NOT_IN_POOL), Optional.empty()));
        expect(s, Conditions.ACCEPTED, "False", "VipNotAllowed");
        assertEquals(1L, s.getAcceptedGeneration());
        assertEquals("192.0.2.10", s.getAcceptedSpec().getVip());
    }

    @Test
    void aPoolThatStopsAllowingTheAcceptedVipWithdrawsIt() {
        web.setStatus(assessWith(ALLOWED));
        VirtualServiceStatus s = assessWith(new VirtualServiceAssessment.Vips(Optional.of(NOT_IN_POOL), Optional.of(NOT_IN_POOL)));
        expect(s, Conditions.ACCEPTED, "False", "VipNotAllowed");
        assertNull(s.getAcceptedSpec());
        assertNull(s.getAcceptedGeneration());
        assertTrue(cond(s, Conditions.READY).getMessage().contains("no longer in a VipPool"), cond(s, Conditions.READY).getMessage());
    }

    @Test
    void aPoolThatStopsAllowingTheAcceptedVipWithdrawsItAlsoWhileTheSpecIsInvalid() {
        web.setStatus(assessWith(ALLOWED));
        web.getMetadata().setGeneration(2L);
        web.getSpec().setPorts(List.of());
        VirtualServiceStatus s = assessWith(new VirtualServiceAssessment.Vips(Optional.empty(), Optional.of(NOT_IN_POOL)));
        expect(s, Conditions.ACCEPTED, "False", "InvalidSpec");
        assertNull(s.getAcceptedSpec());
        assertNull(s.getAcceptedGeneration());
    }

    @Test
    void beforeAnyAgentReportsItIsAcceptedButNotProgrammed() {
        VirtualServiceStatus s = assess(Optional.empty(), List.of(r1, r2), List.of());
        expect(s, Conditions.ACCEPTED, "True", "Accepted");
        assertEquals("VIP 192.0.2.10 80/TCP with 2 real servers", cond(s, Conditions.ACCEPTED).getMessage());
        expect(s, Conditions.PROGRAMMED, "False", "AwaitingAgents");
        assertEquals("waiting for the node agents on node-a, node-b to report", cond(s, Conditions.PROGRAMMED).getMessage());
        expect(s, Conditions.READY, "False", "NoActiveDirector");
        expect(s, Conditions.DEGRADED, "Unknown", "AwaitingAgents");
        assertEquals(1L, s.getObservedGeneration());
        assertEquals(1L, s.getAcceptedGeneration());
        assertEquals("80/TCP", s.getPorts());
        assertEquals("0/2", s.getRealServersReady());
        assertEquals(List.of("node-a", "node-b"), s.getDirectors().stream().map(DirectorStatus::getNodeName).toList());
        assertTrue(s.getDirectors().stream().allMatch(d -> d.getRole() == DirectorRole.Unknown));
        assertTrue(s.getConditions().stream().allMatch(c -> c.getObservedGeneration() == 1L));
    }

    @Test
    void withAnActiveAndAStandbyAndHealthyServersItIsReady() {
        NodeReport a = withHealth(withHealth(report(web, "node-a", DirectorRole.Active), "web-1", true, "HTTP 200"),
                "web-2", true, "HTTP 200");
        NodeReport b = report(web, "node-b", DirectorRole.Standby);
        VirtualServiceStatus s = assess(Optional.empty(), List.of(r1, r2), List.of(a, b));
        expect(s, Conditions.PROGRAMMED, "True", "Programmed");
        expect(s, Conditions.READY, "True", "Ready");
        assertEquals("node-a holds VIP 192.0.2.10; 2/2 real servers healthy", cond(s, Conditions.READY).getMessage());
        expect(s, Conditions.DEGRADED, "False", "AsExpected");
        assertEquals("node-a", s.getActiveDirector());
        assertEquals("2/2", s.getRealServersReady());
        assertEquals(List.of(DirectorRole.Active, DirectorRole.Standby), s.getDirectors().stream().map(DirectorStatus::getRole).toList());
    }

    @Test
    void oneFailedServerDegradesAndAllFailedIsNotReady() {
        NodeReport a = withHealth(withHealth(report(web, "node-a", DirectorRole.Active), "web-1", true, "HTTP 200"),
                "web-2", false, "connection refused");
        VirtualServiceStatus s = assess(Optional.empty(), List.of(r1, r2), List.of(a, report(web, "node-b", DirectorRole.Standby)));
        expect(s, Conditions.READY, "True", "Ready");
        expect(s, Conditions.DEGRADED, "True", "RealServersDown");
        assertEquals("1 of 2 real servers fail their health check: web-2", cond(s, Conditions.DEGRADED).getMessage());

        NodeReport allDown = withHealth(withHealth(report(web, "node-a", DirectorRole.Active), "web-1", false, "timeout"),
                "web-2", false, "connection refused");
        s = assess(Optional.empty(), List.of(r1, r2), List.of(allDown, report(web, "node-b", DirectorRole.Standby)));
        expect(s, Conditions.READY, "False", "NoHealthyRealServers");
        expect(s, Conditions.DEGRADED, "True", "AllRealServersDown");
    }

    @Test
    void twoActiveDirectorsAreASplitBrain() {
        VirtualServiceStatus s = assess(Optional.empty(), List.of(r1),
                List.of(report(web, "node-a", DirectorRole.Active), report(web, "node-b", DirectorRole.Active)));
        expect(s, Conditions.DEGRADED, "True", "SplitBrain");
        assertTrue(cond(s, Conditions.DEGRADED).getMessage().startsWith("more than one director holds VIP 192.0.2.10: node-a, node-b"));
    }

    @Test
    void natRealServersInTheVipSubnetAreReported() {
        web.getSpec().getForwarding().setMethod(ForwardingMethod.NAT);
        NodeReport a = report(web, "node-a", DirectorRole.Active);
        a.getStatus().setVipNetwork("192.0.2.0/24");
        NodeReport b = report(web, "node-b", DirectorRole.Standby);
        b.getStatus().setVipNetwork("192.0.2.0/24");
        RealServer backNet = rs("web-3", "198.51.100.30", Map.of("app", "web"));
        VirtualServiceStatus s = assess(Optional.empty(), List.of(r1, backNet), List.of(a, b));
        expect(s, Conditions.DEGRADED, "True", "NATSameSubnet");
        assertEquals(1, cond(s, Conditions.DEGRADED).getMessage().split("web-1", -1).length - 1,
                "each server named once, however many directors report the subnet");
        assertTrue(cond(s, Conditions.DEGRADED).getMessage().startsWith("real servers web-1 (192.0.2.21) are in 192.0.2.0/24, "
                + "the subnet that carries VIP 192.0.2.10: with NAT their replies go straight to clients"), cond(s, Conditions.DEGRADED).getMessage());
        web.getSpec().getForwarding().setMethod(ForwardingMethod.DirectRouting);
        expect(assess(Optional.empty(), List.of(r1), List.of(a)), Conditions.DEGRADED, "False", "AsExpected");
    }

    @Test
    void aSelectorMatchingNothingIsNotAccepted() {
        VirtualServiceStatus s = assess(Optional.empty(), List.of(), List.of());
        expect(s, Conditions.ACCEPTED, "False", "NoRealServers");
        assertEquals("realServerSelector app=web matches no RealServer in namespace default, and none names this "
                + "VirtualService in spec.virtualServiceRef; create RealServers with those labels or fix the selector",
                cond(s, Conditions.ACCEPTED).getMessage());
        expect(s, Conditions.PROGRAMMED, "False", "NotAccepted");
        assertNull(s.getAcceptedGeneration());
    }

    @Test
    void localForwardingNeedsNoRealServers() {
        web.getSpec().setRealServerSelector(null);
        web.getSpec().getForwarding().setMethod(ForwardingMethod.Local);
        VirtualServiceStatus s = assess(Optional.empty(), List.of(), List.of(report(web, "node-a", DirectorRole.Active)));
        expect(s, Conditions.ACCEPTED, "True", "Accepted");
        expect(s, Conditions.READY, "True", "Ready");
    }

    @Test
    void aRejectedEditKeepsTheAcceptedGenerationServing() {
        VirtualServiceStatus first = assess(Optional.empty(), List.of(r1), List.of(report(web, "node-a", DirectorRole.Active),
                report(web, "node-b", DirectorRole.Standby)));
        web.setStatus(first);
        web.getMetadata().setGeneration(2L);
        VirtualServiceStatus s = assess(Optional.of(new Problem("Conflict", "port taken")), List.of(r1),
                List.of(withHealth(report(vsAtGeneration(1), "node-a", DirectorRole.Active), "web-1", true, "HTTP 200"),
                        report(vsAtGeneration(1), "node-b", DirectorRole.Standby)));
        expect(s, Conditions.ACCEPTED, "False", "Conflict");
        assertEquals(1L, s.getAcceptedGeneration(), "agents keep serving generation 1");
        assertEquals("192.0.2.10", s.getAcceptedSpec().getVip(), "the accepted spec stays for agents to program");
        assertEquals(2L, s.getObservedGeneration());
        expect(s, Conditions.PROGRAMMED, "True", "Programmed");
        assertEquals("generation 1 is programmed on 2 directors (generation 2 was not accepted)",
                cond(s, Conditions.PROGRAMMED).getMessage());
        expect(s, Conditions.READY, "True", "Ready");
    }

    @Test
    void theAcceptedSpecIsACopyThatLaterEditsDoNotChange() {
        VirtualServiceStatus first = assess(Optional.empty(), List.of(r1), List.of());
        assertEquals(web.getSpec().getPorts().size(), first.getAcceptedSpec().getPorts().size());
        web.setStatus(first);
        web.getMetadata().setGeneration(2L);
        web.getSpec().setVip("not an address");
        VirtualServiceStatus s = assess(Optional.empty(), List.of(r1), List.of());
        expect(s, Conditions.ACCEPTED, "False", "InvalidSpec");
        assertEquals(1L, s.getAcceptedGeneration());
        assertEquals("192.0.2.10", s.getAcceptedSpec().getVip(), "an invalid edit leaves the accepted spec alone");
    }

    private VirtualService vsAtGeneration(long g) {
        VirtualService copy = vs("web", "192.0.2.10");
        copy.getMetadata().setGeneration(g);
        return copy;
    }

    @Test
    void aLaggingAgentMakesItProgressing() {
        web.getMetadata().setGeneration(3L);
        NodeReport b = report(web, "node-b", DirectorRole.Standby);
        b.getStatus().setVirtualServiceGeneration(2L);
        VirtualServiceStatus s = assess(Optional.empty(), List.of(r1), List.of(report(web, "node-a", DirectorRole.Active), b));
        expect(s, Conditions.PROGRAMMED, "False", "Progressing");
        assertEquals("generation 3 not yet applied on node-b (at generation 2)", cond(s, Conditions.PROGRAMMED).getMessage());
    }

    @Test
    void aProgrammedDirectorThatKeepsRepairingDriftIsProgrammedAndSaysSo() {
        NodeReport a = report(web, "node-a", DirectorRole.Active);
        a.getStatus().setMessage("someone keeps changing this node's IPVS table (repaired 4 times in the last 10 minutes)");
        VirtualServiceStatus s = assess(Optional.empty(), List.of(r1), List.of(a, report(web, "node-b", DirectorRole.Standby)));
        expect(s, Conditions.PROGRAMMED, "True", "Programmed");
        assertTrue(cond(s, Conditions.PROGRAMMED).getMessage().endsWith("; node-a: someone keeps changing this node's IPVS "
                + "table (repaired 4 times in the last 10 minutes)"), cond(s, Conditions.PROGRAMMED).getMessage());
    }

    @Test
    void anAgentThatCannotProgramSaysWhy() {
        NodeReport a = report(web, "node-a", DirectorRole.Fault);
        a.getStatus().setProgrammed(false);
        a.getStatus().setMessage("scheduler twos is not available in this kernel");
        VirtualServiceStatus s = assess(Optional.empty(), List.of(r1), List.of(a, report(web, "node-b", DirectorRole.Active)));
        expect(s, Conditions.PROGRAMMED, "False", "NotProgrammed");
        assertEquals("node-a: scheduler twos is not available in this kernel", cond(s, Conditions.PROGRAMMED).getMessage());
        expect(s, Conditions.DEGRADED, "True", "DirectorFault");
    }

    @Test
    void noMatchingDirectorNodeIsReported() {
        VirtualServiceStatus s = VirtualServiceAssessment.assess(new VirtualServiceAssessment.Inputs(web, ALLOWED, Optional.empty(),
                List.of(r1), List.of(), List.of(Fixtures.node("w", "192.0.2.99", Map.of())), AgentLiveness.everyoneAlive(nodes), T0));
        expect(s, Conditions.PROGRAMMED, "False", "NoDirectors");
        assertEquals("directors.nodeSelector lvs.io/director=true matches no node; label the nodes that should hold VIP "
                + "192.0.2.10", cond(s, Conditions.PROGRAMMED).getMessage());
    }

    @Test
    void anInvalidSpecListsEveryProblem() {
        web.getSpec().setVip("192.0.2.300");
        web.getSpec().getPorts().getFirst().setPort(70000);
        VirtualServiceStatus s = assess(Optional.empty(), List.of(r1), List.of());
        expect(s, Conditions.ACCEPTED, "False", "InvalidSpec");
        assertEquals("spec.vip: vip must be an IPv4 or IPv6 address such as 192.0.2.10 or 2001:db8::10 (got \"192.0.2.300\"); "
                + "spec.ports[0].port: port must be between 1 and 65535 (got 70000)", cond(s, Conditions.ACCEPTED).getMessage());
    }

    @Test
    void aReportFromANodeWhoseAgentIsGoneIsNotBelieved() {
        // node-b's agent stopped renewing its Lease while its last report said Active: no split brain, no active there
        List<NodeReport> reports = List.of(report(web, "node-a", DirectorRole.Active), report(web, "node-b", DirectorRole.Active));
        AgentLiveness agents = AgentLiveness.assess(new AgentLiveness.Inputs(
                List.of(AgentFixtures.lease("node-a", T0.minusSeconds(5)), AgentFixtures.lease("node-b", T0.minusSeconds(300))),
                List.of(), Optional.empty(), List.of(), nodes, "lvs-system/lvs-node-agent", T0));
        VirtualServiceStatus s = VirtualServiceAssessment.assess(new VirtualServiceAssessment.Inputs(web, ALLOWED, Optional.empty(),
                List.of(r1), reports, nodes, agents, T0));
        assertEquals("node-a", s.getActiveDirector());
        expect(s, Conditions.DEGRADED, "False", "AsExpected");
        DirectorStatus b = s.getDirectors().get(1);
        assertEquals(DirectorRole.Unknown, b.getRole());
        assertTrue(b.getMessage().startsWith("its agent last renewed its Lease at 2026-11-25T10:05:00Z"), b.getMessage());
        // and a deleted node's report is not believed either
        VirtualServiceStatus onlyA = VirtualServiceAssessment.assess(new VirtualServiceAssessment.Inputs(web, ALLOWED, Optional.empty(),
                List.of(r1), reports, List.of(nodes.getFirst()), AgentLiveness.everyoneAlive(List.of(nodes.getFirst())), T0));
        assertEquals(List.of("node-a"), onlyA.getDirectors().stream().map(DirectorStatus::getNodeName).toList());
        expect(onlyA, Conditions.DEGRADED, "False", "AsExpected");
    }

    @Test
    void anAgentThatCannotRunIsNamedInProgrammed() {
        AgentLiveness agents = AgentLiveness.assess(new AgentLiveness.Inputs(
                List.of(AgentFixtures.lease("node-a", T0.minusSeconds(5))),
                List.of(AgentFixtures.waitingPod("node-b", "ErrImagePull", "pull access denied for lvs-node-agent")),
                Optional.empty(), List.of(), nodes, "lvs-system/lvs-node-agent", T0));
        VirtualServiceStatus s = VirtualServiceAssessment.assess(new VirtualServiceAssessment.Inputs(web, ALLOWED, Optional.empty(),
                List.of(r1), List.of(report(web, "node-a", DirectorRole.Active)), nodes, agents, T0));
        expect(s, Conditions.PROGRAMMED, "False", "AgentNotRunning");
        assertEquals("no lvs agent runs on node-b (no lvs agent has started on it: agent pod lvs-node-agent-node-b: "
                + "ErrImagePull: pull access denied for lvs-node-agent)", cond(s, Conditions.PROGRAMMED).getMessage());
    }

    // ---- the nodes of DirectRouting and Tunnel real servers

    private final List<Node> withWorker = List.of(nodes.get(0), nodes.get(1), Fixtures.node("worker-1", "192.0.2.21", Map.of()));

    /** Directors node-a (active, web-1 healthy) and node-b, and what worker-1 (web-1's node) says, with these agents. */
    private VirtualServiceStatus withHost(List<NodeReport> hostReports, AgentLiveness agents, List<RealServer> members) {
        List<NodeReport> reports = new java.util.ArrayList<>(List.of(
                withHealth(withHealth(report(web, "node-a", DirectorRole.Active), "web-1", true, "HTTP 200"), "web-2", true,
                        "HTTP 200"), report(web, "node-b", DirectorRole.Standby)));
        reports.addAll(hostReports);
        return VirtualServiceAssessment.assess(new VirtualServiceAssessment.Inputs(web, ALLOWED, Optional.empty(), members,
                reports, withWorker, agents, T0));
    }

    private AgentLiveness workerAgent(List<io.fabric8.kubernetes.api.model.Pod> pods, boolean workerLease) {
        List<io.fabric8.kubernetes.api.model.coordination.v1.Lease> leases = new java.util.ArrayList<>(List.of(
                AgentFixtures.lease("node-a", T0.minusSeconds(5)), AgentFixtures.lease("node-b", T0.minusSeconds(5))));
        if (workerLease) {
            leases.add(AgentFixtures.lease("worker-1", T0.minusSeconds(5)));
        }
        return AgentLiveness.assess(new AgentLiveness.Inputs(leases, pods, Optional.empty(), List.of(), withWorker,
                "lvs-system/lvs-node-agent", T0));
    }

    private NodeReport hostReport(boolean programmed, String message) {
        NodeReport r = report(web, "worker-1", DirectorRole.RealServer);
        r.getStatus().setProgrammed(programmed);
        r.getStatus().setVipHeld(null);
        r.getStatus().setMessage(message);
        r.getStatus().setReason(programmed ? null : "NotProgrammed");
        return r;
    }

    @Test
    void aRealServerNodeWhoseAgentCannotStartIsNamedAndItsServerIsNotCountedReady() {
        AgentLiveness agents = workerAgent(List.of(AgentFixtures.waitingPod("worker-1", "ErrImagePull",
                "pull access denied for lvs-node-agent")), false);
        VirtualServiceStatus s = withHost(List.of(), agents, List.of(r1));
        expect(s, Conditions.PROGRAMMED, "False", "AgentNotRunning");
        assertEquals("no lvs agent runs on real-server node worker-1 (web-1) (no lvs agent has started on it: agent pod "
                + "lvs-node-agent-worker-1: ErrImagePull: pull access denied for lvs-node-agent)",
                cond(s, Conditions.PROGRAMMED).getMessage());
        expect(s, Conditions.READY, "False", "RealServerNodesNotPrepared");
        assertEquals("node-a holds VIP 192.0.2.10 but none of its 1 real servers can answer: web-1 (node worker-1) pass "
                + "their checks, but their nodes are not known to hold VIP 192.0.2.10 on lo (see Programmed)",
                cond(s, Conditions.READY).getMessage());
        expect(s, Conditions.DEGRADED, "True", "RealServerNodeNotPrepared");
        assertTrue(cond(s, Conditions.DEGRADED).getMessage().startsWith("real-server node worker-1 (web-1): no lvs agent "
                + "has started on it: agent pod lvs-node-agent-worker-1: ErrImagePull"), cond(s, Conditions.DEGRADED).getMessage());
        assertTrue(cond(s, Conditions.DEGRADED).getMessage().endsWith("until it holds VIP 192.0.2.10 on lo, the directors "
                + "still send its servers connections they cannot answer"), cond(s, Conditions.DEGRADED).getMessage());
        assertEquals("0/1", s.getRealServersReady());
    }

    @Test
    void aRealServerNodeThatReportsItCannotBePreparedSaysWhy() {
        VirtualServiceStatus s = withHost(List.of(hostReport(false, "sysctl net.ipv4.conf.tunl0.rp_filter could not be "
                + "set: interface tunl0 does not exist there")), workerAgent(List.of(), true), List.of(r1, r2));
        expect(s, Conditions.PROGRAMMED, "False", "NotProgrammed");
        assertEquals("real-server node worker-1 (web-1): sysctl net.ipv4.conf.tunl0.rp_filter could not be set: interface "
                + "tunl0 does not exist there", cond(s, Conditions.PROGRAMMED).getMessage());
        // web-2 is outside the cluster (prepared by hand, as its Accepted says): it still counts
        expect(s, Conditions.READY, "True", "Ready");
        assertEquals("node-a holds VIP 192.0.2.10; 1/2 real servers ready (web-1 (node worker-1) pass their checks, but "
                + "their nodes are not prepared)", cond(s, Conditions.READY).getMessage());
        assertEquals("1/2", s.getRealServersReady());
        expect(s, Conditions.DEGRADED, "True", "RealServerNodeNotPrepared");
    }

    @Test
    void aPreparedRealServerNodeCountsInProgrammedAndNothingIsDegraded() {
        VirtualServiceStatus s = withHost(List.of(hostReport(true, null)), workerAgent(List.of(), true), List.of(r1));
        expect(s, Conditions.PROGRAMMED, "True", "Programmed");
        assertEquals("generation 1 is programmed on 2 directors and prepared on 1 real-server node",
                cond(s, Conditions.PROGRAMMED).getMessage());
        expect(s, Conditions.READY, "True", "Ready");
        assertEquals("node-a holds VIP 192.0.2.10; 1/1 real servers healthy", cond(s, Conditions.READY).getMessage());
        expect(s, Conditions.DEGRADED, "False", "AsExpected");
        assertEquals(List.of("node-a", "node-b"), s.getDirectors().stream().map(DirectorStatus::getNodeName).toList(),
                "a real-server node is no director");
    }

    @Test
    void aRealServerNodeNotHeardFromYetIsAwaitedNotBlamed() {
        VirtualServiceStatus s = withHost(List.of(), workerAgent(List.of(), true), List.of(r1));
        expect(s, Conditions.PROGRAMMED, "False", "AwaitingAgents");
        assertEquals("waiting for the node agents on real-server node worker-1 (web-1) to report",
                cond(s, Conditions.PROGRAMMED).getMessage());
        expect(s, Conditions.READY, "False", "RealServerNodesNotPrepared");
        expect(s, Conditions.DEGRADED, "False", "AsExpected");
    }

    @Test
    void natRealServersNeedNothingOnTheirNodes() {
        web.getSpec().getForwarding().setMethod(ForwardingMethod.NAT);
        AgentLiveness agents = workerAgent(List.of(AgentFixtures.waitingPod("worker-1", "CrashLoopBackOff", "back-off")), false);
        VirtualServiceStatus s = withHost(List.of(), agents, List.of(r1));
        expect(s, Conditions.PROGRAMMED, "True", "Programmed");
        assertEquals("generation 1 is programmed on 2 directors", cond(s, Conditions.PROGRAMMED).getMessage());
        expect(s, Conditions.READY, "True", "Ready");
    }

    @Test
    void aDirectorWhoseServiceSomeoneElseHoldsMakesProgrammedAConflict() {
        NodeReport a = report(web, "node-a", DirectorRole.Active);
        a.getStatus().setProgrammed(false);
        a.getStatus().setReason("Conflict");
        a.getStatus().setMessage("IPVS service TCP 192.0.2.10:80 is held by an entry lvs-operator did not create");
        VirtualServiceStatus s = assess(Optional.empty(), List.of(r1), List.of(a, report(web, "node-b", DirectorRole.Standby)));
        expect(s, Conditions.PROGRAMMED, "False", "Conflict");
        assertEquals("node-a: IPVS service TCP 192.0.2.10:80 is held by an entry lvs-operator did not create",
                cond(s, Conditions.PROGRAMMED).getMessage());
        assertEquals("IPVS service TCP 192.0.2.10:80 is held by an entry lvs-operator did not create",
                s.getDirectors().getFirst().getMessage());
        // a director that merely lags behind with an old conflict is progressing, not in conflict
        a.getStatus().setVirtualServiceGeneration(0L);
        expect(assess(Optional.empty(), List.of(r1), List.of(a, report(web, "node-b", DirectorRole.Standby))),
                Conditions.PROGRAMMED, "False", "Progressing");
    }

    @Test
    void aTransitionMovesLastTransitionTimeAndOnlyThen() {
        VirtualServiceStatus first = assess(Optional.empty(), List.of(r1), List.of());
        web.setStatus(first);
        VirtualServiceStatus later = VirtualServiceAssessment.assess(new VirtualServiceAssessment.Inputs(web, ALLOWED, Optional.empty(),
                List.of(r1), List.of(), nodes, AgentLiveness.everyoneAlive(nodes), T0.plusSeconds(60)));
        assertEquals(cond(first, Conditions.ACCEPTED).getLastTransitionTime(), cond(later, Conditions.ACCEPTED).getLastTransitionTime());
        web.setStatus(later);
        VirtualServiceStatus conflicted = VirtualServiceAssessment.assess(new VirtualServiceAssessment.Inputs(web, ALLOWED,
                Optional.of(new Problem("Conflict", "x")), List.of(r1), List.of(), nodes, AgentLiveness.everyoneAlive(nodes),
                T0.plusSeconds(120)));
        assertEquals("2026-11-25T10:12:00Z", cond(conflicted, Conditions.ACCEPTED).getLastTransitionTime());
    }

    @Test
    void aNewActiveDirectorRecordsTheFailover() {
        web.setStatus(assess(Optional.empty(), List.of(r1), List.of(report(web, "node-a", DirectorRole.Active),
                report(web, "node-b", DirectorRole.Standby))));
        assertNull(web.getStatus().getLastFailoverTime(), "the first election is not a failover");
        NodeReport b = report(web, "node-b", DirectorRole.Active);
        b.getStatus().setActiveSince("2026-11-25T10:09:30Z");
        VirtualServiceStatus s = assess(Optional.empty(), List.of(r1), List.of(report(web, "node-a", DirectorRole.Fault), b));
        assertEquals("node-b", s.getActiveDirector());
        assertEquals("2026-11-25T10:09:30Z", s.getLastFailoverTime());
        assertNull(web.getStatus().getFailovers());
        assertEquals(1L, s.getFailovers(), "a transition count");
        web.setStatus(s);
        assertEquals(1L, assess(Optional.empty(), List.of(r1), List.of(report(web, "node-a", DirectorRole.Standby), b))
                .getFailovers(), "kept while the VIP stays");
        web.setStatus(assess(Optional.empty(), List.of(r1), List.of(report(web, "node-a", DirectorRole.Standby), b)));
        assertEquals(2L, assess(Optional.empty(), List.of(r1), List.of(report(web, "node-a", DirectorRole.Active),
                report(web, "node-b", DirectorRole.Standby))).getFailovers(), "the failback counts too");
    }
}
