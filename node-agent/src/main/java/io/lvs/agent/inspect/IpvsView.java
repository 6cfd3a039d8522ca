package io.lvs.agent.inspect;

import io.lvs.agent.kernel.ipvs.Info;
import io.lvs.agent.kernel.ipvs.SyncDaemon;
import io.lvs.agent.kernel.ipvs.Timeouts;
import java.util.List;
import java.util.Objects;

/**
 * Everything IPVS reports about one network namespace.
 *
 * @param info        version and connection-table size
 * @param services    every virtual service with its destinations, in the kernel's order
 * @param timeouts    the TCP, TCP-FIN and UDP timeouts
 * @param syncDaemons the running connection-sync daemons (none, a master, a backup or both)
 */
public record IpvsView(Info info, List<ServiceListing> services, Timeouts timeouts, List<SyncDaemon> syncDaemons) {
    public IpvsView {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(timeouts, "timeouts");
        services = List.copyOf(services);
        syncDaemons = List.copyOf(syncDaemons);
    }
}
