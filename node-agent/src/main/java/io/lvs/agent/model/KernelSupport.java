package io.lvs.agent.model;

import io.lvs.agent.kernel.ipvs.Scheduler;
import java.util.Optional;
import java.util.function.Function;

/**
 * What this node's kernel can do, as far as desired state depends on it: whether it has IPVS, and whether it can
 * load a scheduler. Each "no" is a sentence naming the module to load.
 *
 * @param ipvsProblem      why IPVS cannot be used, or empty when it can
 * @param schedulerProblem why a scheduler cannot be used, or empty when it can
 */
public record KernelSupport(Optional<String> ipvsProblem, Function<Scheduler, Optional<String>> schedulerProblem) {

    /** A kernel with IPVS and every scheduler. */
    public static KernelSupport full() {
        return new KernelSupport(Optional.empty(), s -> Optional.empty());
    }
}
