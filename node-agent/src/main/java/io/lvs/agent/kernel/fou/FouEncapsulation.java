package io.lvs.agent.kernel.fou;

/** What a FOU port strips: a UDP header only (FOU_ENCAP_DIRECT) or a UDP and a GUE header (FOU_ENCAP_GUE). */
public enum FouEncapsulation {
    /** FOU_ENCAP_DIRECT: the inner protocol is fixed per port. */
    DIRECT(FouConstants.FOU_ENCAP_DIRECT),
    /** FOU_ENCAP_GUE: the GUE header names the inner protocol (IPVS's GUE tunnels send these). */
    GUE(FouConstants.FOU_ENCAP_GUE),
    /** A type this library does not know (a newer kernel's). */
    OTHER(0);

    private final int kernelValue;

    FouEncapsulation(int kernelValue) {
        this.kernelValue = kernelValue;
    }

    /** FOU_ENCAP_*. */
    int kernelValue() {
        return kernelValue;
    }

    static FouEncapsulation of(int kernelValue) {
        return switch (kernelValue) {
            case FouConstants.FOU_ENCAP_DIRECT -> DIRECT;
            case FouConstants.FOU_ENCAP_GUE -> GUE;
            default -> OTHER;
        };
    }
}
