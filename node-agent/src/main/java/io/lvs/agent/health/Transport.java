package io.lvs.agent.health;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The byte stream an HTTP probe talks over, on a connected non-blocking channel: plain, or TLS through
 * an {@code SSLEngine}. Every call does what it can without blocking and says so.
 */
interface Transport {
    /** Advances the handshake; true once it is complete (at once for plain TCP). */
    boolean handshake() throws IOException;

    /** Writes what it can of {@code src}; true once all of it is on the wire. */
    boolean write(ByteBuffer src) throws IOException;

    /** Reads application bytes into {@code dst}: the count, 0 when none are available now, -1 at the end of the stream. */
    int read(ByteBuffer dst) throws IOException;

    /** The selector interest to wait for after a call that did not complete: OP_READ or OP_WRITE. */
    int interest();

    /** Plain TCP. */
    static Transport plain(SocketChannel channel) {
        return new Transport() {
            private int interest = SelectionKey.OP_READ;

            @Override
            public boolean handshake() {
                return true;
            }

            @Override
            public boolean write(ByteBuffer src) throws IOException {
                channel.write(src);
                interest = SelectionKey.OP_WRITE;
                return !src.hasRemaining();
            }

            @Override
            public int read(ByteBuffer dst) throws IOException {
                interest = SelectionKey.OP_READ;
                return channel.read(dst);
            }

            @Override
            public int interest() {
                return interest;
            }
        };
    }
}
