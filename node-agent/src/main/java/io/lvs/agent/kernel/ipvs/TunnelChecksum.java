package io.lvs.agent.kernel.ipvs;

/** Checksum mode of a GUE or GRE tunnel (IPVS_DEST_ATTR_TUN_FLAGS). */
public enum TunnelChecksum {
    /** IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM (ipvsadm {@code --tun-nocsum}). */
    NONE(IpvsConstants.IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM),
    /** IP_VS_TUNNEL_ENCAP_FLAG_CSUM (ipvsadm {@code --tun-csum}). */
    CSUM(IpvsConstants.IP_VS_TUNNEL_ENCAP_FLAG_CSUM),
    /** IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM, remote checksum offload, GUE only (ipvsadm {@code --tun-remcsum}). */
    REMCSUM(IpvsConstants.IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM);

    private final int flags;

    TunnelChecksum(int flags) {
        this.flags = flags;
    }

    /** The IPVS_DEST_ATTR_TUN_FLAGS value. */
    public int flags() {
        return flags;
    }

    /** The mode of a flags value; CSUM wins over REMCSUM the way the kernel's transmit path reads them. */
    public static TunnelChecksum fromFlags(int flags) {
        if ((flags & CSUM.flags) != 0) {
            return CSUM;
        }
        return (flags & REMCSUM.flags) != 0 ? REMCSUM : NONE;
    }
}
