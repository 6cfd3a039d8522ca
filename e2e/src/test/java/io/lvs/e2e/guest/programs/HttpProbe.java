package io.lvs.e2e.guest.programs;

import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A client inside a network namespace: HTTP/1.0 GETs (one TCP connection each) and long-lived
 * connections, with bounded timeouts. Sockets keep the namespace of the thread that made them.
 */
public final class HttpProbe {
    private static final int TIMEOUT_MS = 3000;

    private final NetworkNamespace ns;

    public HttpProbe(String namespace) {
        this.ns = NetworkNamespace.named(namespace);
    }

    /** The body of GET / from {@code host}:80, trimmed; "ERR ..." when the request fails. */
    public String get(String host) {
        return getAt(host, 80);
    }

    /** The body of GET / from {@code host}:{@code port}, trimmed; "ERR ..." when the request fails. */
    public String getAt(String host, int port) {
        return ns.call(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
                s.setSoTimeout(TIMEOUT_MS);
                s.getOutputStream().write(("GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String response = new String(readAll(s.getInputStream()), StandardCharsets.US_ASCII);
                int body = response.indexOf("\r\n\r\n");
                return body < 0 ? "ERR no body" : response.substring(body + 4).strip();
            } catch (IOException e) {
                return "ERR " + e.getMessage();
            }
        });
    }

    /** {@code n} GETs in a row. */
    public List<String> get(String host, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(get(host));
        }
        return out;
    }

    /** An established connection to {@code host}:80 that sends nothing until closed. */
    public Socket open(String host) {
        return ns.call(() -> {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(host, 80), TIMEOUT_MS);
            return s;
        });
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readNBytes(64 * 1024);
    }
}
