package io.lvs.agent.model;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * This node's links and addresses as the kernel reported them: where a VIP goes on a director (the link whose address
 * shares the VIP's subnet) and which link carries a real server's address (where the ARP sysctls apply).
 *
 * @param links every link, loopback included
 */
public record NodeNetwork(List<LinkInfo> links) {
    public NodeNetwork {
        links = List.copyOf(links);
    }

    public static NodeNetwork empty() {
        return new NodeNetwork(List.of());
    }

    /** One address with its prefix length. */
    public record Prefix(InetAddress address, int length) {
        public Prefix {
            Objects.requireNonNull(address, "address");
        }

        /** Whether {@code other} is in this prefix's subnet. */
        public boolean contains(InetAddress other) {
            byte[] a = address.getAddress();
            byte[] b = other.getAddress();
            if (a.length != b.length) {
                return false;
            }
            int full = length / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != b[i]) {
                    return false;
                }
            }
            int rest = length % 8;
            int mask = rest == 0 ? 0 : (0xff << (8 - rest)) & 0xff;
            return rest == 0 || (a[full] & mask) == (b[full] & mask);
        }

        /** The subnet in CIDR text, e.g. 192.0.2.0/24. */
        public String network() {
            byte[] a = address.getAddress().clone();
            for (int bit = length; bit < a.length * 8; bit++) {
                a[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
            }
            try {
                return InetAddress.getByAddress(a).getHostAddress() + "/" + length;
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * A link.
     *
     * @param name      its name, e.g. eth0
     * @param up        administratively up
     * @param loopback  the loopback link
     * @param addresses its addresses
     */
    public record LinkInfo(String name, boolean up, boolean loopback, List<Prefix> addresses) {
        public LinkInfo {
            Objects.requireNonNull(name, "name");
            addresses = List.copyOf(addresses);
        }
    }

    /** The link called {@code name}. */
    public Optional<LinkInfo> link(String name) {
        return links.stream().filter(l -> l.name().equals(name)).findFirst();
    }

    /** The loopback link's name ("lo" on Linux). */
    public String loopbackName() {
        return links.stream().filter(LinkInfo::loopback).map(LinkInfo::name).findFirst().orElse("lo");
    }

    /**
     * The non-loopback link with an address whose subnet contains {@code vip} (not counting a host route for the VIP
     * itself, which this agent may have added), and that address; the first by link order when several match.
     */
    public Optional<LinkAddress> linkForSubnetOf(InetAddress vip) {
        for (LinkInfo l : links) {
            if (l.loopback()) {
                continue;
            }
            for (Prefix p : l.addresses()) {
                boolean hostRoute = p.length() == p.address().getAddress().length * 8;
                if (!hostRoute && p.contains(vip)) {
                    return Optional.of(new LinkAddress(l.name(), p));
                }
            }
        }
        return Optional.empty();
    }

    /** The link holding {@code address}, if this node has it. */
    public Optional<LinkAddress> linkHolding(InetAddress address) {
        for (LinkInfo l : links) {
            for (Prefix p : l.addresses()) {
                if (p.address().equals(address)) {
                    return Optional.of(new LinkAddress(l.name(), p));
                }
            }
        }
        return Optional.empty();
    }

    /** An address on a link. */
    public record LinkAddress(String link, Prefix prefix) {
    }
}
