package io.lvs.agent.kernel.ipvs;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * What identifies a destination (real server) within its service: address and port. The text form is
 * {@code 192.0.2.21:80} or {@code [2001:db8::21]:80}.
 *
 * @param address the real server's address (its family may differ from the service's for tunnels)
 * @param port    the real server's port, 0..65535
 */
public record DestinationKey(InetAddress address, int port) implements Comparable<DestinationKey> {
    private static final Comparator<DestinationKey> ORDER = Comparator
            .comparing((DestinationKey k) -> AddressFamily.of(k.address))
            .thenComparing((a, b) -> Arrays.compareUnsigned(a.address.getAddress(), b.address.getAddress()))
            .thenComparingInt(DestinationKey::port);

    public DestinationKey {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
    }

    /** A key from an address literal. */
    public static DestinationKey of(String address, int port) {
        return new DestinationKey(Addresses.parse(address), port);
    }

    public AddressFamily family() {
        return AddressFamily.of(address);
    }

    /** Reads the text form; IllegalArgumentException when it is not one. */
    public static DestinationKey parse(String text) {
        InetSocketAddress a = Addresses.parseWithPort(text);
        return new DestinationKey(a.getAddress(), a.getPort());
    }

    @Override
    public int hashCode() {
        return Hashing.mix(address.hashCode(), port);
    }

    @Override
    public int compareTo(DestinationKey o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return Addresses.format(address, port);
    }
}
