package io.lvs.agent.inspect;

import io.lvs.agent.kernel.ipvs.DestinationEntry;
import io.lvs.agent.kernel.ipvs.ServiceEntry;
import java.util.List;
import java.util.Objects;

/**
 * One virtual service as the kernel holds it, with its destinations and all their counters.
 *
 * @param service      the service and its counters
 * @param destinations its destinations, in the kernel's order
 */
public record ServiceListing(ServiceEntry service, List<DestinationEntry> destinations) {
    public ServiceListing {
        Objects.requireNonNull(service, "service");
        destinations = List.copyOf(destinations);
    }
}
