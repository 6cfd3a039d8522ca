package io.lvs.agent.inspect;

import io.lvs.agent.kernel.sysctl.Sysctl;
import java.util.Objects;

/**
 * One kernel parameter and what reading it gave ({@link Reading.Unavailable} when this kernel or
 * namespace has no such parameter).
 */
public record SysctlReading(Sysctl key, Reading<Integer> value) {
    public SysctlReading {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
