package io.lvs.agent.kernel.netlink;

import java.nio.ByteBuffer;

/**
 * A decoded NLMSG_ERROR payload: {@code struct nlmsgerr} (error, the original request header) and
 * the extended-ack attributes the kernel appends when {@code NETLINK_EXT_ACK} is on.
 *
 * @param error      0 for an acknowledgement, otherwise a negative errno
 * @param requestSeq the sequence number of the request this answers
 * @param message    the kernel's {@code NLMSGERR_ATTR_MSG} text, or ""
 * @param missingAttribute the attribute type the kernel reported missing, or -1
 */
public record NetlinkError(int error, int requestSeq, String message, int missingAttribute) {

    /** Decodes an NLMSG_ERROR message's payload. */
    public static NetlinkError parse(NetlinkMessage m) {
        ByteBuffer p = m.body();
        if (p.remaining() < 4 + Netlink.NLMSG_HDRLEN) {
            throw new NetlinkProtocolException("NLMSG_ERROR: payload of " + p.remaining()
                    + " bytes is shorter than struct nlmsgerr (20)");
        }
        int error = p.getInt(0);
        if (error > 0) {
            throw new NetlinkProtocolException("NLMSG_ERROR: positive error code " + error);
        }
        int origLen = p.getInt(4);
        int seq = p.getInt(4 + 8);
        String msg = "";
        int missing = -1;
        if ((m.flags() & Netlink.NLM_F_ACK_TLVS) != 0) {
            // Without NLM_F_CAPPED the original request follows the header in full.
            int skip = 4 + ((m.flags() & Netlink.NLM_F_CAPPED) != 0 ? Netlink.NLMSG_HDRLEN : origLen);
            if (skip < 4 + Netlink.NLMSG_HDRLEN || skip > p.remaining()) {
                throw new NetlinkProtocolException("NLMSG_ERROR: original request length " + Integer.toUnsignedLong(origLen)
                        + " does not fit in the " + p.remaining() + "-byte error payload");
            }
            int start = Math.min(Netlink.align(skip), p.remaining());
            Attributes tlv = Attributes.parse(p.slice(start, p.remaining() - start), "NLMSG_ERROR extended ack");
            msg = tlv.optString(Netlink.NLMSGERR_ATTR_MSG, "NLMSGERR_ATTR_MSG").orElse("");
            missing = tlv.optU32(Netlink.NLMSGERR_ATTR_MISS_TYPE, "NLMSGERR_ATTR_MISS_TYPE").orElse(-1);
        }
        return new NetlinkError(error, seq, msg, missing);
    }

    public boolean isAck() {
        return error == 0;
    }
}
