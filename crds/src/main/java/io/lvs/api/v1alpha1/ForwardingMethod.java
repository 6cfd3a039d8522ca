package io.lvs.api.v1alpha1;

/** How the director hands packets to real servers. */
public enum ForwardingMethod {
    /** Direct server return: the director rewrites the MAC only; real servers hold the VIP on lo and answer clients directly. */
    DirectRouting,
    /** Masquerading: the director rewrites addresses both ways; replies must route back through the director. */
    NAT,
    /** The director encapsulates packets to real servers (IPIP, GUE or GRE); real servers answer clients directly. */
    Tunnel,
    /** No IPVS: the active director serves the VIP itself, e.g. with a local HAProxy. */
    Local
}
