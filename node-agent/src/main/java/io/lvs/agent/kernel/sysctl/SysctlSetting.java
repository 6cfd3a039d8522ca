package io.lvs.agent.kernel.sysctl;

/** A wanted value of one kernel parameter. */
public record SysctlSetting(Sysctl key, int value) {
}
