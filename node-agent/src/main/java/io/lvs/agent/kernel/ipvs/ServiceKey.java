package io.lvs.agent.kernel.ipvs;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * What identifies an IPVS virtual service in the kernel: protocol, address and port, or a firewall mark
 * and an address family. Its {@link #toString()} is a stable text form ({@code TCP 192.0.2.10:80},
 * {@code UDP [2001:db8::1]:53}, {@code FWM 7 IPv4}) that {@link #parse(String)} reads back.
 */
public sealed interface ServiceKey extends Comparable<ServiceKey> {

    /** The address family the kernel files the service under. */
    AddressFamily family();

    /**
     * A service matched by protocol, virtual address and port.
     *
     * @param protocol TCP, UDP or SCTP
     * @param address  the virtual IP
     * @param port     the virtual port, 0..65535 (0 matches every port, for persistent services)
     */
    record Inet(Protocol protocol, InetAddress address, int port) implements ServiceKey {
        public Inet {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(address, "address");
            if (port < 0 || port > 0xffff) {
                throw new IllegalArgumentException("port " + port + " is outside 0..65535");
            }
        }

        @Override
        public AddressFamily family() {
            return AddressFamily.of(address);
        }

        @Override
        public int hashCode() {
            return Hashing.mix(address.hashCode(), (port << 8) | protocol.number());
        }

        @Override
        public String toString() {
            return protocol + " " + Addresses.format(address, port);
        }
    }

    /**
     * A service matched by the firewall mark netfilter put on a packet.
     *
     * @param family the address family of the packets it takes
     * @param mark   the mark, a non-zero unsigned 32-bit value (0 means "no mark" to the kernel)
     */
    record FwMark(AddressFamily family, int mark) implements ServiceKey {
        public FwMark {
            Objects.requireNonNull(family, "family");
            if (mark == 0) {
                throw new IllegalArgumentException("firewall mark 0 means no mark; use 1..4294967295");
            }
        }

        @Override
        public int hashCode() {
            return Hashing.mix(mark, family.kernelValue());
        }

        @Override
        public String toString() {
            return "FWM " + Integer.toUnsignedString(mark) + " " + family.label();
        }
    }

    /** A TCP service. */
    static Inet tcp(String address, int port) {
        return new Inet(Protocol.TCP, Addresses.parse(address), port);
    }

    /** A UDP service. */
    static Inet udp(String address, int port) {
        return new Inet(Protocol.UDP, Addresses.parse(address), port);
    }

    /** Reads the text form of {@link #toString()}; IllegalArgumentException when it is not one. */
    static ServiceKey parse(String text) {
        String[] parts = text.trim().split(" ");
        try {
            if (parts.length == 3 && parts[0].equals("FWM")) {
                AddressFamily family = Arrays.stream(AddressFamily.values())
                        .filter(f -> f.label().equals(parts[2])).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("unknown family " + parts[2]));
                return new FwMark(family, Integer.parseUnsignedInt(parts[1]));
            }
            if (parts.length == 2) {
                InetSocketAddress a = Addresses.parseWithPort(parts[1]);
                return new Inet(Protocol.valueOf(parts[0]), a.getAddress(), a.getPort());
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a service key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("'" + text + "' is not a service key (expected 'TCP 192.0.2.10:80' or 'FWM 7 IPv4')");
    }

    /** Orders keys by family, then address-and-port keys before marks, then protocol, address and port. */
    Comparator<ServiceKey> ORDER = Comparator.comparing(ServiceKey::family)
            .thenComparing(k -> k instanceof FwMark)
            .thenComparing((a, b) -> {
                if (a instanceof Inet x && b instanceof Inet y) {
                    int c = x.protocol().compareTo(y.protocol());
                    if (c == 0) {
                        c = Arrays.compareUnsigned(x.address().getAddress(), y.address().getAddress());
                    }
                    return c != 0 ? c : Integer.compare(x.port(), y.port());
                }
                return Integer.compareUnsigned(((FwMark) a).mark(), ((FwMark) b).mark());
            });

    @Override
    default int compareTo(ServiceKey other) {
        return ORDER.compare(this, other);
    }
}
