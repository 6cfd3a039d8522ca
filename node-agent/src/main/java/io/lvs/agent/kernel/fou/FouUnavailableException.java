package io.lvs.agent.kernel.fou;

import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.sys.Errno;

/**
 * The kernel of a network namespace has no FOU: the generic netlink family "fou" does not exist. The kernel does not
 * load the fou module on demand for generic netlink, so it must be loaded beforehand.
 */
public final class FouUnavailableException extends KernelException {
    public FouUnavailableException(String where, Throwable cause) {
        super("FOU is not available in " + where + ": the kernel has no generic netlink family \""
                + FouConstants.FOU_GENL_NAME + "\"; load the fou module (modprobe fou, and list it in "
                + "/etc/modules-load.d/ to survive reboots)", Errno.ENOENT.number(), cause);
    }
}
