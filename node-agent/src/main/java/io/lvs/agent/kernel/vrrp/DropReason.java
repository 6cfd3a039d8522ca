package io.lvs.agent.kernel.vrrp;

/** Why a received VRRP packet was dropped, each with the RFC 5798 section (or our extension) that asks for it. */
public enum DropReason {
    /** Shorter than the 8-byte header, or than the addresses its count announces. */
    TRUNCATED,
    /** The version field is not 3 (5.2.1). */
    WRONG_VERSION,
    /** The type field is not 1, ADVERTISEMENT (5.2.2). */
    WRONG_TYPE,
    /** The checksum over the message and the IP pseudo-header does not match (5.2.8, 7.1). */
    BAD_CHECKSUM,
    /** The bytes after the header are neither the announced count of addresses nor those plus our trailer (7.1). */
    ADDRESS_COUNT_MISMATCH,
    /** VRID 0 or a Max Advertisement Interval of 0, which no virtual router can have (5.2.3, 5.2.7). */
    INVALID_FIELD,
    /** Source and destination are not of one family, so the address length is unknown. */
    WRONG_FAMILY,
    /** The IPv4 TTL or IPv6 hop limit is not 255: it was forwarded by a router (5.1.1.3, 5.1.2.3, 7.1). */
    BAD_TTL,
    /** A plain RFC 5798 advertisement (no authentication trailer) from a sender not listed as a compatibility peer. */
    UNAUTHENTICATED,
    /** The trailer names a key id that is neither the current nor the previous key. */
    UNKNOWN_KEY,
    /** The trailer's HMAC-SHA256 does not match the message under the key it names. */
    BAD_MAC,
    /** The trailer's sequence number is not above the last one accepted from that sender. */
    REPLAYED
}
