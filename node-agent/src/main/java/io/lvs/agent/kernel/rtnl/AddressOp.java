package io.lvs.agent.kernel.rtnl;

import io.lvs.agent.kernel.InetText;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/** One change to the addresses of an interface: add or remove one address with its prefix length. */
public sealed interface AddressOp {
    /** The interface concerned. */
    Link link();

    InetAddress address();

    int prefixLength();

    /** Adds {@code address/prefixLength} to {@code link}; present already = unchanged. */
    record Add(Link link, InetAddress address, int prefixLength) implements AddressOp {
        public Add {
            validate(link, address, prefixLength);
        }

        /** A VIP: a host address (/32 for IPv4, /128 for IPv6). */
        public static Add host(Link link, InetAddress address) {
            return new Add(link, address, hostPrefix(address));
        }

        @Override
        public String toString() {
            return "add " + describe(this);
        }
    }

    /** Removes {@code address/prefixLength} from {@code link}; absent already = unchanged. */
    record Remove(Link link, InetAddress address, int prefixLength) implements AddressOp {
        public Remove {
            validate(link, address, prefixLength);
        }

        public static Remove host(Link link, InetAddress address) {
            return new Remove(link, address, hostPrefix(address));
        }

        @Override
        public String toString() {
            return "remove " + describe(this);
        }
    }

    /** 32 for IPv4, 128 for IPv6. */
    static int hostPrefix(InetAddress address) {
        return address instanceof Inet4Address ? 32 : 128;
    }

    /** "203.0.113.10/32 on lo (index 1)". */
    static String describe(AddressOp op) {
        return InetText.of(op.address()) + "/" + op.prefixLength() + " on " + op.link();
    }

    private static void validate(Link link, InetAddress address, int prefixLength) {
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(address, "address");
        if (prefixLength < 0 || prefixLength > hostPrefix(address)) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is invalid for "
                    + InetText.of(address));
        }
    }
}
