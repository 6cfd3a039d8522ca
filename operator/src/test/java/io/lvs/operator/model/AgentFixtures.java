package io.lvs.operator.model;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.lvs.api.v1alpha1.AgentLeases;
import java.time.Instant;
import java.util.Map;

/** Agent Leases and pods as agents and kubelets write them, for tests in any package. */
public final class AgentFixtures {
    private AgentFixtures() {
    }

    /** The Lease of {@code node}'s agent, last renewed at {@code renewed}. */
    public static Lease lease(String node, Instant renewed) {
        return new LeaseBuilder().withNewMetadata().withName(AgentLeases.name(node)).withNamespace("lvs-system")
                .withLabels(AgentLeases.labels(node)).endMetadata()
                .withNewSpec().withHolderIdentity(node).withLeaseDurationSeconds((int) AgentLeases.DURATION.toSeconds())
                .withRenewTime(renewed.atZone(java.time.ZoneOffset.UTC)).endSpec().build();
    }

    /** An agent pod on {@code node} whose container waits for {@code reason}, as the kubelet reports it. */
    public static Pod waitingPod(String node, String reason, String message) {
        return new PodBuilder().withNewMetadata().withName("lvs-node-agent-" + node).withNamespace("lvs-system")
                .withLabels(Map.of(AgentLeases.APP_LABEL, AgentLeases.APP)).endMetadata()
                .withNewSpec().withNodeName(node).endSpec()
                .withNewStatus().withPhase("Pending").addNewContainerStatus().withName("agent").withNewState().withNewWaiting()
                .withReason(reason).withMessage(message).endWaiting().endState().endContainerStatus().endStatus().build();
    }
}
