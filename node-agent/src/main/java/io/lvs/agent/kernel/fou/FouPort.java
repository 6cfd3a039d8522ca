package io.lvs.agent.kernel.fou;

/**
 * One FOU receive port of a network namespace.
 *
 * @param port          the UDP port it receives on
 * @param ipv6          an IPv6 socket (AF_INET6, IPv6 only) rather than an IPv4 one
 * @param encapsulation what it strips
 * @param ipProtocol    the protocol of the inner packet for DIRECT ports (4 = IPIP, 41 = IPv6, 47 = GRE); 0 for GUE,
 *                      whose header names it
 * @param bound         whether it is tied to a local or peer address, a peer port or an interface: such a port takes
 *                      only part of the datagrams to its port number, and this library only lists it
 */
public record FouPort(int port, boolean ipv6, FouEncapsulation encapsulation, int ipProtocol, boolean bound) {
    public FouPort {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("UDP port " + port + " is not in 1-65535");
        }
        if (ipProtocol < 0 || ipProtocol > 255) {
            throw new IllegalArgumentException("IP protocol " + ipProtocol + " is not in 0-255");
        }
    }

    /** A GUE port that takes every datagram to {@code port} of its family: what a GUE tunnel's real server needs. */
    public static FouPort gue(int port, boolean ipv6) {
        return new FouPort(port, ipv6, FouEncapsulation.GUE, 0, false);
    }

    /** Whether this port decapsulates what a GUE tunnel sends to {@code port} over this family, for any sender. */
    public boolean receivesGue() {
        return encapsulation == FouEncapsulation.GUE && !bound;
    }

    @Override
    public String toString() {
        return "FOU port " + port + " (" + (ipv6 ? "IPv6" : "IPv4") + ", "
                + switch (encapsulation) {
                    case GUE -> "gue";
                    case DIRECT -> "direct, IP protocol " + ipProtocol;
                    case OTHER -> "unknown type";
                } + (bound ? ", bound to an address, peer or interface" : "") + ")";
    }
}
