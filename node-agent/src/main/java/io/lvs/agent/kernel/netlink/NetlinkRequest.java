package io.lvs.agent.kernel.netlink;

/**
 * One request to send: the message type and flags (NLM_F_REQUEST and NLM_F_ACK are added by the
 * socket), the payload after {@code nlmsghdr}, and a human description of what it does to which
 * object, used in every error about it.
 */
public record NetlinkRequest(int type, int flags, byte[] payload, String description) {
    public NetlinkRequest {
        if (type < Netlink.NLMSG_MIN_TYPE || type > 0xffff) {
            throw new IllegalArgumentException("netlink message type " + type + " is not a request type");
        }
    }

    /** Length on the wire including the header, before alignment. */
    public int wireLength() {
        return Netlink.NLMSG_HDRLEN + payload.length;
    }
}
