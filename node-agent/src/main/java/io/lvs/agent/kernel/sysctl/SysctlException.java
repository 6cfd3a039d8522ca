package io.lvs.agent.kernel.sysctl;

import io.lvs.agent.kernel.KernelException;
import java.util.List;

/**
 * A kernel parameter could not be read or written; the message names the parameter, the namespace,
 * the errno and the likely cause. When a batch stopped half way, {@link #applied()} lists what had
 * been changed before, so that it can be restored.
 */
public final class SysctlException extends KernelException {
    private final Sysctl key;
    private final List<SysctlChange> applied;

    SysctlException(Sysctl key, String message, int errno, Throwable cause, List<SysctlChange> applied) {
        super(message, errno, cause);
        this.key = key;
        this.applied = List.copyOf(applied);
    }

    public Sysctl key() {
        return key;
    }

    /** Changes made by the same batch before this failure (empty for a single read or write). */
    public List<SysctlChange> applied() {
        return applied;
    }
}
