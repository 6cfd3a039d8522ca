package io.lvs.agent.health;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * TLS on a non-blocking channel through an {@link SSLEngine}: records are wrapped into {@code netOut}
 * and written when the socket takes them, read into {@code netIn} and unwrapped into {@code appIn}.
 * The engine's delegated tasks (certificate checks, key agreement) run inline on the caller's thread:
 * they are CPU work of well under a millisecond, and a second pool would only move it.
 */
final class TlsTransport implements Transport {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final SSLEngine engine;
    private ByteBuffer netIn;
    /** Always in read mode: what is still to be written. */
    private final ByteBuffer netOut;
    /** Always in write mode: unwrapped bytes not yet handed out. */
    private ByteBuffer appIn;
    private int interest = SelectionKey.OP_READ;

    TlsTransport(SocketChannel channel, SSLEngine engine) throws SSLException {
        this.channel = channel;
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.netOut = ByteBuffer.allocate(packet).flip();
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        engine.beginHandshake();
    }

    @Override
    public boolean handshake() throws IOException {
        while (true) {
            if (!flush()) {
                return false;
            }
            switch (engine.getHandshakeStatus()) {
                case NOT_HANDSHAKING, FINISHED -> {
                    return true;
                }
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> wrap(EMPTY);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    int n = unwrap();
                    if (n < 0) {
                        throw new EOFException("connection closed during the TLS handshake");
                    }
                    if (n == 0) {
                        return false;
                    }
                }
            }
        }
    }

    @Override
    public boolean write(ByteBuffer src) throws IOException {
        if (!flush()) {
            return false;
        }
        while (src.hasRemaining()) {
            wrap(src);
            if (!flush()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        while (appIn.position() == 0) {
            if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                wrap(EMPTY); // a post-handshake answer (TLS 1.3 key update)
            }
            if (!flush()) {
                return 0;
            }
            int n = unwrap();
            if (n <= 0) {
                return n;
            }
        }
        appIn.flip();
        int n = Math.min(appIn.remaining(), dst.remaining());
        dst.put(appIn.slice(appIn.position(), n));
        appIn.position(appIn.position() + n);
        appIn.compact();
        return n;
    }

    @Override
    public int interest() {
        return interest;
    }

    /** Writes pending records; true when none are left. */
    private boolean flush() throws IOException {
        if (netOut.hasRemaining()) {
            channel.write(netOut);
            if (netOut.hasRemaining()) {
                interest = SelectionKey.OP_WRITE;
                return false;
            }
        }
        return true;
    }

    /** Wraps from {@code src} into the (flushed, empty) {@code netOut}. */
    private void wrap(ByteBuffer src) throws SSLException {
        netOut.clear();
        SSLEngineResult r = engine.wrap(src, netOut);
        netOut.flip();
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new SSLException("the TLS session was closed");
        }
        if (r.bytesConsumed() == 0 && r.bytesProduced() == 0 && r.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_TASK) {
            throw new SSLException("the TLS engine made no progress wrapping (" + r + ")");
        }
        runTasksIfNeeded(r);
    }

    /**
     * Unwraps one record, reading from the socket when a whole one is not buffered: a positive count
     * when the engine made progress (handshake bytes or application data), 0 when the socket has
     * nothing now, -1 at the end of the stream or the session.
     */
    private int unwrap() throws IOException {
        while (true) {
            netIn.flip();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            runTasksIfNeeded(r);
            switch (r.getStatus()) {
                case CLOSED -> {
                    return -1;
                }
                case BUFFER_OVERFLOW -> appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                case OK, BUFFER_UNDERFLOW -> {
                    if (r.getStatus() == SSLEngineResult.Status.OK && (r.bytesConsumed() > 0 || r.bytesProduced() > 0)) {
                        return 1;
                    }
                    // no whole record buffered: read more
                    if (!netIn.hasRemaining()) {
                        netIn = grow(netIn, engine.getSession().getPacketBufferSize());
                    }
                    interest = SelectionKey.OP_READ;
                    int n = channel.read(netIn);
                    if (n <= 0) {
                        return n;
                    }
                }
            }
        }
    }

    private void runTasksIfNeeded(SSLEngineResult r) {
        if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            runTasks();
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** A larger buffer (in write mode) holding what {@code b} (in write mode) held. */
    private static ByteBuffer grow(ByteBuffer b, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, b.capacity() * 2));
        bigger.put(b.flip());
        return bigger;
    }
}
