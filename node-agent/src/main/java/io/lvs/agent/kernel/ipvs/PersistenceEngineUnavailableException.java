package io.lvs.agent.kernel.ipvs;

import io.lvs.agent.kernel.netlink.NetlinkException;

/**
 * A service names a persistence engine ({@code ipvsadm --pe}) whose module this kernel does not have (the kernel
 * answers ENOENT, as for a missing scheduler): the message names the module to load.
 */
public final class PersistenceEngineUnavailableException extends NetlinkException {
    private final String engine;

    PersistenceEngineUnavailableException(NetlinkException refused, String engine, String where) {
        super(refused.request() + ": persistence engine " + engine + " is not available in this kernel (module "
                + moduleName(engine) + " is not loaded, not built in and not installed under " + where
                + "; load it with modprobe " + moduleName(engine) + "): ENOENT", refused);
        this.engine = engine;
    }

    /** The engine the kernel lacks, as the service names it ("sip"). */
    public String engine() {
        return engine;
    }

    /** The module that provides a persistence engine: ip_vs_pe_NAME. */
    static String moduleName(String engine) {
        return "ip_vs_pe_" + engine;
    }
}
