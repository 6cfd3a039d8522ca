package io.lvs.agent.kernel.vrrp;

import java.util.Optional;

/** What a received VRRP packet is: a well-formed advert (its trailer not yet verified) or a drop and why. */
public sealed interface ReceivedAdvert {

    /** The authentication trailer of a received advert. */
    record Trailer(int keyId, long sequence) {
    }

    /** A well-formed advert, with its trailer if it had one (not yet verified: see {@link AdvertVerifier}). */
    record Accepted(VrrpAdvert advert, Optional<Trailer> trailer) implements ReceivedAdvert {
    }

    /** A dropped packet and why. */
    record Dropped(DropReason reason, String detail) implements ReceivedAdvert {
    }
}
