package io.lvs.operator.model;

import static io.lvs.operator.model.AgentFixtures.lease;
import static io.lvs.operator.model.AgentFixtures.waitingPod;
import static io.lvs.operator.model.Fixtures.director;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.lvs.api.v1alpha1.AgentLeases;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgentLivenessTest {
    private static final Instant NOW = Instant.parse("2026-11-25T10:10:00Z");
    private static final String DS = "lvs-system/lvs-node-agent";
    private final List<Node> nodes = List.of(director("node-a", "198.51.100.1"), director("node-b", "198.51.100.2"));

    private AgentLiveness assess(List<Lease> leases, List<Pod> pods, Optional<DaemonSet> ds, List<Event> events, List<Node> ns) {
        return AgentLiveness.assess(new AgentLiveness.Inputs(leases, pods, ds, events, ns, DS, NOW));
    }

    @Test
    void aRenewedLeaseIsAliveUntilItsDurationPasses() {
        AgentLiveness l = assess(List.of(lease("node-a", NOW.minusSeconds(39)), lease("node-b", NOW.minusSeconds(41))),
                List.of(), Optional.empty(), List.of(), nodes);
        assertTrue(l.alive("node-a"));
        assertFalse(l.alive("node-b"));
        assertEquals(Optional.of(NOW.plusSeconds(1)), l.nextExpiry(), "look again when node-a's Lease lapses");
        AgentLiveness.Absence b = l.absence("node-b").orElseThrow();
        assertTrue(b.message().startsWith("its agent last renewed its Lease at 2026-11-25T10:09:19Z and has not since"),
                b.message());
    }

    @Test
    void aLeaseOfADeletedNodeIsNotBelieved() {
        AgentLiveness l = assess(List.of(lease("gone", NOW)), List.of(), Optional.empty(), List.of(), nodes);
        assertFalse(l.alive("gone"));
        assertEquals("node gone does not exist", l.absence("gone").orElseThrow().message());
    }

    @Test
    void aCrashingAgentPodIsNamedWithItsReasonAndExitCode() {
        Pod p = waitingPod("node-b", "CrashLoopBackOff", "back-off 5m0s restarting failed container=agent");
        p.getStatus().getContainerStatuses().getFirst().setLastState(new io.fabric8.kubernetes.api.model.ContainerStateBuilder()
                .withNewTerminated().withExitCode(1).endTerminated().build());
        AgentLiveness.Absence b = assess(List.of(), List.of(p), Optional.empty(), List.of(), nodes).absence("node-b").orElseThrow();
        assertTrue(b.failing());
        assertEquals("no lvs agent has started on it: agent pod lvs-node-agent-node-b: CrashLoopBackOff: back-off 5m0s "
                + "restarting failed container=agent (last exit code 1)", b.message());
    }

    @Test
    void aStartingPodIsAWaitNotAFailure() {
        Pod p = waitingPod("node-b", "ContainerCreating", "");
        AgentLiveness.Absence b = assess(List.of(), List.of(p), Optional.empty(), List.of(), nodes).absence("node-b").orElseThrow();
        assertFalse(b.failing());
        assertEquals("no lvs agent has started on it: agent pod lvs-node-agent-node-b is Pending", b.message());
    }

    @Test
    void noPodBecauseTheDaemonSetSelectsOtherNodes() {
        DaemonSet ds = new DaemonSetBuilder().withNewMetadata().withName("lvs-node-agent").endMetadata().withNewSpec()
                .withNewTemplate().withNewSpec().withNodeSelector(Map.of("lvs.io/agent", "true")).endSpec().endTemplate()
                .endSpec().build();
        AgentLiveness.Absence a = assess(List.of(), List.of(), Optional.of(ds), List.of(), nodes).absence("node-a").orElseThrow();
        assertTrue(a.failing());
        assertEquals("no lvs agent has started on it: the agents' DaemonSet lvs-system/lvs-node-agent runs only on nodes "
                + "labelled lvs.io/agent=true (chart value agent.nodeSelector); label the node or widen the selector", a.message());
    }

    @Test
    void noPodBecauseOfAnUntoleratedTaint() {
        DaemonSet ds = new DaemonSetBuilder().withNewMetadata().withName("lvs-node-agent").endMetadata().withNewSpec()
                .withNewTemplate().withNewSpec().addNewToleration().withKey("other").withOperator("Exists").endToleration()
                .endSpec().endTemplate().endSpec().build();
        Node tainted = new NodeBuilder(nodes.getFirst()).editOrNewSpec().addNewTaint().withKey("dedicated").withValue("lb")
                .withEffect("NoSchedule").endTaint().endSpec().build();
        AgentLiveness.Absence a = assess(List.of(), List.of(), Optional.of(ds), List.of(), List.of(tainted))
                .absence("node-a").orElseThrow();
        assertEquals("no lvs agent has started on it: the node has taints the agents do not tolerate: dedicated=lb:NoSchedule "
                + "(chart value agent.tolerations)", a.message());
    }

    @Test
    void aFailedPodCreationIsReportedForNodesWithoutAPod() {
        Event failed = new EventBuilder().withNewMetadata().withName("e1").withCreationTimestamp("2026-11-25T10:09:00Z")
                .endMetadata().withReason("FailedCreate").withType("Warning")
                .withMessage("Error creating: pods \"lvs-node-agent-x\" is forbidden: violates PodSecurity \"baseline:latest\": "
                        + "host namespaces (hostNetwork=true)").build();
        AgentLiveness l = assess(List.of(lease("node-a", NOW)), List.of(), Optional.empty(), List.of(failed), nodes);
        assertTrue(l.alive("node-a"));
        AgentLiveness.Absence b = l.absence("node-b").orElseThrow();
        assertTrue(b.failing());
        assertTrue(b.message().endsWith("the agents' DaemonSet lvs-system/lvs-node-agent cannot create pods: Error creating: "
                + "pods \"lvs-node-agent-x\" is forbidden: violates PodSecurity \"baseline:latest\": host namespaces "
                + "(hostNetwork=true)"), b.message());
    }

    @Test
    void withoutADaemonSetTheChartIsSuspected() {
        AgentLiveness.Absence a = assess(List.of(), List.of(), Optional.empty(), List.of(), nodes).absence("node-a").orElseThrow();
        assertEquals("no lvs agent has started on it: there is no agents' DaemonSet lvs-system/lvs-node-agent (is the "
                + "lvs-operator chart installed?)", a.message());
    }
}
