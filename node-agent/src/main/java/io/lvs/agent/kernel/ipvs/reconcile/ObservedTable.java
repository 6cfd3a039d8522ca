package io.lvs.agent.kernel.ipvs.reconcile;

import io.lvs.agent.kernel.ipvs.DestinationEntry;
import io.lvs.agent.kernel.ipvs.ServiceEntry;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the kernel holds, as the planner needs it: the table itself plus each destination's active
 * connection count (what a drain waits for).
 *
 * @param table             services and destinations as configured in the kernel
 * @param activeConnections active connections per destination; a destination not listed has none
 */
public record ObservedTable(IpvsTable table, Map<DestinationRef, Integer> activeConnections) {

    public ObservedTable {
        Objects.requireNonNull(table, "table");
        activeConnections = Map.copyOf(activeConnections);
    }

    /** A table with no connections anywhere. */
    public static ObservedTable of(IpvsTable table) {
        return new ObservedTable(table, Map.of());
    }

    /** A table from kernel read-backs: each service with the destinations dumped for it. */
    public static ObservedTable of(List<ServiceEntry> services, Map<ServiceKey, List<DestinationEntry>> destinations) {
        IpvsTable.Builder b = IpvsTable.builder();
        Map<DestinationRef, Integer> active = new HashMap<>();
        for (ServiceEntry s : services) {
            List<DestinationEntry> ds = destinations.getOrDefault(s.key(), List.of());
            b.service(s.service(), ds.stream().map(DestinationEntry::destination).toList());
            for (DestinationEntry d : ds) {
                if (d.activeConnections() != 0) {
                    active.put(new DestinationRef(s.key(), d.key()), d.activeConnections());
                }
            }
        }
        return new ObservedTable(b.build(), active);
    }

    public int activeConnections(DestinationRef ref) {
        return activeConnections.getOrDefault(ref, 0);
    }
}
