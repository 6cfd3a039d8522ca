package io.lvs.agent.kernel.ipvs;

import io.lvs.agent.kernel.netlink.NetlinkException;

/**
 * A service names a scheduler whose module this kernel does not have (the kernel answers ENOENT). Ask
 * ahead with {@link Ipvs#schedulerState(Scheduler)} to report it as unavailable instead of failing.
 */
public final class SchedulerUnavailableException extends NetlinkException {
    private final Scheduler scheduler;

    SchedulerUnavailableException(NetlinkException refused, Scheduler scheduler, String where) {
        super(refused.request() + ": scheduler " + scheduler.kernelName() + " is not available in this kernel (module "
                + scheduler.moduleName().orElse("-") + " is not loaded, not built in and not installed under "
                + where + "): ENOENT", refused);
        this.scheduler = scheduler;
    }

    /** The scheduler the kernel lacks. */
    public Scheduler scheduler() {
        return scheduler;
    }
}
