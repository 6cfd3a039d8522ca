package io.lvs.agent.kernel.ipvs.reconcile;

import io.lvs.agent.kernel.ipvs.DestinationEntry;
import io.lvs.agent.kernel.ipvs.ServiceEntry;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the kernel holds, as the planner needs it: the table itself plus each destination's
 * connection entries — active, inactive and persistence templates — which a drain waits for.
 *
 * @param table       services and destinations as configured in the kernel
 * @param connections connection entries per destination; a destination not listed has none
 */
public record ObservedTable(IpvsTable table, Map<DestinationRef, Connections> connections) {

    public ObservedTable {
        Objects.requireNonNull(table, "table");
        connections = Map.copyOf(connections);
    }

    /** A table with no connections anywhere. */
    public static ObservedTable of(IpvsTable table) {
        return new ObservedTable(table, Map.of());
    }

    /** A table from kernel read-backs: each service with the destinations dumped for it. */
    public static ObservedTable of(List<ServiceEntry> services, Map<ServiceKey, List<DestinationEntry>> destinations) {
        IpvsTable.Builder b = IpvsTable.builder();
        Map<DestinationRef, Connections> held = new HashMap<>();
        for (ServiceEntry s : services) {
            List<DestinationEntry> ds = destinations.getOrDefault(s.key(), List.of());
            b.service(s.service(), ds.stream().map(DestinationEntry::destination).toList());
            for (DestinationEntry d : ds) {
                Connections c = new Connections(d.activeConnections(), d.inactiveConnections(), d.persistentConnections());
                if (!c.none()) {
                    held.put(new DestinationRef(s.key(), d.key()), c);
                }
            }
        }
        return new ObservedTable(b.build(), held);
    }

    /** The connection entries of one destination ({@link Connections#NONE} when not listed). */
    public Connections connections(DestinationRef ref) {
        return connections.getOrDefault(ref, Connections.NONE);
    }
}
