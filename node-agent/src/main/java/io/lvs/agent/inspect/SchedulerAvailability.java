package io.lvs.agent.inspect;

import io.lvs.agent.kernel.ipvs.KernelModules;
import io.lvs.agent.kernel.ipvs.Scheduler;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which IPVS schedulers this kernel can provide, asked of the module tree ahead of any service.
 *
 * @param moduleDirectory        where installed modules were looked for ({@code /lib/modules/RELEASE})
 * @param moduleDirectoryPresent false when that directory is not there (a container without the host's
 *                               modules mounted): a module that is not loaded then shows as absent
 * @param states                 the state of every scheduler that needs a module, in {@link Scheduler} order
 */
public record SchedulerAvailability(Path moduleDirectory, boolean moduleDirectoryPresent,
                                    Map<Scheduler, KernelModules.State> states) {
    public SchedulerAvailability {
        Objects.requireNonNull(moduleDirectory, "moduleDirectory");
        states = states.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(states));
    }
}
