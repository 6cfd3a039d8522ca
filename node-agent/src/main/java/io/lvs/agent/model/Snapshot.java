package io.lvs.agent.model;

import io.fabric8.kubernetes.api.model.Node;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsTable;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.rules.VipPolicy;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything desired state is computed from, taken at one moment.
 *
 * @param nodeName        this node
 * @param virtualServices every VirtualService the agent sees
 * @param realServers     every RealServer the agent sees
 * @param nodes           every Node (this one included: its labels make it a director)
 * @param network         this node's links and addresses
 * @param kernel          what this node's kernel can do
 * @param health          the current health of each probe the monitor knows
 * @param observedIpvs    what the kernel's IPVS table holds now (where a probe new to the monitor starts: a destination
 *                        the kernel shows drained starts down, so an agent restart changes nothing)
 * @param vips            which VIPs which namespaces may use (the VipPools): nothing else is taken or prepared here
 */
public record Snapshot(String nodeName, Collection<VirtualService> virtualServices, Collection<RealServer> realServers,
                       Collection<Node> nodes, NodeNetwork network, KernelSupport kernel, HealthView health,
                       IpvsTable observedIpvs, VipPolicy vips) {
    public Snapshot {
        Objects.requireNonNull(nodeName);
        virtualServices = List.copyOf(virtualServices);
        realServers = List.copyOf(realServers);
        nodes = List.copyOf(nodes);
        Objects.requireNonNull(network);
        Objects.requireNonNull(kernel);
        Objects.requireNonNull(health);
        Objects.requireNonNull(observedIpvs);
        Objects.requireNonNull(vips);
    }

    /** The health of probes as the health monitor knows it. */
    @FunctionalInterface
    public interface HealthView {
        /** Whether the probe with this key passes (after rise/fall), or empty when the monitor has no state for it. */
        Optional<Boolean> healthy(String probeKey);

        /** No probe has run yet. */
        static HealthView none() {
            return k -> Optional.empty();
        }
    }

    /** This node's Node object, if the agent has seen it. */
    public Optional<Node> self() {
        return nodes.stream().filter(n -> nodeName.equals(n.getMetadata().getName())).findFirst();
    }
}
