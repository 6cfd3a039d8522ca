package io.lvs.agent.health;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A port that never answers a SYN, without root: a listener with a backlog of one that never accepts,
 * its accept queue filled by this class. Linux drops a SYN to a listener whose accept queue is full
 * (tcp_conn_request: "ListenOverflows"), so a client's connect sees no SYN-ACK and waits, exactly
 * like a server behind a firewall that drops.
 */
final class SynBlackHole implements AutoCloseable {
    private final ServerSocketChannel listener;
    private final List<SocketChannel> fillers = new ArrayList<>();

    SynBlackHole(InetAddress address) {
        try {
            listener = ServerSocketChannel.open();
            listener.bind(new InetSocketAddress(address, 0), 1);
            // connect until one connection does not complete: from then on SYNs are dropped
            for (int i = 0; i < 16; i++) {
                SocketChannel c = SocketChannel.open();
                fillers.add(c);
                c.configureBlocking(false);
                c.connect(listener.getLocalAddress());
                try (Selector s = Selector.open()) {
                    c.register(s, SelectionKey.OP_CONNECT);
                    if (s.select(500) == 0) {
                        return;
                    }
                    c.finishConnect();
                }
            }
            throw new IllegalStateException("the accept queue of " + listener.getLocalAddress() + " did not fill up");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        try {
            return ((InetSocketAddress) listener.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (SocketChannel c : fillers) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing the listener frees the rest
            }
        }
        try {
            listener.close();
        } catch (IOException ignored) {
            // the test is over
        }
    }
}
