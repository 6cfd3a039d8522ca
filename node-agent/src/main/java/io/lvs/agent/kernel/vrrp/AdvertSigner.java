package io.lvs.agent.kernel.vrrp;

import java.net.InetAddress;

/**
 * Encodes this node's adverts with the authentication trailer, raising the sequence number with each. The first
 * sequence number is the caller's (e.g. the wall clock in microseconds at start, so that a restarted agent keeps
 * rising above what its peers last accepted). Not thread-safe (one sending thread).
 */
public final class AdvertSigner {
    private VrrpKey key;
    private long next;

    public AdvertSigner(VrrpKey key, long firstSequence) {
        this.key = key;
        this.next = firstSequence;
    }

    /** Signs from now on with {@code next}; the sequence keeps rising across keys. */
    public void rotate(VrrpKey nextKey) {
        this.key = nextKey;
    }

    /** A plain RFC 5798 advert (no trailer, no sequence number), for a compatibility peer such as keepalived. */
    public static byte[] unsigned(VrrpAdvert advert, InetAddress source, InetAddress destination) {
        return VrrpCodec.encode(advert, source, destination);
    }

    /** The next advert from {@code source} to {@code destination}. */
    public byte[] seal(VrrpAdvert advert, InetAddress source, InetAddress destination) {
        return VrrpCodec.encode(advert, source, destination, key, next++);
    }
}
