package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;

/** The IPVS scheduling algorithms, under their kernel names. */
public enum Scheduler {
    /** Round robin. */
    RR("rr"),
    /** Weighted round robin. */
    WRR("wrr"),
    /** Least connections. */
    LC("lc"),
    /** Weighted least connections (the kernel's and this API's default). */
    WLC("wlc"),
    /** Shortest expected delay. */
    SED("sed"),
    /** Never queue. */
    NQ("nq"),
    /** Source hashing. */
    SH("sh"),
    /** Destination hashing. */
    DH("dh"),
    /** Locality-based least connections. */
    LBLC("lblc"),
    /** Locality-based least connections with replication. */
    LBLCR("lblcr"),
    /** Maglev hashing: consistent, so directors without shared state pick the same real server. */
    MH("mh"),
    /** Weighted failover. */
    FO("fo"),
    /** Weighted overflow. */
    OVF("ovf"),
    /** Weighted random twos choice (Linux 5.19 and later; not built in every distribution kernel). */
    TWOS("twos");

    private final String kernelName;

    Scheduler(String kernelName) {
        this.kernelName = kernelName;
    }

    /** The name the kernel knows the scheduler by ({@code ip_vs_<name>} module). */
    @JsonValue
    public String kernelName() {
        return kernelName;
    }

    /** True for the schedulers that take the sh/mh flags (fallback, port). */
    public boolean takesHashFlags() {
        return this == SH || this == MH;
    }
}
