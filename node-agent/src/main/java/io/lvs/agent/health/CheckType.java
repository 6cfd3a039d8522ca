package io.lvs.agent.health;

/**
 * How a target is probed. The API's {@code None} has no counterpart: the caller registers no target
 * for a server that is not probed.
 */
public enum CheckType {
    /** An ICMP (IPv4) or ICMPv6 echo request answered by an echo reply. */
    ICMP,
    /** A completed TCP handshake. */
    TCP,
    /** An HTTP/1.1 request answered with an accepted status (and body, when asked). */
    HTTP,
    /** As {@link #HTTP}, over TLS. */
    HTTPS;

    /** True for the types that connect to a port. */
    public boolean usesPort() {
        return this != ICMP;
    }

    /** True for HTTP and HTTPS. */
    public boolean isHttp() {
        return this == HTTP || this == HTTPS;
    }
}
