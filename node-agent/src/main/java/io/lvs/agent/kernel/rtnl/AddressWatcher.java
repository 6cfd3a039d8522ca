package io.lvs.agent.kernel.rtnl;

import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.netlink.Netlink;
import io.lvs.agent.kernel.netlink.NetlinkMessage;
import io.lvs.agent.kernel.netlink.NetlinkSocket;
import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells, as they happen, that a namespace's addresses changed: the kernel's rtnetlink notifications (groups
 * RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR) read on a thread of its own. Nothing is polled: an address deleted by
 * hand is known within the time the kernel takes to send one message. (Links are not followed: on a Kubernetes node
 * pods come and go with veth links all day, and none of that is a change to what the agent programs.)
 *
 * <p>The listener runs on the watcher's thread: keep it short (hand the change to a queue). When the kernel had to drop
 * notifications (the receive queue overflowed) the listener hears {@link AddressEvent.Lost}: the state must be read
 * again.
 */
public final class AddressWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AddressWatcher.class);
    /** How long one receive waits: the bound on how long {@link #close()} takes. */
    private static final Duration POLL = Duration.ofMillis(250);

    /** One change the kernel told of. */
    public sealed interface AddressEvent {
        /** An address was added (or changed) on a link. */
        record AddressAdded(InterfaceAddress address) implements AddressEvent {
        }

        /** An address was removed from a link. */
        record AddressRemoved(InterfaceAddress address) implements AddressEvent {
        }

        /** Notifications were lost (ENOBUFS): whatever was watched must be read again. */
        record Lost() implements AddressEvent {
        }
    }

    private final NetlinkSocket socket;
    private final Consumer<AddressEvent> listener;
    private final Thread thread;
    private final AtomicLong received = new AtomicLong();
    private volatile boolean running = true;

    private AddressWatcher(NetlinkSocket socket, Consumer<AddressEvent> listener) {
        this.socket = socket;
        this.listener = listener;
        this.thread = Thread.ofPlatform().name("lvs-address-watcher").daemon().unstarted(this::run);
    }

    /** Starts watching {@code namespace}; the groups are joined before this returns, so no later change is missed. */
    public static AddressWatcher start(NetworkNamespace namespace, Consumer<AddressEvent> listener) {
        NetlinkSocket s = NetlinkSocket.open(Netlink.NETLINK_ROUTE, namespace,
                new NetlinkSocket.Options(POLL, 4 << 20, 64 << 10, 1));
        try {
            s.joinGroup(Rtnetlink.RTNLGRP_IPV4_IFADDR);
            s.joinGroup(Rtnetlink.RTNLGRP_IPV6_IFADDR);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        AddressWatcher w = new AddressWatcher(s, listener);
        w.thread.start();
        return w;
    }

    /** Notifications received since the start. */
    public long received() {
        return received.get();
    }

    private void run() {
        while (running) {
            try {
                for (NetlinkMessage m : socket.receiveNotifications()) {
                    decode(m).ifPresent(c -> {
                        received.incrementAndGet();
                        listener.accept(c);
                    });
                }
            } catch (KernelException e) {
                if (!running) {
                    return;
                }
                if (e.is(Errno.ENOBUFS)) {
                    LOG.warn("rtnetlink notifications were lost (the receive queue overflowed); reading again");
                    listener.accept(new AddressEvent.Lost());
                } else {
                    LOG.warn("receiving rtnetlink notifications failed: {}", e.getMessage());
                    listener.accept(new AddressEvent.Lost());
                }
            } catch (RuntimeException e) {
                LOG.warn("an rtnetlink notification could not be read; reading again", e);
                listener.accept(new AddressEvent.Lost());
            }
        }
    }

    /** What a notification says; empty for messages this watcher does not follow (other families, other types). */
    static Optional<AddressEvent> decode(NetlinkMessage m) {
        return switch (m.type()) {
            case Rtnetlink.RTM_NEWADDR -> RtnlCodec.decodeAddress(m).map(AddressEvent.AddressAdded::new);
            case Rtnetlink.RTM_DELADDR -> RtnlCodec.decodeAddress(m).map(AddressEvent.AddressRemoved::new);
            default -> Optional.empty();
        };
    }

    /** Stops the thread (within a quarter of a second) and closes the socket. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(POLL.toMillis() * 8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
    }
}
