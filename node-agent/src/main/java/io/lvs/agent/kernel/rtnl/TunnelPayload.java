package io.lvs.agent.kernel.rtnl;

/** What an ipip, sit or ip6tnl link takes inside (its IFLA_IPTUN_PROTO): IPv4 only, IPv6 only, or either. */
public enum TunnelPayload {
    /** IPPROTO_IPIP. */
    IPV4,
    /** IPPROTO_IPV6 (ip6tnl0's mode ip6ip6, as its module creates it). */
    IPV6,
    /** 0: any (mode any). */
    ANY;

    /** The payload an IFLA_IPTUN_PROTO value names; IllegalArgumentException for other protocols. */
    static TunnelPayload of(int ipProto) {
        return switch (ipProto) {
            case Rtnetlink.IPPROTO_IPIP -> IPV4;
            case Rtnetlink.IPPROTO_IPV6 -> IPV6;
            case 0 -> ANY;
            default -> throw new IllegalArgumentException("IFLA_IPTUN_PROTO " + ipProto + " is no protocol a tunnel "
                    + "link carries");
        };
    }
}
