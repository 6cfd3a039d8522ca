package io.lvs.agent.kernel.rtnl;

/**
 * The kernel's fallback tunnel devices: the device a tunnel module creates in every network namespace, which receives
 * the packets of its protocol that no more specific tunnel claims (any remote, any local) while it is up. Each with its
 * link kind (what RTM_NEWLINK names to make the kernel load the module) and its module.
 */
public enum FallbackTunnel {
    /** IPv4 in IPv4 (IP protocol 4). */
    TUNL0("tunl0", "ipip", "ipip"),
    /** IPv6 in IPv4 (IP protocol 41). */
    SIT0("sit0", "sit", "sit"),
    /** IPv6 in IPv6, and IPv4 in IPv6 once its mode is any (ip6ip6 when the module creates it). */
    IP6TNL0("ip6tnl0", "ip6tnl", "ip6_tunnel"),
    /** GRE over IPv4, either family inside. */
    GRE0("gre0", "gre", "ip_gre"),
    /** GRE over IPv6, either family inside. */
    IP6GRE0("ip6gre0", "ip6gre", "ip6_gre");

    private final String device;
    private final String kind;
    private final String module;

    FallbackTunnel(String device, String kind, String module) {
        this.device = device;
        this.kind = kind;
        this.module = module;
    }

    /** The device's name: tunl0, sit0, ip6tnl0, gre0 or ip6gre0. */
    public String device() {
        return device;
    }

    /** The rtnetlink link kind ({@code IFLA_INFO_KIND}) of the device and of the module's other tunnels. */
    public String kind() {
        return kind;
    }

    /** The kernel module that provides it. */
    public String module() {
        return module;
    }

    /** The fallback device called {@code name}, if it is one. */
    public static java.util.Optional<FallbackTunnel> ofDevice(String name) {
        for (FallbackTunnel t : values()) {
            if (t.device.equals(name)) {
                return java.util.Optional.of(t);
            }
        }
        return java.util.Optional.empty();
    }

    @Override
    public String toString() {
        return device;
    }
}
