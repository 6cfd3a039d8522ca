package io.lvs.api.v1alpha1.rules;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.lvs.api.v1alpha1.IpLiteral;
import io.lvs.api.v1alpha1.RealServer;
import java.net.InetAddress;
import java.util.Collection;
import java.util.Optional;

/** Which cluster node hosts a real server's address (for the VIP on lo in DirectRouting and Tunnel modes). */
public final class NodeAddresses {
    private NodeAddresses() {
    }

    /** The answer: the node's name, and whether it exists; empty when the address is not a cluster node's. */
    public record Host(String nodeName, boolean exists) {
    }

    public static Optional<Host> hostOf(RealServer rs, Collection<Node> nodes) {
        String named = rs.getSpec().getNodeName();
        if (named != null) {
            return Optional.of(new Host(named, nodes.stream().anyMatch(n -> named.equals(n.getMetadata().getName()))));
        }
        Optional<InetAddress> addr = IpLiteral.parse(rs.getSpec().getAddress());
        if (addr.isEmpty()) {
            return Optional.empty();
        }
        for (Node n : nodes) {
            if (n.getStatus() == null || n.getStatus().getAddresses() == null) {
                continue;
            }
            for (NodeAddress na : n.getStatus().getAddresses()) {
                if (("InternalIP".equals(na.getType()) || "ExternalIP".equals(na.getType()))
                        && IpLiteral.parse(na.getAddress()).equals(addr)) {
                    return Optional.of(new Host(n.getMetadata().getName(), true));
                }
            }
        }
        return Optional.empty();
    }
}
