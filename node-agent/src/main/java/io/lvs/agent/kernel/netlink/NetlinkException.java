package io.lvs.agent.kernel.netlink;

import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.sys.Errno;

/**
 * The kernel refused a netlink request. The message names the request (for example
 * {@code IPVS_CMD_NEW_DEST 192.0.2.21:80 -> TCP 192.0.2.10:80}), the errno, and the kernel's
 * extended-ack text when it sent one. Subtypes say what an ambiguous answer meant (a missing module);
 * {@link #withHint} adds a likely cause the library found, so every refusal by the kernel stays of this type.
 */
public class NetlinkException extends KernelException {
    private final String request;
    private final String kernelMessage;

    public NetlinkException(String request, int errno, String kernelMessage) {
        super(request + ": " + Errno.describe(errno)
                + (kernelMessage == null || kernelMessage.isEmpty() ? "" : " - kernel says: " + kernelMessage), errno);
        this.request = request;
        this.kernelMessage = kernelMessage == null ? "" : kernelMessage;
    }

    /** For subtypes that explain the refusal {@code refused} in their own words. */
    protected NetlinkException(String message, NetlinkException refused) {
        super(message, refused.errnoNumber(), refused);
        this.request = refused.request;
        this.kernelMessage = refused.kernelMessage;
    }

    /** The same refusal, its message followed by {@code hint} (a cause the library checked, in brackets). */
    public NetlinkException withHint(String hint) {
        return new NetlinkException(getMessage() + " (" + hint + ")", this);
    }

    /** What was asked, in the kernel's words plus the object concerned. */
    public String request() {
        return request;
    }

    /** The extended-ack message ({@code NLMSGERR_ATTR_MSG}), or "" when the kernel sent none. */
    public String kernelMessage() {
        return kernelMessage;
    }
}
