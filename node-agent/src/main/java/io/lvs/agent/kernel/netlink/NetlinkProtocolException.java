package io.lvs.agent.kernel.netlink;

import io.lvs.agent.kernel.KernelException;

/**
 * A reply that does not follow the netlink wire format (truncated, mis-sized, out of sequence).
 * Parsers throw only this for bad input, never an index or buffer exception.
 */
public final class NetlinkProtocolException extends KernelException {
    public NetlinkProtocolException(String message) {
        super(message, 0);
    }
}
