package io.lvs.agent.kernel.ipvs.reconcile;

import io.lvs.agent.kernel.ipvs.DestinationKey;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import java.util.Objects;
import java.util.Optional;

/**
 * A desired entry the planner would not touch because someone else's entry already holds its key.
 *
 * @param service     the service concerned
 * @param destination the destination concerned, or empty when the whole service is foreign
 * @param reason      what to tell a person
 */
public record Conflict(ServiceKey service, Optional<DestinationKey> destination, String reason) {
    public Conflict {
        Objects.requireNonNull(service);
        Objects.requireNonNull(destination);
        Objects.requireNonNull(reason);
    }

    @Override
    public String toString() {
        return destination.map(d -> d + " -> ").orElse("") + service + ": " + reason;
    }
}
