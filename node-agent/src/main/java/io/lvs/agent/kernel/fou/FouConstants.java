package io.lvs.agent.kernel.fou;

/** The FOU generic netlink family from {@code <linux/fou.h>}, under the kernel's names. */
final class FouConstants {
    static final String FOU_GENL_NAME = "fou";
    static final int FOU_GENL_VERSION = 1;

    // enum of commands
    static final int FOU_CMD_ADD = 1;
    static final int FOU_CMD_DEL = 2;
    static final int FOU_CMD_GET = 3;

    // enum of attributes
    static final int FOU_ATTR_PORT = 1; // be16 (the policy says u16; the value is in network order)
    static final int FOU_ATTR_AF = 2; // u8: AF_INET or AF_INET6
    static final int FOU_ATTR_IPPROTO = 3; // u8: the protocol inside, for FOU_ENCAP_DIRECT
    static final int FOU_ATTR_TYPE = 4; // u8: FOU_ENCAP_*
    static final int FOU_ATTR_REMCSUM_NOPARTIAL = 5; // flag
    static final int FOU_ATTR_LOCAL_V4 = 6; // in_addr
    static final int FOU_ATTR_LOCAL_V6 = 7; // in6_addr
    static final int FOU_ATTR_PEER_V4 = 8; // in_addr
    static final int FOU_ATTR_PEER_V6 = 9; // in6_addr
    static final int FOU_ATTR_PEER_PORT = 10; // be16
    static final int FOU_ATTR_IFINDEX = 11; // s32

    // enum of encapsulation types
    static final int FOU_ENCAP_DIRECT = 1;
    static final int FOU_ENCAP_GUE = 2;

    private FouConstants() {
    }
}
