package io.lvs.agent.health;

import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A snapshot of the monitor's metrics as plain data, for the agent to render in Prometheus' text format.
 *
 * @param probes         finished probes by type and outcome (counters since start)
 * @param latency        probe latency by type (histograms since start)
 * @param healthyTargets targets now healthy (a gauge)
 * @param unhealthyTargets targets now unhealthy (a gauge)
 * @param inFlight       probes running now (a gauge)
 * @param schedulingLag  how late probes started against their schedule (a histogram since start): it
 *                       grows when the engine is overloaded, or when more probes are due than
 *                       {@code maxInFlight} allows at once
 */
public record HealthMetrics(Map<CheckType, Map<Outcome, Long>> probes, Map<CheckType, Histogram> latency,
                            long healthyTargets, long unhealthyTargets, int inFlight, Histogram schedulingLag) {
    public HealthMetrics {
        probes = probes.entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> Map.copyOf(e.getValue())));
        latency = Map.copyOf(latency);
        Objects.requireNonNull(schedulingLag, "schedulingLag");
    }

    /** Finished probes of {@code type} that ended with {@code outcome}. */
    public long probes(CheckType type, Outcome outcome) {
        return probes.getOrDefault(type, Map.of()).getOrDefault(outcome, 0L);
    }

    /** Finished probes of every type and outcome. */
    public long probesTotal() {
        return probes.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
    }
}
