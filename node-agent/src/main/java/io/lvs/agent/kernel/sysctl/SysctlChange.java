package io.lvs.agent.kernel.sysctl;

/**
 * The result of setting one kernel parameter: its value before, and the value now. Keep it to
 * restore the previous value at uninstall ({@link Sysctls#restore}).
 */
public record SysctlChange(Sysctl key, int previous, int value) {
    /** True when the parameter was written (it had another value). */
    public boolean changed() {
        return previous != value;
    }
}
