package io.lvs.agent.kernel.ipvs;

/**
 * A destination as read back from the kernel.
 *
 * @param destination           its configuration
 * @param activeConnections     established connections (ActiveConn)
 * @param inactiveConnections   other connections, e.g. TIME_WAIT or UDP (InActConn)
 * @param persistentConnections persistence templates pointing at it (PersistConn)
 * @param stats                 its counters
 */
public record DestinationEntry(Destination destination, int activeConnections, int inactiveConnections,
                               int persistentConnections, Stats stats) {
    public DestinationKey key() {
        return destination.key();
    }
}
