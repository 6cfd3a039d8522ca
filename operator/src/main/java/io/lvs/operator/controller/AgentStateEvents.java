package io.lvs.operator.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.lvs.operator.agent.AgentWatch;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Wakes the primaries that a change of some nodes' agent state concerns (an agent appeared, lapsed, or its pod
 * started failing). Registered as an event source so it runs exactly while its controller runs.
 */
final class AgentStateEvents<P extends HasMetadata> extends AbstractEventSource<Lease, P> {
    private final AgentWatch watch;
    private final Function<Set<String>, Set<ResourceID>> affected;
    private final Consumer<Set<String>> listener = this::changed;
    private volatile boolean running;

    /** {@code affected} maps node names (or {@link AgentWatch#ALL_NODES}) to the primaries to reconcile. */
    AgentStateEvents(String name, AgentWatch watch, Function<Set<String>, Set<ResourceID>> affected) {
        super(Lease.class, name);
        this.watch = watch;
        this.affected = affected;
        watch.addListener(listener); // once: start() runs again each time this replica becomes leader
    }

    @Override
    public void start() {
        super.start();
        running = true;
        watch.start();
    }

    private void changed(Set<String> nodes) {
        if (running) {
            affected.apply(nodes).forEach(id -> getEventHandler().handleEvent(new Event(id)));
        }
    }

    @Override
    public void stop() {
        running = false;
        super.stop();
    }

    @Override
    public Set<Lease> getSecondaryResources(P primary) {
        return Set.of();
    }
}
