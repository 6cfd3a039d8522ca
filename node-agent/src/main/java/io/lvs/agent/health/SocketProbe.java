package io.lvs.agent.health;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * A probe over a TCP connection on a non-blocking channel registered with the engine's selector:
 * connect, then whatever the subclass does with the connection.
 */
abstract class SocketProbe implements Probe {
    final Engine engine;
    final Check check;
    final CheckTarget target;
    SocketChannel channel;
    SelectionKey key;
    private boolean ended;

    SocketProbe(Engine engine, Check check, CheckTarget target) {
        this.engine = engine;
        this.check = check;
        this.target = target;
    }

    @Override
    public final void start() {
        try {
            channel = SocketChannel.open(target.address() instanceof Inet6Address ? StandardProtocolFamily.INET6
                    : StandardProtocolFamily.INET);
            channel.configureBlocking(false);
            // Linger 0: close() sends a RST instead of a FIN, so neither end keeps the connection in
            // TIME_WAIT. With an orderly close, each probe would hold its ephemeral port (and the
            // server its 4-tuple) for 60 s: at 1,000 probes per second to one server that is the whole
            // 28k-port default range. A probe has nothing left to say when it closes, so the RST loses nothing.
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (channel.connect(new InetSocketAddress(target.address(), target.port()))) {
                engine.defer(() -> safely(this::connected));
            } else {
                key = channel.register(engine.selector, SelectionKey.OP_CONNECT, this);
            }
        } catch (IOException | RuntimeException e) {
            String message = describe(e);
            engine.defer(() -> end(Outcome.FAILURE, message));
        }
    }

    /** The selector says the channel is ready for what this probe waits for. */
    final void ready(SelectionKey k) {
        if (ended || !k.isValid()) {
            return;
        }
        if (k.isConnectable()) {
            safely(() -> {
                if (channel.finishConnect()) {
                    connected();
                }
            });
        } else {
            safely(this::step);
        }
    }

    /** The connection is up. */
    abstract void connected() throws IOException;

    /** The channel became ready (after {@link #interest}). */
    abstract void step() throws IOException;

    /** Waits for {@code ops} next. */
    final void interest(int ops) {
        if (key == null) {
            try {
                key = channel.register(engine.selector, ops, this);
            } catch (IOException e) {
                end(Outcome.FAILURE, describe(e));
            }
        } else {
            key.interestOps(ops);
        }
    }

    /** Ends the probe with this result and closes the connection (with a RST). */
    final void end(Outcome outcome, String message) {
        if (ended) {
            return;
        }
        ended = true;
        close();
        check.finish(this, outcome, message);
    }

    @Override
    public final void abort() {
        ended = true;
        close();
    }

    private void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the socket is gone either way
            }
        }
    }

    private interface Step {
        void run() throws IOException;
    }

    private void safely(Step s) {
        if (ended) {
            return;
        }
        try {
            s.run();
        } catch (IOException e) {
            end(Outcome.FAILURE, describe(e));
        } catch (RuntimeException e) {
            end(Outcome.FAILURE, "internal error: " + e);
        }
    }

    /**
     * A short message for a failed connection: the system's words ("connection refused", "no route to
     * host"), and for TLS the reason a certificate was refused.
     */
    static String describe(Exception e) {
        if (e instanceof SSLException) {
            Throwable root = e;
            boolean certificate = false;
            for (Throwable t = e; t != null; t = t.getCause()) {
                certificate |= t instanceof CertificateException || t instanceof CertPathValidatorException
                        || t instanceof CertPathBuilderException;
                root = t;
            }
            return (certificate ? "certificate verification failed: " : "TLS handshake failed: ") + text(root);
        }
        return text(e);
    }

    private static String text(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        // "PKIX path building failed: sun.security...Exception: unable to find..." keeps its last clause
        int cls = m.lastIndexOf("Exception: ");
        if (cls >= 0) {
            m = m.substring(cls + "Exception: ".length());
        }
        return m.isEmpty() ? m : m.substring(0, 1).toLowerCase(Locale.ROOT) + m.substring(1);
    }
}
