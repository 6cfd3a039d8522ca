package io.lvs.api.v1alpha1;

/** Checksum mode of GUE and GRE tunnels. */
public enum TunnelChecksum {
    /** No checksum in the outer header. */
    None,
    /** Checksum the encapsulated packet. */
    Checksum,
    /** Remote checksum offload (GUE only). */
    RemoteChecksum
}
