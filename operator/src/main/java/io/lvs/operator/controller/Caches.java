package io.lvs.operator.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Small helpers shared by the controllers' event-source wiring. */
final class Caches {
    private Caches() {
    }

    static Set<ResourceID> ids(Stream<? extends HasMetadata> objects) {
        return objects.map(ResourceID::fromResource).collect(Collectors.toSet());
    }

    /** A spec edit (generation), a label change or the start of deletion: what changes membership and claims. */
    static boolean specOrLabelsChanged(HasMetadata now, HasMetadata before) {
        return !Objects.equals(now.getMetadata().getGeneration(), before.getMetadata().getGeneration())
                || !Objects.equals(now.getMetadata().getLabels(), before.getMetadata().getLabels())
                || !Objects.equals(now.getMetadata().getDeletionTimestamp(), before.getMetadata().getDeletionTimestamp());
    }

    /** Node labels or addresses changed (not the heartbeats and conditions that update nodes every few seconds). */
    static boolean labelsOrAddressesChanged(Node now, Node before) {
        return !Objects.equals(now.getMetadata().getLabels(), before.getMetadata().getLabels())
                || !Objects.equals(addresses(now), addresses(before));
    }

    /**
     * The keys under which a RealServer's host is found ({@link io.lvs.api.v1alpha1.rules.NodeAddresses#hostOf}): its
     * spec.nodeName, else its address.
     */
    static List<String> hostKeys(io.lvs.api.v1alpha1.RealServer rs) {
        if (rs.getSpec() == null) {
            return List.of();
        }
        if (rs.getSpec().getNodeName() != null) {
            return List.of(rs.getSpec().getNodeName());
        }
        return io.lvs.api.v1alpha1.IpLiteral.parse(rs.getSpec().getAddress()).map(a -> List.of(ADDRESS + a.getHostAddress()))
                .orElse(List.of());
    }

    /** The {@link #hostKeys} of the RealServers {@code node} hosts: its name, and its InternalIP and ExternalIP addresses. */
    static List<String> hostKeysOf(String node, java.util.Optional<Node> n) {
        List<String> keys = new java.util.ArrayList<>(List.of(node));
        n.ifPresent(x -> addresses(x).stream().filter(a -> "InternalIP".equals(a.getType()) || "ExternalIP".equals(a.getType()))
                .forEach(a -> io.lvs.api.v1alpha1.IpLiteral.parse(a.getAddress())
                        .ifPresent(ip -> keys.add(ADDRESS + ip.getHostAddress()))));
        return keys;
    }

    private static final String ADDRESS = "address:";

    static List<NodeAddress> addresses(Node n) {
        return n.getStatus() == null || n.getStatus().getAddresses() == null ? List.of() : n.getStatus().getAddresses();
    }
}
