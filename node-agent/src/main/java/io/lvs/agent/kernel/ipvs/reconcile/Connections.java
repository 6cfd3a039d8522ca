package io.lvs.agent.kernel.ipvs.reconcile;

/**
 * The connection entries the kernel holds for one destination, as {@code ipvsadm -L} counts them.
 * A drain waits for all three: a UDP destination has only inactive entries, and a persistent service
 * keeps templates that pin clients to the destination after their connections end.
 *
 * @param active     established connections (ActiveConn)
 * @param inactive   other connection entries, e.g. TIME_WAIT, FIN_WAIT or UDP flows (InActConn)
 * @param persistent persistence templates pointing at the destination (PersistConn)
 */
public record Connections(int active, int inactive, int persistent) {
    /** No entries at all. */
    public static final Connections NONE = new Connections(0, 0, 0);

    /** Only established connections. */
    public static Connections active(int n) {
        return new Connections(n, 0, 0);
    }

    /** True when the kernel holds no entry of any kind for the destination. */
    public boolean none() {
        return active == 0 && inactive == 0 && persistent == 0;
    }
}
