package io.lvs.agent.kernel.rtnl;

/**
 * rtnetlink wire constants from {@code <linux/rtnetlink.h>}, {@code <linux/if_addr.h>},
 * {@code <linux/if_link.h>} and {@code <linux/if.h>}, under their kernel names.
 */
public final class Rtnetlink {
    // enum of message types (rtnetlink.h)
    public static final int RTM_NEWLINK = 16;
    public static final int RTM_DELLINK = 17;
    public static final int RTM_GETLINK = 18;
    public static final int RTM_NEWADDR = 20;
    public static final int RTM_DELADDR = 21;
    public static final int RTM_GETADDR = 22;

    // enum rtnetlink_groups (rtnetlink.h): multicast groups of change notifications
    public static final int RTNLGRP_IPV4_IFADDR = 5;
    public static final int RTNLGRP_IPV6_IFADDR = 9;

    /** sizeof(struct ifinfomsg): family u8, pad u8, type u16, index s32, flags u32, change u32. */
    public static final int IFINFOMSG_BYTES = 16;
    /** sizeof(struct ifaddrmsg): family u8, prefixlen u8, flags u8, scope u8, index u32. */
    public static final int IFADDRMSG_BYTES = 8;

    // enum rt_scope_t
    public static final int RT_SCOPE_UNIVERSE = 0;
    public static final int RT_SCOPE_SITE = 200;
    public static final int RT_SCOPE_LINK = 253;
    public static final int RT_SCOPE_HOST = 254;
    public static final int RT_SCOPE_NOWHERE = 255;

    // IFLA_* (if_link.h)
    public static final int IFLA_ADDRESS = 1;
    public static final int IFLA_BROADCAST = 2;
    public static final int IFLA_IFNAME = 3;
    public static final int IFLA_MTU = 4;
    public static final int IFLA_LINK = 5;
    public static final int IFLA_MASTER = 10;
    public static final int IFLA_OPERSTATE = 16;
    public static final int IFLA_LINKINFO = 18;
    public static final int IFLA_EXT_MASK = 29;
    // IFLA_INFO_* nested in IFLA_LINKINFO
    public static final int IFLA_INFO_KIND = 1;
    public static final int IFLA_INFO_DATA = 2;
    // IFLA_IPTUN_* nested in IFLA_INFO_DATA of ipip, sit and ip6tnl links (if_tunnel.h)
    public static final int IFLA_IPTUN_PROTO = 9;
    /** IPPROTO_IPIP and IPPROTO_IPV6: what a tunnel carries inside (0: any). */
    public static final int IPPROTO_IPIP = 4;
    public static final int IPPROTO_IPV6 = 41;
    /** For IFLA_EXT_MASK: leave the per-link statistics (about 1 KiB each) out of replies. */
    public static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;

    // IFA_* (if_addr.h)
    public static final int IFA_ADDRESS = 1;
    public static final int IFA_LOCAL = 2;
    public static final int IFA_LABEL = 3;
    public static final int IFA_BROADCAST = 4;
    public static final int IFA_CACHEINFO = 6;
    public static final int IFA_FLAGS = 8;

    // IFF_* (if.h), ifi_flags
    public static final int IFF_UP = 1;
    public static final int IFF_BROADCAST = 1 << 1;
    public static final int IFF_LOOPBACK = 1 << 3;
    public static final int IFF_POINTOPOINT = 1 << 4;
    public static final int IFF_RUNNING = 1 << 6;
    public static final int IFF_NOARP = 1 << 7;
    public static final int IFF_MULTICAST = 1 << 12;
    public static final int IFF_LOWER_UP = 1 << 16;

    /** IFNAMSIZ - 1: the longest interface name. */
    public static final int IFNAME_MAX = 15;

    private Rtnetlink() {
    }
}
