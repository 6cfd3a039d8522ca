package io.lvs.agent.election;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What one VRRP instance is, and so which received adverts are its own: the VRID, the set of its directors'
 * primary addresses (this node's included) and its list of VIPs.
 *
 * <p>RFC 5798 makes the VRID unique per link, which caps a link at 255 virtual routers. Here an advert belongs to an
 * instance only when all three match: its VRID, its sender among the instance's directors, and its addresses the
 * instance's VIPs (as a set). Two VIP groups may therefore share a VRID on one link if their directors or their VIPs
 * differ, and a link can carry more than 255 VIPs. A plain RFC 5798 router (a compatibility peer) does not look at
 * the sender or the addresses: a VRID it uses must not be reused on its link by another group.
 *
 * @param vrid  1..255
 * @param peers the primary addresses of every director of the group, this node's included
 * @param vips  the group's VIPs, in advert order, of one family
 */
public record InstanceId(int vrid, Set<InetAddress> peers, List<InetAddress> vips) {
    public InstanceId {
        if (vrid < 1 || vrid > 255) {
            throw new IllegalArgumentException("VRID must be 1..255: " + vrid);
        }
        peers = Set.copyOf(peers);
        vips = List.copyOf(vips);
        if (vips.isEmpty() || vips.size() > 255) {
            throw new IllegalArgumentException("an instance has 1..255 VIPs: " + vips.size());
        }
    }

    /** Whether an advert for {@code advertVrid} with {@code addresses}, sent by {@code sender}, is this instance's. */
    public boolean matches(int advertVrid, Collection<InetAddress> addresses, InetAddress sender) {
        return advertVrid == vrid && peers.contains(sender) && Set.copyOf(addresses).equals(Set.copyOf(vips));
    }

    /** Orders addresses as unsigned big-endian numbers (the RFC's "higher IPvX address"); shorter ones first. */
    static int compareAddresses(InetAddress a, InetAddress b) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        return x.length != y.length ? Integer.compare(x.length, y.length) : Arrays.compareUnsigned(x, y);
    }
}
