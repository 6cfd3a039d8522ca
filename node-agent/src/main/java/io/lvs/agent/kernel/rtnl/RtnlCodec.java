package io.lvs.agent.kernel.rtnl;

import static io.lvs.agent.kernel.rtnl.Rtnetlink.IFADDRMSG_BYTES;
import static io.lvs.agent.kernel.rtnl.Rtnetlink.IFINFOMSG_BYTES;

import io.lvs.agent.kernel.netlink.Attributes;
import io.lvs.agent.kernel.netlink.MessageWriter;
import io.lvs.agent.kernel.netlink.Netlink;
import io.lvs.agent.kernel.netlink.NetlinkMessage;
import io.lvs.agent.kernel.netlink.NetlinkProtocolException;
import io.lvs.agent.kernel.netlink.NetlinkRequest;
import io.lvs.agent.kernel.sys.Libc;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The rtnetlink wire format for links and addresses: requests as {@link NetlinkRequest}s whose
 * description names the object, and RTM_NEWLINK / RTM_NEWADDR replies decoded to values.
 */
public final class RtnlCodec {
    private RtnlCodec() {
    }

    // ------------------------------------------------------------------ requests

    /** RTM_GETLINK dump of every link, statistics left out. */
    public static NetlinkRequest dumpLinks() {
        MessageWriter w = ifinfomsg(0).attrU32(Rtnetlink.IFLA_EXT_MASK, Rtnetlink.RTEXT_FILTER_SKIP_STATS);
        return new NetlinkRequest(Rtnetlink.RTM_GETLINK, 0, w.toBytes(), "RTM_GETLINK (dump)");
    }

    /** RTM_GETLINK of one link by name; the kernel answers ENODEV when there is none. */
    public static NetlinkRequest getLink(String name) {
        checkName(name);
        MessageWriter w = ifinfomsg(0)
                .attrU32(Rtnetlink.IFLA_EXT_MASK, Rtnetlink.RTEXT_FILTER_SKIP_STATS)
                .attrString(Rtnetlink.IFLA_IFNAME, name);
        return new NetlinkRequest(Rtnetlink.RTM_GETLINK, 0, w.toBytes(), "RTM_GETLINK " + name);
    }

    /** RTM_GETLINK of one link by index; ENODEV when there is none. */
    public static NetlinkRequest getLink(int index) {
        MessageWriter w = ifinfomsg(index).attrU32(Rtnetlink.IFLA_EXT_MASK, Rtnetlink.RTEXT_FILTER_SKIP_STATS);
        return new NetlinkRequest(Rtnetlink.RTM_GETLINK, 0, w.toBytes(), "RTM_GETLINK index " + index);
    }

    /**
     * RTM_NEWLINK with NLM_F_CREATE and without NLM_F_EXCL: adds a link of {@code kind} called {@code name}, up or
     * down; a link of that name that exists already only gets the flag. When no loaded module provides {@code kind}
     * the kernel asks for module {@code rtnl-link-KIND} and replays the request, so a kind whose module creates a
     * fallback device of this very name (ipip's tunl0) ends in that device, found and flagged, not in a second one.
     */
    public static NetlinkRequest addLink(String name, String kind, boolean up) {
        checkName(name);
        MessageWriter w = ifinfomsg(0, up ? Rtnetlink.IFF_UP : 0, Rtnetlink.IFF_UP).attrString(Rtnetlink.IFLA_IFNAME, name);
        int info = w.beginNested(Rtnetlink.IFLA_LINKINFO);
        w.attrString(Rtnetlink.IFLA_INFO_KIND, kind);
        w.endNested(info);
        return new NetlinkRequest(Rtnetlink.RTM_NEWLINK, Netlink.NLM_F_CREATE, w.toBytes(),
                "RTM_NEWLINK " + name + " (" + kind + ", " + (up ? "up" : "down") + ")");
    }

    /** RTM_NEWLINK on an existing link that sets or clears IFF_UP and nothing else ({@code ip link set NAME up}). */
    public static NetlinkRequest setLinkUp(Link link, boolean up) {
        MessageWriter w = ifinfomsg(link.index(), up ? Rtnetlink.IFF_UP : 0, Rtnetlink.IFF_UP);
        return new NetlinkRequest(Rtnetlink.RTM_NEWLINK, 0, w.toBytes(), "RTM_NEWLINK " + link + " " + (up ? "up" : "down"));
    }

    /** RTM_DELLINK of one link by index. */
    public static NetlinkRequest deleteLink(Link link) {
        return new NetlinkRequest(Rtnetlink.RTM_DELLINK, 0, ifinfomsg(link.index()).toBytes(), "RTM_DELLINK " + link);
    }

    /** RTM_GETADDR dump of every IPv4 and IPv6 address. */
    public static NetlinkRequest dumpAddresses() {
        MessageWriter w = ifaddrmsg(Libc.AF_UNSPEC, 0, 0, 0, 0);
        return new NetlinkRequest(Rtnetlink.RTM_GETADDR, 0, w.toBytes(), "RTM_GETADDR (dump)");
    }

    /**
     * RTM_NEWADDR (create, exclusive: an existing address is EEXIST) or RTM_DELADDR for one address.
     * Like {@code ip addr add}, IPv4 carries both IFA_LOCAL and IFA_ADDRESS (equal: no peer), and the
     * scope is host for loopback addresses and global otherwise. IPv6 addresses are added with
     * IFA_F_NODAD so that they are usable at once rather than tentative for the DAD period.
     */
    public static NetlinkRequest request(AddressOp op) {
        InetAddress a = op.address();
        int family = a instanceof Inet4Address ? Libc.AF_INET : Libc.AF_INET6;
        int scope = a.isLoopbackAddress() ? Rtnetlink.RT_SCOPE_HOST : Rtnetlink.RT_SCOPE_UNIVERSE;
        byte[] raw = a.getAddress();
        return switch (op) {
            case AddressOp.Add add -> {
                int flags = a instanceof Inet6Address ? AddressFlag.IFA_F_NODAD.bit() : 0;
                MessageWriter w = ifaddrmsg(family, add.prefixLength(), flags, scope, add.link().index())
                        .attrBytes(Rtnetlink.IFA_LOCAL, raw)
                        .attrBytes(Rtnetlink.IFA_ADDRESS, raw);
                yield new NetlinkRequest(Rtnetlink.RTM_NEWADDR, Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, w.toBytes(),
                        "RTM_NEWADDR " + AddressOp.describe(op));
            }
            case AddressOp.Remove remove -> {
                MessageWriter w = ifaddrmsg(family, remove.prefixLength(), 0, scope, remove.link().index())
                        .attrBytes(Rtnetlink.IFA_LOCAL, raw)
                        .attrBytes(Rtnetlink.IFA_ADDRESS, raw);
                yield new NetlinkRequest(Rtnetlink.RTM_DELADDR, 0, w.toBytes(), "RTM_DELADDR " + AddressOp.describe(op));
            }
        };
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.length() > Rtnetlink.IFNAME_MAX || name.contains("/")) {
            throw new IllegalArgumentException("invalid interface name '" + name + "'");
        }
    }

    /** struct ifinfomsg: family AF_UNSPEC, type 0, the index (0 = any), flags and change mask 0. */
    private static MessageWriter ifinfomsg(int index) {
        return ifinfomsg(index, 0, 0);
    }

    /** struct ifinfomsg with IFF_* flags and the mask of the flags to change ({@code ifi_change}). */
    private static MessageWriter ifinfomsg(int index, int flags, int change) {
        return new MessageWriter(64).u8(Libc.AF_UNSPEC).u8(0).u16(0).u32(index).u32(flags).u32(change);
    }

    /** struct ifaddrmsg. */
    private static MessageWriter ifaddrmsg(int family, int prefixLength, int flags, int scope, int index) {
        return new MessageWriter(48).u8(family).u8(prefixLength).u8(flags).u8(scope).u32(index);
    }

    // ------------------------------------------------------------------ replies

    /** Decodes an RTM_NEWLINK message. */
    public static Link decodeLink(NetlinkMessage m) {
        ByteBuffer p = body(m, Rtnetlink.RTM_NEWLINK, "RTM_NEWLINK", IFINFOMSG_BYTES, "struct ifinfomsg");
        int type = Short.toUnsignedInt(p.getShort(2));
        int index = p.getInt(4);
        int flags = p.getInt(8);
        Attributes a = Attributes.parse(p.position(IFINFOMSG_BYTES), "RTM_NEWLINK index " + index);
        String name = a.string(Rtnetlink.IFLA_IFNAME, "IFLA_IFNAME");
        int mtu = a.optU32(Rtnetlink.IFLA_MTU, "IFLA_MTU").orElse(0);
        Optional<HardwareAddress> hw = a.has(Rtnetlink.IFLA_ADDRESS)
                ? Optional.of(new HardwareAddress(a.bytes(Rtnetlink.IFLA_ADDRESS, "IFLA_ADDRESS")))
                : Optional.empty();
        Optional<String> kind = a.optNested(Rtnetlink.IFLA_LINKINFO, "IFLA_LINKINFO")
                .flatMap(info -> info.optString(Rtnetlink.IFLA_INFO_KIND, "IFLA_INFO_KIND"));
        return new Link(index, name, flags, type, mtu, hw, kind);
    }

    /**
     * The protocol an ipip, sit or ip6tnl link carries inside ({@code IFLA_IPTUN_PROTO} in its link info data:
     * IPPROTO_IPIP, IPPROTO_IPV6, or 0 for any), from an RTM_NEWLINK message; empty for other links.
     */
    public static Optional<Integer> decodeTunnelProtocol(NetlinkMessage m) {
        ByteBuffer p = body(m, Rtnetlink.RTM_NEWLINK, "RTM_NEWLINK", IFINFOMSG_BYTES, "struct ifinfomsg");
        int index = p.getInt(4);
        Attributes a = Attributes.parse(p.position(IFINFOMSG_BYTES), "RTM_NEWLINK index " + index);
        return a.optNested(Rtnetlink.IFLA_LINKINFO, "IFLA_LINKINFO")
                .flatMap(info -> info.optNested(Rtnetlink.IFLA_INFO_DATA, "IFLA_INFO_DATA"))
                .flatMap(data -> data.optU8(Rtnetlink.IFLA_IPTUN_PROTO, "IFLA_IPTUN_PROTO"));
    }

    /**
     * Decodes an RTM_NEWADDR message (or the RTM_DELADDR notification of the same layout); empty for families other
     * than IPv4 and IPv6.
     */
    public static Optional<InterfaceAddress> decodeAddress(NetlinkMessage m) {
        ByteBuffer p = m.type() == Rtnetlink.RTM_DELADDR
                ? body(m, Rtnetlink.RTM_DELADDR, "RTM_DELADDR", IFADDRMSG_BYTES, "struct ifaddrmsg")
                : body(m, Rtnetlink.RTM_NEWADDR, "RTM_NEWADDR", IFADDRMSG_BYTES, "struct ifaddrmsg");
        int family = Byte.toUnsignedInt(p.get(0));
        int prefixLength = Byte.toUnsignedInt(p.get(1));
        int flags = Byte.toUnsignedInt(p.get(2));
        int scope = Byte.toUnsignedInt(p.get(3));
        int index = p.getInt(4);
        int bytes = switch (family) {
            case Libc.AF_INET -> 4;
            case Libc.AF_INET6 -> 16;
            default -> 0;
        };
        if (bytes == 0) {
            return Optional.empty();
        }
        if (prefixLength > bytes * 8) {
            throw new NetlinkProtocolException("RTM_NEWADDR on link " + index + ": prefix length " + prefixLength
                    + " exceeds " + bytes * 8);
        }
        Attributes a = Attributes.parse(p.position(IFADDRMSG_BYTES), "RTM_NEWADDR on link " + index);
        // IPv4 point-to-point: IFA_LOCAL is ours and IFA_ADDRESS the peer; otherwise they are equal,
        // and IPv6 usually sends IFA_ADDRESS alone.
        int attr = a.has(Rtnetlink.IFA_LOCAL) ? Rtnetlink.IFA_LOCAL : Rtnetlink.IFA_ADDRESS;
        InetAddress address = a.address(attr, attr == Rtnetlink.IFA_LOCAL ? "IFA_LOCAL" : "IFA_ADDRESS", bytes);
        int allFlags = a.optU32(Rtnetlink.IFA_FLAGS, "IFA_FLAGS").orElse(flags);
        return Optional.of(new InterfaceAddress(index, address, prefixLength, scope, AddressFlag.of(allFlags),
                a.optString(Rtnetlink.IFA_LABEL, "IFA_LABEL")));
    }

    /** The payload of a message of the expected type that starts with a whole family header. */
    private static ByteBuffer body(NetlinkMessage m, int type, String name, int headerBytes, String header) {
        if (m.type() != type) {
            throw new NetlinkProtocolException("expected " + name + " (" + type + "), got message type " + m.type());
        }
        ByteBuffer p = m.body();
        if (p.remaining() < headerBytes) {
            throw new NetlinkProtocolException(name + ": payload of " + p.remaining() + " bytes is shorter than "
                    + header + " (" + headerBytes + ")");
        }
        return p;
    }
}
