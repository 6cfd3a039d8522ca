package io.lvs.agent.health;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SNIHostName;

/**
 * The request an HTTP or HTTPS check sends and the answers it accepts.
 *
 * @param path              request target, starting with {@code /}, sent as given (percent-encode it yourself)
 * @param host              Host header; empty: the server's address, with the port unless it is the scheme's default
 * @param accepted          status codes that count as healthy (codes and inclusive ranges); at least one
 * @param bodyContains      when present, the body's first 64 KiB must contain this text (compared as UTF-8 bytes)
 * @param serverName        HTTPS: the TLS server name (SNI) to send; empty: the Host header's name, if it is a name
 * @param verifyCertificate HTTPS: verify the server's certificate chain and that it names the server
 */
public record HttpRequest(String path, Optional<String> host, List<StatusRange> accepted, Optional<String> bodyContains,
                          Optional<String> serverName, boolean verifyCertificate) {
    /** The longest text {@link #bodyContains} may hold: it must fit in the part of the body that is read. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    public HttpRequest {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(bodyContains, "bodyContains");
        Objects.requireNonNull(serverName, "serverName");
        accepted = List.copyOf(accepted);
        if (!path.startsWith("/") || path.length() > 8192 || !visibleAscii(path)) {
            throw new IllegalArgumentException("an HTTP check's path must start with / and hold only visible ASCII "
                    + "(percent-encode the rest), at most 8192 characters: \"" + path + "\"");
        }
        host.ifPresent(h -> {
            if (h.isEmpty() || h.length() > 261 || !visibleAscii(h)) {
                throw new IllegalArgumentException("an HTTP check's Host header must be a host name or address, optionally "
                        + "with :port, in visible ASCII: \"" + h + "\"");
            }
        });
        if (accepted.isEmpty()) {
            throw new IllegalArgumentException("an HTTP check must accept at least one status code or range");
        }
        bodyContains.ifPresent(b -> {
            int bytes = b.getBytes(StandardCharsets.UTF_8).length;
            if (bytes == 0 || bytes > MAX_BODY_BYTES) {
                throw new IllegalArgumentException("bodyContains must hold 1 to " + MAX_BODY_BYTES
                        + " bytes (only the body's first 64 KiB are read), not " + bytes);
            }
        });
        serverName.ifPresent(HttpRequest::requireServerName);
    }

    /** GET / accepting 200-399, nothing else checked: the API's defaults. */
    public static HttpRequest defaults() {
        return new HttpRequest("/", Optional.empty(), List.of(new StatusRange(200, 399)), Optional.empty(), Optional.empty(), false);
    }

    public HttpRequest withPath(String p) {
        return new HttpRequest(p, host, accepted, bodyContains, serverName, verifyCertificate);
    }

    public HttpRequest withHost(String h) {
        return new HttpRequest(path, Optional.of(h), accepted, bodyContains, serverName, verifyCertificate);
    }

    public HttpRequest withAccepted(StatusRange... ranges) {
        return new HttpRequest(path, host, List.of(ranges), bodyContains, serverName, verifyCertificate);
    }

    public HttpRequest withBodyContains(String text) {
        return new HttpRequest(path, host, accepted, Optional.of(text), serverName, verifyCertificate);
    }

    public HttpRequest withServerName(String name) {
        return new HttpRequest(path, host, accepted, bodyContains, Optional.of(name), verifyCertificate);
    }

    public HttpRequest withVerifyCertificate(boolean verify) {
        return new HttpRequest(path, host, accepted, bodyContains, serverName, verify);
    }

    /** True when {@code status} is one of the accepted codes. */
    public boolean accepts(int status) {
        for (StatusRange r : accepted) {
            if (r.contains(status)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The SNI name an HTTPS check sends: {@link #serverName}, else the Host header without its port when
     * that is a DNS name; an address sends none (SNI carries names only, RFC 6066 section 3).
     */
    public Optional<String> effectiveServerName() {
        if (serverName.isPresent()) {
            return serverName;
        }
        return host.map(HttpRequest::hostWithoutPort).filter(h -> !isAddressLiteral(h));
    }

    private static String hostWithoutPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.indexOf(':');
        return colon < 0 || host.indexOf(':', colon + 1) >= 0 ? host : host.substring(0, colon);
    }

    private static boolean isAddressLiteral(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            InetAddress.ofLiteral(h);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void requireServerName(String name) {
        if (isAddressLiteral(name)) {
            throw new IllegalArgumentException("an HTTPS check's serverName must be a DNS name, not an address (SNI carries "
                    + "names only): \"" + name + "\"");
        }
        try {
            new SNIHostName(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("an HTTPS check's serverName is not a valid DNS name: \"" + name + "\"", e);
        }
    }

    private static boolean visibleAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
