package io.lvs.agent.kernel.netlink;

import java.util.List;

/**
 * Generic netlink ({@code <linux/genetlink.h>}): the {@code genlmsghdr} that starts every payload, and
 * resolving a family name (such as "IPVS") to the message type the kernel assigned it.
 */
public final class GenericNetlink {
    /** sizeof(struct genlmsghdr). */
    public static final int GENL_HDRLEN = 4;
    public static final int GENL_ID_CTRL = 0x10;
    public static final int CTRL_CMD_GETFAMILY = 3;
    public static final int CTRL_ATTR_FAMILY_ID = 1;
    public static final int CTRL_ATTR_FAMILY_NAME = 2;
    public static final int CTRL_ATTR_VERSION = 3;
    public static final int CTRL_ATTR_HDRSIZE = 4;
    public static final int CTRL_ATTR_MAXATTR = 5;

    /** A resolved family: its message type id, version and the highest attribute it accepts. */
    public record Family(String name, int id, int version, int maxAttr) {
    }

    private GenericNetlink() {
    }

    /**
     * Opens a generic netlink socket in {@code namespace}, resolves {@code family} on it and hands both to {@code make}
     * (a façade such as {@code Ipvs}); the socket is closed when anything fails. A family the kernel does not have
     * (ENOENT: its module is not loaded) becomes {@code missing}'s exception.
     */
    public static <T> T open(io.lvs.agent.kernel.sys.NetworkNamespace namespace, NetlinkSocket.Options options,
                             String family, java.util.function.BiFunction<NetlinkSocket, Family, T> make,
                             java.util.function.Function<NetlinkException, ? extends RuntimeException> missing) {
        NetlinkSocket s = NetlinkSocket.open(Netlink.NETLINK_GENERIC, namespace, options);
        try {
            return make.apply(s, resolve(s, family));
        } catch (NetlinkException e) {
            s.close();
            if (e.is(io.lvs.agent.kernel.sys.Errno.ENOENT)) {
                throw missing.apply(e);
            }
            throw e;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A payload writer that already holds the {@code genlmsghdr} for {@code cmd}. */
    public static MessageWriter message(int cmd, int version) {
        return new MessageWriter(128).u8(cmd).u8(version).u16(0);
    }

    /**
     * Looks up a family by name. Throws {@link NetlinkException} with ENOENT when the kernel has no such
     * family (for IPVS: the ip_vs module is not loaded and cannot be auto-loaded).
     */
    public static Family resolve(NetlinkSocket socket, String name) {
        byte[] payload = message(CTRL_CMD_GETFAMILY, 1).attrString(CTRL_ATTR_FAMILY_NAME, name).toBytes();
        List<NetlinkMessage> replies = socket.transact(
                new NetlinkRequest(GENL_ID_CTRL, 0, payload, "CTRL_CMD_GETFAMILY " + name));
        if (replies.isEmpty()) {
            throw new NetlinkProtocolException("CTRL_CMD_GETFAMILY " + name + ": acknowledged without a reply");
        }
        Attributes a = attributes(replies.get(0), "generic netlink family " + name);
        return new Family(a.string(CTRL_ATTR_FAMILY_NAME, "CTRL_ATTR_FAMILY_NAME"),
                a.u16(CTRL_ATTR_FAMILY_ID, "CTRL_ATTR_FAMILY_ID"),
                a.optU32(CTRL_ATTR_VERSION, "CTRL_ATTR_VERSION").orElse(0),
                a.optU32(CTRL_ATTR_MAXATTR, "CTRL_ATTR_MAXATTR").orElse(0));
    }

    /** The command byte of a generic netlink message. */
    public static int command(NetlinkMessage m) {
        if (m.payload().remaining() < GENL_HDRLEN) {
            throw new NetlinkProtocolException("generic netlink message of type " + m.type() + ": payload of "
                    + m.payload().remaining() + " bytes has no genlmsghdr");
        }
        return Byte.toUnsignedInt(m.payload().get(0));
    }

    /** The attributes after the {@code genlmsghdr} of a generic netlink message. */
    public static Attributes attributes(NetlinkMessage m, String context) {
        if (m.payload().remaining() < GENL_HDRLEN) {
            throw new NetlinkProtocolException(context + ": payload of " + m.payload().remaining()
                    + " bytes has no genlmsghdr");
        }
        return Attributes.parse(m.body().position(GENL_HDRLEN), context);
    }
}
