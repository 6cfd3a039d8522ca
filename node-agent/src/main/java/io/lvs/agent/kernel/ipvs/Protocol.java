package io.lvs.agent.kernel.ipvs;

import java.util.Optional;

/** The transport protocols an IPVS virtual service can match, with their IPPROTO_* numbers. */
public enum Protocol {
    TCP(6),
    UDP(17),
    SCTP(132);

    private final int number;

    Protocol(int number) {
        this.number = number;
    }

    /** IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP. */
    public int number() {
        return number;
    }

    /** The protocol for an IPPROTO_* number, if IPVS services can use it. */
    public static Optional<Protocol> fromNumber(int number) {
        for (Protocol p : values()) {
            if (p.number == number) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
