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

    static List<NodeAddress> addresses(Node n) {
        return n.getStatus() == null || n.getStatus().getAddresses() == null ? List.of() : n.getStatus().getAddresses();
    }
}
