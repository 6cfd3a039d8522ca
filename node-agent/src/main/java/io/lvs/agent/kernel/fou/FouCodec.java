package io.lvs.agent.kernel.fou;

import io.lvs.agent.kernel.netlink.Attributes;
import io.lvs.agent.kernel.netlink.GenericNetlink;
import io.lvs.agent.kernel.netlink.MessageWriter;
import io.lvs.agent.kernel.netlink.NetlinkMessage;
import io.lvs.agent.kernel.netlink.NetlinkProtocolException;
import io.lvs.agent.kernel.netlink.NetlinkRequest;
import io.lvs.agent.kernel.sys.Libc;

/** The FOU family's wire format: requests for one resolved family id, and FOU_CMD_GET replies decoded to values. */
final class FouCodec {
    private final int familyId;

    FouCodec(int familyId) {
        this.familyId = familyId;
    }

    /** FOU_CMD_GET dump: every port of the namespace. */
    NetlinkRequest dumpPorts() {
        return new NetlinkRequest(familyId, 0, GenericNetlink.message(FouConstants.FOU_CMD_GET,
                FouConstants.FOU_GENL_VERSION).toBytes(), "FOU_CMD_GET (dump)");
    }

    /** FOU_CMD_ADD of a port that takes every datagram to its number (no local, peer or interface). */
    NetlinkRequest add(FouPort p) {
        return new NetlinkRequest(familyId, 0, config(FouConstants.FOU_CMD_ADD, p), "FOU_CMD_ADD " + p);
    }

    /** FOU_CMD_DEL: the kernel removes the port whose family, number, addresses, peer port and interface match. */
    NetlinkRequest remove(FouPort p) {
        return new NetlinkRequest(familyId, 0, config(FouConstants.FOU_CMD_DEL, p), "FOU_CMD_DEL " + p);
    }

    private static byte[] config(int cmd, FouPort p) {
        if (p.bound()) {
            throw new IllegalArgumentException(p + ": ports bound to an address, peer or interface are not supported");
        }
        if (p.encapsulation() == FouEncapsulation.OTHER) {
            throw new IllegalArgumentException(p + ": unknown encapsulation type");
        }
        MessageWriter w = GenericNetlink.message(cmd, FouConstants.FOU_GENL_VERSION)
                .attrBe16(FouConstants.FOU_ATTR_PORT, p.port())
                .attrU8(FouConstants.FOU_ATTR_AF, p.ipv6() ? Libc.AF_INET6 : Libc.AF_INET)
                .attrU8(FouConstants.FOU_ATTR_TYPE, p.encapsulation().kernelValue());
        if (p.encapsulation() == FouEncapsulation.DIRECT) {
            w.attrU8(FouConstants.FOU_ATTR_IPPROTO, p.ipProtocol());
        }
        return w.toBytes();
    }

    /** Decodes one FOU_CMD_GET reply. */
    static FouPort decodePort(NetlinkMessage m) {
        Attributes a = GenericNetlink.attributes(m, "FOU_CMD_GET reply");
        int af = a.u8(FouConstants.FOU_ATTR_AF, "FOU_ATTR_AF");
        if (af != Libc.AF_INET && af != Libc.AF_INET6) {
            throw new NetlinkProtocolException("FOU_CMD_GET reply: address family " + af + " is neither AF_INET nor AF_INET6");
        }
        int port = a.be16(FouConstants.FOU_ATTR_PORT, "FOU_ATTR_PORT");
        if (port == 0) {
            throw new NetlinkProtocolException("FOU_CMD_GET reply: port 0");
        }
        FouEncapsulation type = FouEncapsulation.of(a.optU8(FouConstants.FOU_ATTR_TYPE, "FOU_ATTR_TYPE").orElse(0));
        int protocol = a.optU8(FouConstants.FOU_ATTR_IPPROTO, "FOU_ATTR_IPPROTO").orElse(0);
        boolean bound = nonZero(a, FouConstants.FOU_ATTR_LOCAL_V4) || nonZero(a, FouConstants.FOU_ATTR_LOCAL_V6)
                || nonZero(a, FouConstants.FOU_ATTR_PEER_V4) || nonZero(a, FouConstants.FOU_ATTR_PEER_V6)
                || nonZero(a, FouConstants.FOU_ATTR_PEER_PORT) || nonZero(a, FouConstants.FOU_ATTR_IFINDEX);
        return new FouPort(port, af == Libc.AF_INET6, type, type == FouEncapsulation.GUE ? 0 : protocol, bound);
    }

    /** Whether an attribute is present with a value other than all zeros (the kernel reports unset fields as 0). */
    private static boolean nonZero(Attributes a, int type) {
        if (!a.has(type)) {
            return false;
        }
        for (byte b : a.bytes(type, "FOU attribute " + type)) {
            if (b != 0) {
                return true;
            }
        }
        return false;
    }
}
