package io.lvs.agent.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Comparator;
import java.util.Objects;

/** A namespaced object's identity (a VirtualService or a RealServer), ordered by namespace then name. */
public record VsRef(String namespace, String name) implements Comparable<VsRef> {
    private static final Comparator<VsRef> ORDER = Comparator.comparing(VsRef::namespace).thenComparing(VsRef::name);

    public VsRef {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    public static VsRef of(HasMetadata o) {
        return new VsRef(Objects.requireNonNullElse(o.getMetadata().getNamespace(), ""), o.getMetadata().getName());
    }

    @Override
    public int compareTo(VsRef o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
