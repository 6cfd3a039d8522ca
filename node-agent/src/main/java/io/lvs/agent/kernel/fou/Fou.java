package io.lvs.agent.kernel.fou;

import io.lvs.agent.kernel.netlink.GenericNetlink;
import io.lvs.agent.kernel.netlink.NetlinkException;
import io.lvs.agent.kernel.netlink.NetlinkMessage;
import io.lvs.agent.kernel.netlink.NetlinkSocket;
import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.util.ArrayList;
import java.util.List;

/**
 * The FOU receive ports of one network namespace ({@code ip fou}): list, add, remove. Owns its generic netlink
 * socket; one caller at a time.
 */
public final class Fou implements AutoCloseable {
    private final NetlinkSocket socket;
    private final FouCodec codec;

    private Fou(NetlinkSocket socket, FouCodec codec) {
        this.socket = socket;
        this.codec = codec;
    }

    /** Opens FOU in {@code namespace}; {@link FouUnavailableException} when the fou module is not loaded. */
    public static Fou open(NetworkNamespace namespace) {
        return open(namespace, NetlinkSocket.Options.defaults());
    }

    public static Fou open(NetworkNamespace namespace, NetlinkSocket.Options options) {
        return GenericNetlink.open(namespace, options, FouConstants.FOU_GENL_NAME,
                (s, f) -> new Fou(s, new FouCodec(f.id())), e -> new FouUnavailableException(namespace.toString(), e));
    }

    public NetworkNamespace namespace() {
        return socket.namespace();
    }

    /** Requests sent so far (a dump counts once). */
    public long requestsSent() {
        return socket.requestsSent();
    }

    /** Every FOU port of the namespace, in the kernel's order. */
    public List<FouPort> ports() {
        List<FouPort> out = new ArrayList<>();
        for (NetlinkMessage m : socket.dump(codec.dumpPorts())) {
            out.add(FouCodec.decodePort(m));
        }
        return out;
    }

    /**
     * Opens a port; throws {@link NetlinkException} when the kernel refuses (EADDRINUSE: a socket, FOU or not, has
     * that UDP port of that family already).
     */
    public void add(FouPort port) {
        socket.execute(codec.add(port));
    }

    /** Closes a port; false when the namespace had no such port (EINVAL from the kernel). */
    public boolean remove(FouPort port) {
        try {
            socket.execute(codec.remove(port));
            return true;
        } catch (NetlinkException e) {
            if (e.is(Errno.EINVAL)) {
                return false; // fou_destroy: no port matched
            }
            throw e;
        }
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "FOU handle on " + namespace();
    }
}
