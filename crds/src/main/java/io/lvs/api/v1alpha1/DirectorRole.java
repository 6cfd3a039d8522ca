package io.lvs.api.v1alpha1;

/** What a node does for a VirtualService, as its agent reports it. */
public enum DirectorRole {
    /** Holds the VIP and forwards traffic. */
    Active,
    /** Has the same IPVS table, ready to take over. */
    Standby,
    /** A director that cannot serve (kernel or network problem; see the message). */
    Fault,
    /** Hosts a DirectRouting or Tunnel real server: VIP on lo, ARP sysctls set. */
    RealServer,
    /** No report (yet) from this node. */
    Unknown
}
