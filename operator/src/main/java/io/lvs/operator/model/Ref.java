package io.lvs.operator.model;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** A namespaced object's identity. */
public record Ref(String namespace, String name) implements Comparable<Ref> {
    public static Ref of(HasMetadata o) {
        return new Ref(o.getMetadata().getNamespace(), o.getMetadata().getName());
    }

    @Override
    public int compareTo(Ref o) {
        int c = namespace.compareTo(o.namespace);
        return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
