package io.lvs.agent.kernel.ipvs;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A destination (real server) of a virtual service as configured: everything {@code ipvsadm -a/-e}
 * can set. Every field except address and port can be changed in place (IPVS_CMD_SET_DEST updates the
 * forwarding method, tunnel, weight and thresholds alike).
 *
 * @param address        the real server's address; may be of another family than the service's only
 *                       for {@link ForwardingMethod#TUNNEL} (the kernel refuses other mixes)
 * @param port           the real server's port (ipvsadm puts the service port here for DR and tunnels,
 *                       and 0 for firewall-mark services)
 * @param forwarding     how packets reach it
 * @param tunnel         the encapsulation for {@link ForwardingMethod#TUNNEL}; {@link Tunnel#IPIP} otherwise
 * @param weight         scheduling weight, 0..2147483647; 0 takes no new connections (drain)
 * @param upperThreshold stop sending connections above this many active ones; 0 is no limit
 * @param lowerThreshold resume below this many; at most {@code upperThreshold} (the kernel answers ERANGE otherwise)
 */
public record Destination(InetAddress address, int port, ForwardingMethod forwarding, Tunnel tunnel,
                          int weight, int upperThreshold, int lowerThreshold) {

    public Destination {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(forwarding, "forwarding");
        Objects.requireNonNull(tunnel, "tunnel");
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("destination port " + port + " is outside 0..65535");
        }
        if (weight < 0) {
            throw new IllegalArgumentException("destination " + Addresses.format(address, port) + ": weight " + weight + " is negative");
        }
        if (upperThreshold < 0 || lowerThreshold < 0 || lowerThreshold > upperThreshold) {
            throw new IllegalArgumentException("destination " + Addresses.format(address, port) + ": thresholds upper "
                    + upperThreshold + " / lower " + lowerThreshold + " must satisfy 0 <= lower <= upper");
        }
    }

    /** A destination with weight 1, no thresholds, and {@link Tunnel#IPIP} for tunnels. */
    public static Destination of(InetAddress address, int port, ForwardingMethod forwarding) {
        return new Destination(address, port, forwarding, Tunnel.IPIP, 1, 0, 0);
    }

    /** A destination from an address literal. */
    public static Destination of(String address, int port, ForwardingMethod forwarding) {
        return of(Addresses.parse(address), port, forwarding);
    }

    /** A tunnel destination with this encapsulation. */
    public static Destination tunnel(String address, int port, Tunnel tunnel) {
        return of(address, port, ForwardingMethod.TUNNEL).withTunnel(tunnel);
    }

    public DestinationKey key() {
        return new DestinationKey(address, port);
    }

    public Destination withWeight(int w) {
        return new Destination(address, port, forwarding, tunnel, w, upperThreshold, lowerThreshold);
    }

    public Destination withForwarding(ForwardingMethod f) {
        return new Destination(address, port, f, tunnel, weight, upperThreshold, lowerThreshold);
    }

    public Destination withTunnel(Tunnel t) {
        return new Destination(address, port, forwarding, t, weight, upperThreshold, lowerThreshold);
    }

    public Destination withThresholds(int upper, int lower) {
        return new Destination(address, port, forwarding, tunnel, weight, upper, lower);
    }

    /** "192.0.2.21:80 Route weight 1" — the shape of an {@code ipvsadm -Ln} destination line. */
    @Override
    public String toString() {
        return key() + " " + forwarding.ipvsadmName()
                + (forwarding == ForwardingMethod.TUNNEL ? " " + tunnel : "")
                + " weight " + weight
                + (upperThreshold != 0 || lowerThreshold != 0 ? " thresholds " + lowerThreshold + ".." + upperThreshold : "");
    }
}
