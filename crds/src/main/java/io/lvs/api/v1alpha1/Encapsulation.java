package io.lvs.api.v1alpha1;

/** Tunnel encapsulation for Tunnel forwarding. */
public enum Encapsulation {
    /** IP in IP (the classic LVS-TUN). */
    IPIP,
    /** Generic UDP Encapsulation (Linux 5.2 and later); needs a UDP port. */
    GUE,
    /** Generic Routing Encapsulation (Linux 5.3 and later). */
    GRE
}
