package io.lvs.agent.kernel.ipvs;

/**
 * How IPVS hands a packet to a destination: the IP_VS_CONN_F_FWD_MASK bits of its connection flags.
 * ipvsadm sets {@link #MASQ} ({@code -m}), {@link #DROUTE} ({@code -g}) and {@link #TUNNEL} ({@code -i});
 * the kernel also knows {@link #LOCALNODE} and {@link #BYPASS}, which a read-back may show.
 */
public enum ForwardingMethod {
    /** IP_VS_CONN_F_MASQ: NAT; replies must come back through the director. */
    MASQ(IpvsConstants.IP_VS_CONN_F_MASQ, "Masq"),
    /** IP_VS_CONN_F_LOCALNODE: deliver to a local socket. */
    LOCALNODE(IpvsConstants.IP_VS_CONN_F_LOCALNODE, "Local"),
    /** IP_VS_CONN_F_TUNNEL: encapsulate (see {@link Tunnel}); the real server answers directly. */
    TUNNEL(IpvsConstants.IP_VS_CONN_F_TUNNEL, "Tunnel"),
    /** IP_VS_CONN_F_DROUTE: direct routing on the same link; the real server answers directly. */
    DROUTE(IpvsConstants.IP_VS_CONN_F_DROUTE, "Route"),
    /** IP_VS_CONN_F_BYPASS: cache bypass. */
    BYPASS(IpvsConstants.IP_VS_CONN_F_BYPASS, "Bypass");

    private final int kernelValue;
    private final String ipvsadmName;

    ForwardingMethod(int kernelValue, String ipvsadmName) {
        this.kernelValue = kernelValue;
        this.ipvsadmName = ipvsadmName;
    }

    /** The value of IPVS_DEST_ATTR_FWD_METHOD. */
    public int kernelValue() {
        return kernelValue;
    }

    /** The word in the Forward column of {@code ipvsadm -Ln}. */
    public String ipvsadmName() {
        return ipvsadmName;
    }

    /** The method in the low three bits of a connection-flags value. */
    public static ForwardingMethod fromKernel(int connFlags) {
        int m = connFlags & IpvsConstants.IP_VS_CONN_F_FWD_MASK;
        for (ForwardingMethod f : values()) {
            if (f.kernelValue == m) {
                return f;
            }
        }
        throw new IllegalArgumentException("forwarding method " + m + " is not one the kernel defines");
    }
}
