package io.lvs.agent.kernel.ipvs;

import io.lvs.agent.kernel.InetText;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * What the kernel refuses in a destination whatever the namespace holds, checked before a request is sent so the
 * refusal names the rule instead of a bare EINVAL. The rules are those of Linux 3.18 to 6.1 (ip_vs_ctl.c):
 * <ul>
 *   <li>{@code ip_vs_genl_set_cmd}: a destination of another address family than its service is taken, on add and on
 *       edit, only with tunnel forwarding and only while no connection-sync daemon runs (the sync protocol cannot carry
 *       such connections; {@code ip_vs_genl_new_daemon} likewise starts no daemon while one exists);</li>
 *   <li>{@code ip_vs_new_dest}: an IPv4 destination must not be a broadcast (0.0.0.0/8, 255.255.255.255) or multicast
 *       address, an IPv6 one must be unicast (not :: nor multicast).</li>
 * </ul>
 */
final class DestinationRules {
    private DestinationRules() {
    }

    /** Whether a destination of {@code service} at {@code address} mixes address families (allowed only for tunnels). */
    static boolean mixesFamilies(ServiceKey service, InetAddress address) {
        return AddressFamily.of(address) != service.family();
    }

    /**
     * Why the kernel would refuse {@code destination} in {@code service} (added or edited), or empty when it may take
     * it; {@code syncDaemonRunning} says whether a master or backup daemon runs in the namespace.
     */
    static Optional<String> refusal(ServiceKey service, Destination destination, boolean syncDaemonRunning) {
        InetAddress a = destination.address();
        if (!unicast(a)) {
            return Optional.of("destination address " + InetText.of(a) + " is not a unicast address (the kernel takes only "
                    + "unicast real servers)");
        }
        if (mixesFamilies(service, a)) {
            String mix = "an " + AddressFamily.of(a).label() + " destination of an " + service.family().label() + " service";
            if (destination.forwarding() != ForwardingMethod.TUNNEL) {
                return Optional.of(mix + " needs tunnel forwarding (the kernel forwards across address families only "
                        + "by tunnel, not by " + destination.forwarding().ipvsadmName() + ")");
            }
            if (syncDaemonRunning) {
                return Optional.of(mix + " is refused while a connection-sync daemon runs (the sync protocol cannot "
                        + "carry connections across address families; stop the daemon or use a destination of the "
                        + "service's family)");
            }
        }
        return Optional.empty();
    }

    private static boolean unicast(InetAddress a) {
        if (a.isMulticastAddress() || a.isAnyLocalAddress()) {
            return false;
        }
        if (a instanceof Inet4Address) {
            byte[] b = a.getAddress();
            boolean zeroNet = b[0] == 0;
            boolean limitedBroadcast = b[0] == (byte) 255 && b[1] == (byte) 255 && b[2] == (byte) 255 && b[3] == (byte) 255;
            return !zeroNet && !limitedBroadcast;
        }
        return true;
    }
}
