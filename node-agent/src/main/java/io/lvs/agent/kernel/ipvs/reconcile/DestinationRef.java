package io.lvs.agent.kernel.ipvs.reconcile;

import io.lvs.agent.kernel.ipvs.DestinationKey;
import io.lvs.agent.kernel.ipvs.Hashing;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import java.util.Comparator;
import java.util.Objects;

/**
 * A destination named across the whole table: its service and its key within that service.
 *
 * @param service     the virtual service
 * @param destination the destination within it
 */
public record DestinationRef(ServiceKey service, DestinationKey destination) implements Comparable<DestinationRef> {
    private static final Comparator<DestinationRef> ORDER =
            Comparator.comparing(DestinationRef::service).thenComparing(DestinationRef::destination);

    public DestinationRef {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(destination, "destination");
    }

    @Override
    public int hashCode() {
        return Hashing.mix(service.hashCode(), destination.hashCode());
    }

    @Override
    public int compareTo(DestinationRef o) {
        return ORDER.compare(this, o);
    }

    /** "192.0.2.21:80 -> TCP 192.0.2.10:80", as the netlink request descriptions name it. */
    @Override
    public String toString() {
        return destination + " -> " + service;
    }
}
