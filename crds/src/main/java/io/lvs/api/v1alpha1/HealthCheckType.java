package io.lvs.api.v1alpha1;

/** Kind of probe a director sends to a real server. */
public enum HealthCheckType {
    /** No probing: the server counts as healthy. */
    None,
    /** ICMP (or ICMPv6) echo. */
    ICMP,
    /** A TCP connection that completes its handshake. */
    TCP,
    /** An HTTP request whose status code (and optionally body) is checked. */
    HTTP,
    /** HTTP over TLS. */
    HTTPS
}
