package io.lvs.agent.kernel.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One received netlink message: the {@code nlmsghdr} fields and a read-only, native-order view of
 * the payload that follows the header.
 */
public record NetlinkMessage(int type, int flags, int seq, int portId, ByteBuffer payload) {

    /**
     * Splits a received datagram into messages, checking every length. Throws
     * {@link NetlinkProtocolException} for anything malformed.
     */
    public static List<NetlinkMessage> parseAll(ByteBuffer datagram) {
        ByteBuffer b = datagram.slice().order(ByteOrder.nativeOrder());
        List<NetlinkMessage> out = new ArrayList<>(4);
        int pos = 0;
        int end = b.limit();
        while (pos < end) {
            if (end - pos < Netlink.NLMSG_HDRLEN) {
                throw new NetlinkProtocolException("netlink datagram: " + (end - pos)
                        + " trailing bytes, too short for a message header");
            }
            int len = b.getInt(pos);
            if (len < Netlink.NLMSG_HDRLEN || len > end - pos) {
                throw new NetlinkProtocolException("netlink datagram: message length " + Integer.toUnsignedLong(len)
                        + " at offset " + pos + " is outside 16.." + (end - pos));
            }
            int type = Short.toUnsignedInt(b.getShort(pos + 4));
            int flags = Short.toUnsignedInt(b.getShort(pos + 6));
            int seq = b.getInt(pos + 8);
            int pid = b.getInt(pos + 12);
            ByteBuffer payload = b.slice(pos + Netlink.NLMSG_HDRLEN, len - Netlink.NLMSG_HDRLEN)
                    .asReadOnlyBuffer().order(ByteOrder.nativeOrder());
            out.add(new NetlinkMessage(type, flags, seq, pid, payload));
            int next = pos + Netlink.align(len);
            pos = Math.min(next, end);
        }
        return out;
    }

    /** True for NLMSG_ERROR (an error or, with error 0, an acknowledgement). */
    public boolean isError() {
        return type == Netlink.NLMSG_ERROR;
    }

    public boolean isDone() {
        return type == Netlink.NLMSG_DONE;
    }

    /** A fresh duplicate of the payload, positioned at 0. */
    public ByteBuffer body() {
        return payload.duplicate().order(ByteOrder.nativeOrder());
    }
}
