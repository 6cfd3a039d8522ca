package io.lvs.operator.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which primaries a secondary object mapped to in its previous version. JOSDK hands a secondary-to-primary
 * mapper only the new version of an updated object, so a RealServer relabelled out of a VirtualService would not
 * wake that VirtualService; mapping to the union of the previous and current targets does. JOSDK may call a mapper
 * more than once for the same event, so the answer is fixed per resourceVersion.
 */
final class LastMapping {
    /** What one version of a source mapped to: its own targets, and those plus the previous version's. */
    private record Entry(String resourceVersion, Set<ResourceID> targets, Set<ResourceID> withPrevious) {
    }

    private final Map<ResourceID, Entry> last = new ConcurrentHashMap<>();

    /** The current targets of {@code source} together with those of its previous version. */
    Set<ResourceID> union(HasMetadata source, Set<ResourceID> now) {
        ResourceID id = ResourceID.fromResource(source);
        String version = source.getMetadata().getResourceVersion();
        Entry e = last.compute(id, (k, before) -> {
            if (before != null && version != null && Objects.equals(before.resourceVersion(), version)) {
                return before; // the same event again
            }
            Set<ResourceID> all = new HashSet<>(now);
            if (before != null) {
                all.addAll(before.targets());
            }
            return new Entry(version, Set.copyOf(now), Set.copyOf(all));
        });
        return e.withPrevious();
    }

    /** Forgets sources that no longer exist. */
    void retain(Set<ResourceID> live) {
        last.keySet().retainAll(live);
    }
}
