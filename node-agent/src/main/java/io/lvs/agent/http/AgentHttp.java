package io.lvs.agent.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the agent's endpoints on one small thread pool (scrapes and probes are rare). {@code /inspect} answers
 * only requests from the node itself (a loopback address): it shows the node's whole kernel state.
 */
public final class AgentHttp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentHttp.class);
    private static final int STREAM_CHUNK = 32 * 1024;

    /** What a probe endpoint answers: healthy or not, and why. */
    public record Probe(boolean ok, String text) {
    }

    /** What the endpoints read. */
    public interface Endpoints {
        Probe liveness();

        Probe readiness();

        /** Writes the metrics to {@code out}. */
        void metrics(PrometheusText out);

        String inspect();
    }

    private final HttpServer server;

    private AgentHttp(HttpServer server) {
        this.server = server;
    }

    public static AgentHttp start(InetSocketAddress address, Endpoints endpoints) {
        HttpServer s;
        try {
            s = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address + " for /metrics, /healthz and /readyz: "
                    + e.getMessage(), e);
        }
        s.setExecutor(Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().name("lvs-http-", 0).factory()));
        s.createContext("/healthz", x -> probe(x, endpoints::liveness));
        s.createContext("/readyz", x -> probe(x, endpoints::readiness));
        s.createContext("/metrics", x -> stream(x, "text/plain; version=0.0.4; charset=utf-8", endpoints::metrics));
        s.createContext("/inspect", x -> {
            if (!x.getRemoteAddress().getAddress().isLoopbackAddress()) {
                send(x, 403, "text/plain; charset=utf-8", "/inspect answers only on the node itself (curl from the node, "
                        + "or kubectl exec into the agent's pod)\n");
            } else {
                send(x, 200, "text/plain; charset=utf-8", endpoints.inspect());
            }
        });
        s.createContext("/", x -> send(x, 404, "text/plain; charset=utf-8", "endpoints: /metrics /healthz /readyz /inspect\n"));
        s.start();
        return new AgentHttp(s);
    }

    /** The bound address (the port, when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void probe(HttpExchange x, Supplier<Probe> p) throws IOException {
        Probe r = p.get();
        send(x, r.ok() ? 200 : 503, "text/plain; charset=utf-8", r.text() + "\n");
    }

    private static void send(HttpExchange x, int code, String type, String body) throws IOException {
        try (x) {
            if (!x.getRequestMethod().equals("GET") && !x.getRequestMethod().equals("HEAD")) {
                x.sendResponseHeaders(405, -1);
                return;
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", type);
            x.sendResponseHeaders(code, x.getRequestMethod().equals("HEAD") ? -1 : b.length);
            if (!x.getRequestMethod().equals("HEAD")) {
                try (OutputStream o = x.getResponseBody()) {
                    o.write(b);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("answering {} failed: {}", x.getRequestURI(), e.toString());
        }
    }

    /**
     * A 200 answer written as it is rendered (chunked), never held whole in memory. A rendering that fails half way
     * ends the connection without the last chunk, so the scrape fails visibly instead of taking a cut-off answer.
     */
    private static void stream(HttpExchange x, String type, java.util.function.Consumer<PrometheusText> render)
            throws IOException {
        if (!x.getRequestMethod().equals("GET") && !x.getRequestMethod().equals("HEAD")) {
            try (x) {
                x.sendResponseHeaders(405, -1);
            }
            return;
        }
        x.getResponseHeaders().set("Content-Type", type);
        if (x.getRequestMethod().equals("HEAD")) {
            try (x) {
                x.sendResponseHeaders(200, -1);
            }
            return;
        }
        x.sendResponseHeaders(200, 0);
        // Small writes: the socket layer copies each into a temporary direct buffer it keeps per thread.
        Writer w = new BufferedWriter(new OutputStreamWriter(x.getResponseBody(), StandardCharsets.UTF_8), STREAM_CHUNK);
        try {
            render.accept(new PrometheusText(w));
        } catch (RuntimeException e) {
            LOG.warn("answering {} failed half way, ending the connection: {}", x.getRequestURI(), e.toString());
            throw new IOException("rendering " + x.getRequestURI() + " failed", e); // the server drops the connection
        }
        w.close(); // the last chunk: the answer is whole
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
