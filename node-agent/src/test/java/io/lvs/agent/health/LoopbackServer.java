package io.lvs.agent.health;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A server for health check tests and the benchmark, on one NIO thread: as a TCP server it accepts and
 * closes; as an HTTP server it answers each request as its handler says (a status and body, chunked or
 * not, silence, a close) and records what it received.
 */
public final class LoopbackServer implements AutoCloseable {
    /** A request as received: its request line and headers (names in lower case). */
    public record Request(String requestLine, Map<String, String> headers) {
        String path() {
            return requestLine.split(" ")[1];
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** What the server does with a request. */
    public sealed interface Reply {
        /** A response with {@code Content-Length}, or in chunks of {@code chunk} bytes when positive. */
        record Http(int status, byte[] body, int chunk) implements Reply {
        }

        /** Reads on, answers nothing, keeps the connection open: a server that hangs. */
        record Silent() implements Reply {
        }

        /** Closes the connection without an answer. */
        record Close() implements Reply {
        }

        /** Sends these bytes as they are, then closes. */
        record Raw(byte[] bytes) implements Reply {
        }

        static Reply status(int status) {
            return new Http(status, ("status " + status + "\n").getBytes(StandardCharsets.UTF_8), 0);
        }

        static Reply body(int status, String body) {
            return new Http(status, body.getBytes(StandardCharsets.UTF_8), 0);
        }

        static Reply chunked(int status, String body, int chunk) {
            return new Http(status, body.getBytes(StandardCharsets.UTF_8), chunk);
        }
    }

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private final boolean http;
    private final AtomicReference<Function<Request, Reply>> handler;
    private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
    private final AtomicLong accepted = new AtomicLong();
    private final boolean record;
    private volatile boolean closed;

    private LoopbackServer(InetSocketAddress bind, boolean http, Function<Request, Reply> handler, boolean record) {
        this.http = http;
        this.handler = new AtomicReference<>(handler);
        this.record = record;
        try {
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(bind, 4096);
            server.configureBlocking(false);
            selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + bind, e);
        }
        thread = Thread.ofPlatform().daemon().name("test-server-" + port()).start(this::loop);
    }

    /** A TCP server on {@code address}, any free port: accepts and closes. */
    public static LoopbackServer tcp(InetAddress address) {
        return new LoopbackServer(new InetSocketAddress(address, 0), false, r -> new Reply.Close(), false);
    }

    /** A TCP server on a given address and port (to bring a "killed" server back on its port). */
    static LoopbackServer tcp(InetSocketAddress at) {
        return new LoopbackServer(at, false, r -> new Reply.Close(), false);
    }

    /** An HTTP server on {@code address}, any free port, that records every request. */
    static LoopbackServer http(InetAddress address, Function<Request, Reply> handler) {
        return new LoopbackServer(new InetSocketAddress(address, 0), true, handler, true);
    }

    /** An HTTP server on a given address and port (to bring a "killed" server back on its port). */
    static LoopbackServer http(InetSocketAddress at, Function<Request, Reply> handler) {
        return new LoopbackServer(at, true, handler, true);
    }

    /** An HTTP server that records nothing (for the benchmark). */
    public static LoopbackServer httpUnrecorded(InetAddress address, Function<Request, Reply> handler) {
        return new LoopbackServer(new InetSocketAddress(address, 0), true, handler, false);
    }

    public int port() {
        return ((InetSocketAddress) localAddress()).getPort();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) localAddress();
    }

    private java.net.SocketAddress localAddress() {
        try {
            return server.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Changes how requests are answered from now on. */
    void answer(Function<Request, Reply> h) {
        handler.set(h);
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Connections accepted so far. */
    public long accepted() {
        return accepted.get();
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One accepted connection: what it sent so far, what it is still to be sent. */
    private static final class Conn {
        final ByteArrayOutputStream in = new ByteArrayOutputStream();
        ByteBuffer out;
        boolean silent;
    }

    private void loop() {
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (!closed) {
                selector.select(key -> {
                    if (key.isAcceptable()) {
                        try {
                            accept();
                        } catch (IOException e) {
                            // out of file descriptors, say: the listener stays, the client waits or times out
                            System.err.println("test server " + port() + ": accept failed: " + e);
                        }
                        return;
                    }
                    try {
                        serve(key, buf);
                    } catch (IOException e) {
                        closeQuietly(key);
                    }
                }, 200);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (SelectionKey k : selector.keys()) {
                closeQuietly(k);
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // the test is over
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel c;
        while ((c = server.accept()) != null) {
            accepted.incrementAndGet();
            if (!http) {
                c.close();
                continue;
            }
            c.configureBlocking(false);
            c.register(selector, SelectionKey.OP_READ, new Conn());
        }
    }

    private void serve(SelectionKey key, ByteBuffer buf) throws IOException {
        SocketChannel c = (SocketChannel) key.channel();
        Conn conn = (Conn) key.attachment();
        if (conn.out != null) {
            c.write(conn.out);
            if (!conn.out.hasRemaining()) {
                closeQuietly(key);
            }
            return;
        }
        buf.clear();
        int n = c.read(buf);
        if (n < 0) {
            closeQuietly(key);
            return;
        }
        if (conn.silent) {
            return;
        }
        buf.flip();
        byte[] chunk = new byte[buf.remaining()];
        buf.get(chunk);
        conn.in.writeBytes(chunk);
        String text = conn.in.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return;
        }
        Request request = parse(text.substring(0, end));
        if (record) {
            requests.add(request);
        }
        switch (handler.get().apply(request)) {
            case Reply.Http h -> send(key, c, conn, response(h));
            case Reply.Raw r -> send(key, c, conn, r.bytes());
            case Reply.Silent s -> conn.silent = true;
            case Reply.Close x -> closeQuietly(key);
        }
    }

    private void send(SelectionKey key, SocketChannel c, Conn conn, byte[] bytes) throws IOException {
        conn.out = ByteBuffer.wrap(bytes);
        c.write(conn.out);
        if (conn.out.hasRemaining()) {
            key.interestOps(SelectionKey.OP_WRITE);
        } else {
            closeQuietly(key);
        }
    }

    private static Request parse(String head) {
        String[] lines = head.split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
            }
        }
        return new Request(lines[0], headers);
    }

    private static byte[] response(Reply.Http h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("HTTP/1.1 " + h.status() + " Test\r\nConnection: close\r\nContent-Type: text/plain\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        if (h.chunk() <= 0) {
            out.writeBytes(("Content-Length: " + h.body().length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(h.body());
        } else {
            out.writeBytes("Transfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < h.body().length; i += h.chunk()) {
                int n = Math.min(h.chunk(), h.body().length - i);
                out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(h.body(), i, n);
                out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    private static void closeQuietly(SelectionKey key) {
        try {
            key.channel().close();
        } catch (IOException ignored) {
            // the peer may have reset it already
        }
    }
}
