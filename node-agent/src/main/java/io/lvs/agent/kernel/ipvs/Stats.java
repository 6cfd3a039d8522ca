package io.lvs.agent.kernel.ipvs;

/**
 * Traffic counters and rates of a service or destination (IPVS_*_ATTR_STATS64, or IPVS_*_ATTR_STATS on
 * kernels without it). The kernel folds its per-CPU counters every 2 s, so reads lag that much.
 *
 * @param connections connections scheduled
 * @param inPackets   packets from clients
 * @param outPackets  packets to clients (0 for DR and tunnels: replies bypass the director)
 * @param inBytes     bytes from clients
 * @param outBytes    bytes to clients
 * @param cps         connections per second, current estimate
 * @param inPps       packets per second from clients
 * @param outPps      packets per second to clients
 * @param inBps       bytes per second from clients
 * @param outBps      bytes per second to clients
 */
public record Stats(long connections, long inPackets, long outPackets, long inBytes, long outBytes,
                    long cps, long inPps, long outPps, long inBps, long outBps) {
    /** All zero. */
    public static final Stats ZERO = new Stats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
