package io.lvs.agent.node;

import io.lvs.agent.model.NodeDesired.ProbeSpec;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Health verdicts a test sets by hand, for loop tests about the kernel and the API (the health monitor's own tests
 * probe real servers; here a verdict is an input like any object).
 */
final class FixedHealth implements HealthChecks {
    private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile List<ProbeSpec> probes = List.of();

    void set(String key, boolean healthy) {
        verdicts.put(key, new Verdict(healthy, Instant.now(), Optional.empty()));
        listeners.forEach(Runnable::run);
    }

    List<ProbeSpec> probes() {
        return probes;
    }

    @Override
    public void update(Collection<ProbeSpec> p) {
        probes = List.copyOf(p);
    }

    @Override
    public Optional<Verdict> verdict(String probeKey) {
        return Optional.ofNullable(verdicts.get(probeKey));
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
    }
}
