package io.lvs.agent.kernel.ipvs.reconcile;

import io.lvs.agent.kernel.ipvs.DestinationEntry;
import io.lvs.agent.kernel.ipvs.ServiceEntry;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.Stats;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the kernel holds, as the planner needs it: the table itself plus each destination's
 * connection entries — active, inactive and persistence templates — which a drain waits for. The counters
 * that came with the same dumps ride along for the agent's metrics (the planner ignores them).
 *
 * @param table            services and destinations as configured in the kernel
 * @param connections      connection entries per destination; a destination not listed has none
 * @param serviceStats     counters per service, as dumped (empty when not read from a kernel)
 * @param destinationStats counters per destination, as dumped (empty when not read from a kernel)
 */
public record ObservedTable(IpvsTable table, Map<DestinationRef, Connections> connections,
                            Map<ServiceKey, Stats> serviceStats, Map<DestinationRef, Stats> destinationStats) {

    public ObservedTable {
        Objects.requireNonNull(table, "table");
        connections = Map.copyOf(connections);
        serviceStats = Map.copyOf(serviceStats);
        destinationStats = Map.copyOf(destinationStats);
    }

    /** A table with these connection entries and no counters. */
    public ObservedTable(IpvsTable table, Map<DestinationRef, Connections> connections) {
        this(table, connections, Map.of(), Map.of());
    }

    /** A table with no connections anywhere. */
    public static ObservedTable of(IpvsTable table) {
        return new ObservedTable(table, Map.of());
    }

    /** A table from kernel read-backs: each service with the destinations dumped for it. */
    public static ObservedTable of(List<ServiceEntry> services, Map<ServiceKey, List<DestinationEntry>> destinations) {
        IpvsTable.Builder b = IpvsTable.builder();
        Map<DestinationRef, Connections> held = new HashMap<>();
        Map<ServiceKey, Stats> serviceStats = new HashMap<>();
        Map<DestinationRef, Stats> destinationStats = new HashMap<>();
        for (ServiceEntry s : services) {
            serviceStats.put(s.key(), s.stats());
            List<DestinationEntry> ds = destinations.getOrDefault(s.key(), List.of());
            b.service(s.service(), ds.stream().map(DestinationEntry::destination).toList());
            for (DestinationEntry d : ds) {
                destinationStats.put(new DestinationRef(s.key(), d.key()), d.stats());
                Connections c = new Connections(d.activeConnections(), d.inactiveConnections(), d.persistentConnections());
                if (!c.none()) {
                    held.put(new DestinationRef(s.key(), d.key()), c);
                }
            }
        }
        return new ObservedTable(b.build(), held, serviceStats, destinationStats);
    }

    /** The connection entries of one destination ({@link Connections#NONE} when not listed). */
    public Connections connections(DestinationRef ref) {
        return connections.getOrDefault(ref, Connections.NONE);
    }

    /** Established connections of one destination (0 when not listed). */
    public int activeConnections(DestinationRef ref) {
        return connections(ref).active();
    }

    /** Established connections per destination that has any (for messages and tests). */
    public Map<DestinationRef, Integer> activeConnections() {
        Map<DestinationRef, Integer> out = new HashMap<>();
        connections.forEach((ref, c) -> {
            if (c.active() != 0) {
                out.put(ref, c.active());
            }
        });
        return Map.copyOf(out);
    }
}
