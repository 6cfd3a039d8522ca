package io.lvs.agent.health;

import io.lvs.agent.kernel.InetText;
import java.io.IOException;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP or HTTPS check: connect, (TLS handshake,) send one GET with {@code Connection: close}, and
 * read the response until {@link ResponseReader} decides; the connection is closed at once then.
 */
final class HttpProbe extends SocketProbe {
    private enum Stage { CONNECTING, HANDSHAKING, SENDING, RECEIVING }

    private final HttpRequest request;
    private final ByteBuffer requestBytes;
    private final ResponseReader reader;
    private Transport transport;
    private Stage stage = Stage.CONNECTING;
    private long received;

    HttpProbe(Engine engine, Check check, CheckTarget target) {
        super(engine, check, target);
        this.request = target.spec().http().orElseThrow();
        this.requestBytes = ByteBuffer.wrap(requestBytes(target));
        this.reader = new ResponseReader(request);
    }

    /** The request: the path, the Host header (given, or the address and a non-default port), and close. */
    static byte[] requestBytes(CheckTarget target) {
        HttpRequest r = target.spec().http().orElseThrow();
        String host = r.host().orElseGet(() -> defaultHost(target));
        return ("GET " + r.path() + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "User-Agent: lvs-node-agent health check\r\n"
                + "Accept: */*\r\n"
                + "Connection: close\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The server's address as a Host header: IPv6 in brackets, with the port unless it is 80 (HTTP) or 443 (HTTPS). */
    static String defaultHost(CheckTarget target) {
        String address = InetText.of(target.address());
        String literal = target.address() instanceof Inet6Address ? "[" + address + "]" : address;
        int defaultPort = target.spec().type() == CheckType.HTTPS ? 443 : 80;
        return target.port() == defaultPort ? literal : literal + ":" + target.port();
    }

    @Override
    void connected() throws IOException {
        if (target.spec().type() == CheckType.HTTPS) {
            transport = new TlsTransport(channel, engine.tls.engine(InetText.of(target.address()), target.port(),
                    request.effectiveServerName(), request.verifyCertificate()));
            stage = Stage.HANDSHAKING;
        } else {
            transport = Transport.plain(channel);
            stage = Stage.SENDING;
        }
        step();
    }

    @Override
    void step() throws IOException {
        while (true) {
            switch (stage) {
                case CONNECTING -> {
                    return;
                }
                case HANDSHAKING -> {
                    if (!transport.handshake()) {
                        interest(transport.interest());
                        return;
                    }
                    stage = Stage.SENDING;
                }
                case SENDING -> {
                    if (!transport.write(requestBytes)) {
                        interest(transport.interest());
                        return;
                    }
                    stage = Stage.RECEIVING;
                }
                case RECEIVING -> {
                    ByteBuffer buffer = engine.readBuffer.clear();
                    int n = transport.read(buffer);
                    if (n == 0) {
                        interest(transport.interest());
                        return;
                    }
                    ResponseReader.Verdict v = n < 0 ? reader.end() : reader.feed(buffer.flip());
                    received += Math.max(0, n);
                    switch (v) {
                        case ResponseReader.Verdict.Pass pass -> {
                            end(Outcome.SUCCESS, pass.message());
                            return;
                        }
                        case ResponseReader.Verdict.Fail fail -> {
                            end(Outcome.FAILURE, fail.message());
                            return;
                        }
                        case ResponseReader.Verdict.Pending pending -> {
                            // read on
                        }
                    }
                }
            }
        }
    }

    @Override
    public String stage() {
        return switch (stage) {
            case CONNECTING -> "connecting";
            case HANDSHAKING -> "in the TLS handshake";
            case SENDING -> "sending the request";
            case RECEIVING -> received == 0 ? "waiting for the response" : "reading the response";
        };
    }
}
