package io.lvs.agent.kernel.vrrp;

import io.lvs.agent.kernel.vrrp.ReceivedAdvert.Accepted;
import io.lvs.agent.kernel.vrrp.ReceivedAdvert.Dropped;
import io.lvs.agent.kernel.vrrp.ReceivedAdvert.Trailer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Accepts or drops received adverts: the format ({@link VrrpCodec#decode}), the TTL, and the authentication trailer
 * under the current or the previous key (or the key ring given to {@link #accept}), with replay protection (a
 * sender's sequence number must rise). Plain RFC
 * 5798 adverts are accepted only from the listed compatibility peers. Holds the last sequence number accepted from
 * each sender; not thread-safe (one receiving thread).
 */
public final class AdvertVerifier {
    private VrrpKey current;
    private Map<Integer, VrrpKey> keys = new HashMap<>();
    private final Set<InetAddress> compatibilityPeers;
    private final Map<InetAddress, Long> lastSequence = new HashMap<>();

    /** {@code compatibilityPeers}: senders whose plain adverts are accepted (e.g. routers running keepalived). */
    public AdvertVerifier(VrrpKey current, Set<InetAddress> compatibilityPeers) {
        this.current = current;
        this.keys.put(current.id(), current);
        this.compatibilityPeers = Set.copyOf(compatibilityPeers);
    }

    /** Makes {@code next} the current key; the current one stays accepted as the previous key. */
    public void rotate(VrrpKey next) {
        if (next.id() == current.id()) {
            throw new IllegalArgumentException("a new key needs a new id, " + next.id() + " is the current one");
        }
        keys = new HashMap<>(Map.of(current.id(), current, next.id(), next));
        current = next;
    }

    /**
     * Accepts adverts under exactly {@code accepted} from now on (a key ring read from the key file: the key senders
     * sign with and the ones they are moving from or to); at least one key, ids distinct.
     */
    public void accept(java.util.Collection<VrrpKey> accepted) {
        if (accepted.isEmpty()) {
            throw new IllegalArgumentException("no key to accept adverts under");
        }
        Map<Integer, VrrpKey> m = new HashMap<>();
        for (VrrpKey k : accepted) {
            if (m.put(k.id(), k) != null) {
                throw new IllegalArgumentException("two keys with id " + k.id());
            }
        }
        keys = m;
        current = accepted.iterator().next();
    }

    /** Checks the packet {@code m} received from {@code source} to {@code destination} with TTL {@code ttl}. */
    public ReceivedAdvert verify(byte[] m, InetAddress source, InetAddress destination, int ttl) {
        Optional<Dropped> badTtl = VrrpCodec.checkTtl(ttl);
        if (badTtl.isPresent()) {
            return badTtl.get();
        }
        ReceivedAdvert r = VrrpCodec.decode(m, source, destination);
        if (!(r instanceof Accepted a)) {
            return r;
        }
        if (a.trailer().isEmpty()) {
            return compatibilityPeers.contains(source) ? a
                    : new Dropped(DropReason.UNAUTHENTICATED, "plain advert from " + source.getHostAddress()
                            + ", not a compatibility peer");
        }
        Trailer t = a.trailer().get();
        VrrpKey key = keys.get(t.keyId());
        if (key == null) {
            return new Dropped(DropReason.UNKNOWN_KEY, "key id " + t.keyId() + " from " + source.getHostAddress());
        }
        if (!VrrpCodec.macMatches(m, source, destination, key)) {
            return new Dropped(DropReason.BAD_MAC, "under key id " + t.keyId() + " from " + source.getHostAddress());
        }
        Long last = lastSequence.get(source);
        if (last != null && Long.compareUnsigned(t.sequence(), last) <= 0) {
            return new Dropped(DropReason.REPLAYED, "sequence " + Long.toUnsignedString(t.sequence()) + " from "
                    + source.getHostAddress() + ", last accepted " + Long.toUnsignedString(last));
        }
        lastSequence.put(source, t.sequence());
        return a;
    }
}
