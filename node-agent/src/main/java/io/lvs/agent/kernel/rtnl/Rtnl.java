package io.lvs.agent.kernel.rtnl;

import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.netlink.Netlink;
import io.lvs.agent.kernel.netlink.NetlinkException;
import io.lvs.agent.kernel.netlink.NetlinkMessage;
import io.lvs.agent.kernel.netlink.NetlinkRequest;
import io.lvs.agent.kernel.netlink.NetlinkSocket;
import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Links and addresses of one network namespace over rtnetlink (NETLINK_ROUTE): list them, add or
 * remove addresses idempotently, and add, set up or down and delete links. Owns its socket; one caller at a time.
 *
 * <p>Adding an address that is already there and removing one that is not are successes reported
 * as {@link AddressChange.Unchanged}, so callers can count real changes. Batches of changes are
 * pipelined (many requests per datagram).
 */
public final class Rtnl implements AutoCloseable {
    private final NetlinkSocket socket;

    private Rtnl(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** Opens a handle on the links and addresses of {@code namespace}. */
    public static Rtnl open(NetworkNamespace namespace) {
        return new Rtnl(NetlinkSocket.open(Netlink.NETLINK_ROUTE, namespace));
    }

    public static Rtnl open(NetworkNamespace namespace, NetlinkSocket.Options options) {
        return new Rtnl(NetlinkSocket.open(Netlink.NETLINK_ROUTE, namespace, options));
    }

    public NetworkNamespace namespace() {
        return socket.namespace();
    }

    /** Requests sent to the kernel so far (dumps count once); lets tests prove what a call cost. */
    public long requestsSent() {
        return socket.requestsSent();
    }

    // ------------------------------------------------------------------ links

    /** Every link of the namespace, in the kernel's order. */
    public List<Link> links() {
        List<Link> out = new ArrayList<>();
        for (NetlinkMessage m : socket.dump(RtnlCodec.dumpLinks())) {
            if (m.type() == Rtnetlink.RTM_NEWLINK) {
                out.add(RtnlCodec.decodeLink(m));
            }
        }
        return out;
    }

    /** The link called {@code name}, if the namespace has one. */
    public Optional<Link> link(String name) {
        return getLink(RtnlCodec.getLink(name));
    }

    /** The link with interface index {@code index}, if the namespace has one. */
    public Optional<Link> link(int index) {
        return getLink(RtnlCodec.getLink(index));
    }

    /** The link called {@code name}; throws ENODEV naming the link and the namespace when there is none. */
    public Link requireLink(String name) {
        return link(name).orElseThrow(() -> new KernelException("link " + name + " does not exist in "
                + namespace() + ": " + Errno.describe(Errno.ENODEV.number()), Errno.ENODEV.number()));
    }

    /**
     * Adds a link of {@code kind} called {@code name} and sets it up or down, or, when one of that name exists, only
     * sets it up or down ({@code ip link add} without its exclusive flag). A kind whose module is not loaded makes the
     * kernel load it; a kind nothing provides fails with EOPNOTSUPP ("Unknown device type"). Returns the link as the
     * kernel has it afterwards.
     *
     * <p>Loading a tunnel module creates its fallback device (ipip's {@code tunl0}, ...) in every network namespace
     * unless {@code net.core.fb_tunnels_only_for_init_net} says otherwise, so adding {@code tunl0} of kind ipip finds
     * that device, or creates an ordinary one of that name where the kernel made none.
     */
    public Link addLink(String name, String kind, boolean up) {
        socket.execute(RtnlCodec.addLink(name, kind, up));
        return requireLink(name);
    }

    /** Sets IFF_UP on {@code link} or clears it ({@code ip link set NAME up|down}). */
    public void setLinkUp(Link link, boolean up) {
        socket.execute(RtnlCodec.setLinkUp(link, up));
    }

    /**
     * Deletes {@code link}; false when it was gone already. The kernel acknowledges the deletion of a tunnel module's
     * fallback device and keeps the device (it lives as long as the module): look again to know.
     */
    public boolean deleteLink(Link link) {
        try {
            socket.execute(RtnlCodec.deleteLink(link));
            return true;
        } catch (NetlinkException e) {
            if (e.is(Errno.ENODEV)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * What an ipip, sit or ip6tnl link carries inside. Empty for other links and when there is no such link.
     */
    public Optional<TunnelPayload> tunnelProtocol(String name) {
        try {
            for (NetlinkMessage m : socket.transact(RtnlCodec.getLink(name))) {
                if (m.type() == Rtnetlink.RTM_NEWLINK) {
                    return RtnlCodec.decodeTunnelProtocol(m).map(TunnelPayload::of);
                }
            }
            return Optional.empty();
        } catch (NetlinkException e) {
            if (e.is(Errno.ENODEV)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private Optional<Link> getLink(NetlinkRequest request) {
        try {
            for (NetlinkMessage m : socket.transact(request)) {
                if (m.type() == Rtnetlink.RTM_NEWLINK) {
                    return Optional.of(RtnlCodec.decodeLink(m));
                }
            }
            return Optional.empty();
        } catch (NetlinkException e) {
            if (e.is(Errno.ENODEV)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------ addresses

    /** Every IPv4 and IPv6 address of the namespace. */
    public List<InterfaceAddress> addresses() {
        List<InterfaceAddress> out = new ArrayList<>();
        for (NetlinkMessage m : socket.dump(RtnlCodec.dumpAddresses())) {
            if (m.type() == Rtnetlink.RTM_NEWADDR) {
                RtnlCodec.decodeAddress(m).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The addresses of one link. */
    public List<InterfaceAddress> addresses(Link link) {
        // A dump filtered in the kernel needs NETLINK_GET_STRICT_CHK; filtering here works everywhere.
        return addresses().stream().filter(a -> a.linkIndex() == link.index()).toList();
    }

    /** Adds {@code address/prefixLength} to {@code link}; throws when the kernel refuses. */
    public AddressChange addAddress(Link link, InetAddress address, int prefixLength) {
        return single(new AddressOp.Add(link, address, prefixLength));
    }

    /** Adds a VIP: a host address (/32, /128) on {@code link}. */
    public AddressChange addAddress(Link link, InetAddress address) {
        return single(AddressOp.Add.host(link, address));
    }

    /** Removes {@code address/prefixLength} from {@code link}; throws when the kernel refuses. */
    public AddressChange removeAddress(Link link, InetAddress address, int prefixLength) {
        return single(new AddressOp.Remove(link, address, prefixLength));
    }

    /** Removes a host address (/32, /128) from {@code link}. */
    public AddressChange removeAddress(Link link, InetAddress address) {
        return single(AddressOp.Remove.host(link, address));
    }

    private AddressChange single(AddressOp op) {
        AddressChange c = apply(List.of(op)).get(0);
        if (c instanceof AddressChange.Failed f) {
            throw f.error();
        }
        return c;
    }

    /**
     * Applies address changes in order, pipelined, and returns one outcome per op. Kernel refusals
     * come back as {@link AddressChange.Failed} and do not stop the others.
     *
     * <p>An add the kernel answers with EEXIST is confirmed against one address dump: unchanged
     * when the address is there with the same prefix length, failed when it is there with another
     * (IPv6 allows an address once per link whatever its prefix; remove it first).
     */
    public List<AddressChange> apply(List<AddressOp> ops) {
        List<NetlinkRequest> requests = ops.stream().map(RtnlCodec::request).toList();
        List<NetlinkException> failures = socket.executeAll(requests).failures();
        List<AddressChange> out = new ArrayList<>(ops.size());
        List<Integer> toConfirm = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            AddressOp op = ops.get(i);
            NetlinkException e = failures.get(i);
            if (e == null) {
                out.add(new AddressChange.Applied(op));
            } else if (op instanceof AddressOp.Remove && e.is(Errno.EADDRNOTAVAIL)) {
                out.add(new AddressChange.Unchanged(op));
            } else if (op instanceof AddressOp.Add && e.is(Errno.EEXIST)) {
                out.add(new AddressChange.Failed(op, e)); // replaced below once confirmed
                toConfirm.add(i);
            } else {
                out.add(new AddressChange.Failed(op, e));
            }
        }
        if (!toConfirm.isEmpty()) {
            // IPv4 may hold one address under several prefix lengths: index exact matches apart
            Set<PrefixedAddress> exact = new HashSet<>();
            Map<LinkAddress, InterfaceAddress> present = new HashMap<>();
            for (InterfaceAddress a : addresses()) {
                present.put(new LinkAddress(a.linkIndex(), a.address()), a);
                exact.add(new PrefixedAddress(a.linkIndex(), a.address(), a.prefixLength()));
            }
            for (int i : toConfirm) {
                AddressOp op = ops.get(i);
                boolean same = exact.contains(new PrefixedAddress(op.link().index(), op.address(), op.prefixLength()));
                out.set(i, same ? new AddressChange.Unchanged(op) : confirmExisting(op, present, failures.get(i)));
            }
        }
        return out;
    }

    /** An address on one link: the kernel's identity of an IPv6 address. */
    private record LinkAddress(int linkIndex, InetAddress address) {
    }

    /** An address with its prefix length on one link: the kernel's identity of an IPv4 address. */
    private record PrefixedAddress(int linkIndex, InetAddress address, int prefixLength) {
    }

    private static AddressChange confirmExisting(AddressOp op, Map<LinkAddress, InterfaceAddress> present,
                                                 NetlinkException eexist) {
        InterfaceAddress a = present.get(new LinkAddress(op.link().index(), op.address()));
        if (a == null) {
            // Another address on the link collides (or it vanished since): keep the kernel's answer.
            return new AddressChange.Failed(op, eexist);
        }
        return new AddressChange.Failed(op, new KernelException(eexist.request() + ": "
                + Errno.describe(Errno.EEXIST.number()) + " - the address is already on " + op.link()
                + " with prefix length " + a.prefixLength() + "; remove it first", Errno.EEXIST.number(), eexist));
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "rtnetlink handle on " + namespace();
    }
}
