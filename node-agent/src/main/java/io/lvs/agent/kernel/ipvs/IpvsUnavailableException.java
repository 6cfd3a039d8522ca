package io.lvs.agent.kernel.ipvs;

import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.sys.Errno;

/** The kernel of a network namespace has no IPVS: the generic netlink family "IPVS" does not exist. */
public final class IpvsUnavailableException extends KernelException {
    public IpvsUnavailableException(String where, Throwable cause) {
        super("IPVS is not available in " + where + ": the kernel has no generic netlink family \""
                + IpvsConstants.IPVS_GENL_NAME + "\"; load the ip_vs module (modprobe ip_vs) or run a kernel built "
                + "with CONFIG_IP_VS", Errno.ENOENT.number(), cause);
    }
}
