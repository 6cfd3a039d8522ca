package io.lvs.agent.kernel.ipvs;

/**
 * The scheduler-specific service flags (ipvsadm {@code -b}). The kernel has three anonymous bits;
 * sh and mh both read the first as "fallback" and the second as "port".
 */
public enum SchedulerFlag {
    /** IP_VS_SVC_F_SCHED1: sh-fallback / mh-fallback, skip an unavailable server instead of failing. */
    FALLBACK(IpvsConstants.IP_VS_SVC_F_SCHED1, "fallback"),
    /** IP_VS_SVC_F_SCHED2: sh-port / mh-port, hash the source port too. */
    PORT(IpvsConstants.IP_VS_SVC_F_SCHED2, "port"),
    /** IP_VS_SVC_F_SCHED3: ipvsadm's flag-3, unused by the schedulers in the kernel today. */
    FLAG_3(IpvsConstants.IP_VS_SVC_F_SCHED3, "flag-3");

    private final int bit;
    private final String label;

    SchedulerFlag(int bit, String label) {
        this.bit = bit;
        this.label = label;
    }

    /** The IP_VS_SVC_F_SCHED* bit. */
    public int bit() {
        return bit;
    }

    /** "fallback", "port" or "flag-3". */
    public String label() {
        return label;
    }
}
