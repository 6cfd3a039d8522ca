package io.lvs.agent.kernel.ipvs;

import java.util.Optional;

/** The IPVS scheduling algorithms, each with the name the kernel (and ipvsadm -s) knows it by. */
public enum Scheduler {
    /** Round robin. */
    RR("rr"),
    /** Weighted round robin. */
    WRR("wrr"),
    /** Least connections. */
    LC("lc"),
    /** Weighted least connections. */
    WLC("wlc"),
    /** Shortest expected delay. */
    SED("sed"),
    /** Never queue. */
    NQ("nq"),
    /** Source hashing (flags: {@link SchedulerFlag#FALLBACK}, {@link SchedulerFlag#PORT}). */
    SH("sh"),
    /** Destination hashing. */
    DH("dh"),
    /** Locality-based least connections. */
    LBLC("lblc"),
    /** Locality-based least connections with replication. */
    LBLCR("lblcr"),
    /** Maglev hashing (flags: {@link SchedulerFlag#FALLBACK}, {@link SchedulerFlag#PORT}). */
    MH("mh"),
    /** Weighted failover. */
    FO("fo"),
    /** Weighted overflow. */
    OVF("ovf"),
    /** Weighted random twos choice (Linux 5.11+, often not built). */
    TWOS("twos"),
    /** No scheduler: the kernel accepts "none" and then schedules no new connections. */
    NONE("none");

    private final String kernelName;

    Scheduler(String kernelName) {
        this.kernelName = kernelName;
    }

    /** The name in IPVS_SVC_ATTR_SCHED_NAME. */
    public String kernelName() {
        return kernelName;
    }

    /** The kernel module that implements it ({@code ip_vs_rr}), or empty for {@link #NONE}. */
    public Optional<String> moduleName() {
        return this == NONE ? Optional.empty() : Optional.of("ip_vs_" + kernelName);
    }

    /** The scheduler with this kernel name, if this library knows it. */
    public static Optional<Scheduler> fromKernelName(String name) {
        for (Scheduler s : values()) {
            if (s.kernelName.equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
