package io.lvs.agent.kernel.ipvs.reconcile;

import io.lvs.agent.kernel.ipvs.Destination;
import io.lvs.agent.kernel.ipvs.DestinationKey;
import io.lvs.agent.kernel.ipvs.Service;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An IPVS table, desired or observed: virtual services, each with its destinations, keyed as the kernel
 * keys them. Immutable.
 *
 * @param services every service by its key
 */
public record IpvsTable(Map<ServiceKey, IpvsTable.Entry> services) {

    /**
     * One service and its destinations.
     *
     * @param service      the service
     * @param destinations its destinations by key
     */
    public record Entry(Service service, Map<DestinationKey, Destination> destinations) {
        public Entry {
            Objects.requireNonNull(service, "service");
            destinations.forEach((k, d) -> {
                if (!k.equals(d.key())) {
                    throw new IllegalArgumentException(service.key() + ": destination " + d + " is filed under " + k);
                }
            });
            destinations = Map.copyOf(destinations);
        }

        /** An entry from a list of destinations; a key given twice is an error. */
        public static Entry of(Service service, Collection<Destination> destinations) {
            Map<DestinationKey, Destination> m = new HashMap<>();
            for (Destination d : destinations) {
                if (m.put(d.key(), d) != null) {
                    throw new IllegalArgumentException(service.key() + ": destination " + d.key() + " given twice");
                }
            }
            return new Entry(service, m);
        }
    }

    public IpvsTable {
        services.forEach((k, e) -> {
            if (!k.equals(e.service().key())) {
                throw new IllegalArgumentException("service " + e.service() + " is filed under " + k);
            }
        });
        services = Map.copyOf(services);
    }

    public static IpvsTable empty() {
        return new IpvsTable(Map.of());
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<Entry> get(ServiceKey key) {
        return Optional.ofNullable(services.get(key));
    }

    public Optional<Destination> get(DestinationRef ref) {
        Entry e = services.get(ref.service());
        return e == null ? Optional.empty() : Optional.ofNullable(e.destinations().get(ref.destination()));
    }

    public boolean contains(ServiceKey key) {
        return services.containsKey(key);
    }

    public boolean contains(DestinationRef ref) {
        return get(ref).isPresent();
    }

    /** Destinations over all services. */
    public int destinationCount() {
        return services.values().stream().mapToInt(e -> e.destinations().size()).sum();
    }

    /** Collects services and destinations; a service key given twice is an error. */
    public static final class Builder {
        private final Map<ServiceKey, Entry> services = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder service(Service service, Destination... destinations) {
            return service(service, List.of(destinations));
        }

        public Builder service(Service service, Collection<Destination> destinations) {
            if (services.putIfAbsent(service.key(), Entry.of(service, destinations)) != null) {
                throw new IllegalArgumentException("service " + service.key() + " given twice");
            }
            return this;
        }

        public IpvsTable build() {
            return new IpvsTable(services);
        }
    }
}
