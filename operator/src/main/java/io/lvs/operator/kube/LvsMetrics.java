package io.lvs.operator.kube;

import io.lvs.api.v1alpha1.VirtualServiceStatus;
import io.lvs.operator.model.Conditions;
import io.lvs.operator.model.Ref;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus metrics about VirtualServices as the operator sees them (the agents export kernel counters themselves):
 * per VirtualService {@code lvs_virtualservice_accepted|programmed|ready|degraded} (1/0),
 * {@code lvs_virtualservice_real_servers{state="ready|total"}} and {@code lvs_virtualservice_failovers_total}.
 */
@ApplicationScoped
public class LvsMetrics {
    private final MeterRegistry registry;
    private final Map<Ref, State> states = new ConcurrentHashMap<>();

    /** Latest values of one VirtualService, read by its gauges. */
    private static final class State {
        volatile double accepted;
        volatile double programmed;
        volatile double ready;
        volatile double degraded;
        volatile double readyServers;
        volatile double totalServers;
        volatile String activeDirector;
        final List<Meter> meters = new ArrayList<>();
    }

    public LvsMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void update(Ref ref, VirtualServiceStatus st) {
        State s = states.computeIfAbsent(ref, this::register);
        s.accepted = Conditions.isTrue(st.getConditions(), Conditions.ACCEPTED) ? 1 : 0;
        s.programmed = Conditions.isTrue(st.getConditions(), Conditions.PROGRAMMED) ? 1 : 0;
        s.ready = Conditions.isTrue(st.getConditions(), Conditions.READY) ? 1 : 0;
        s.degraded = Conditions.isTrue(st.getConditions(), Conditions.DEGRADED) ? 1 : 0;
        s.readyServers = st.getReadyRealServers() == null ? 0 : st.getReadyRealServers();
        s.totalServers = st.getTotalRealServers() == null ? 0 : st.getTotalRealServers();
        String active = st.getActiveDirector();
        if (s.activeDirector != null && active != null && !Objects.equals(s.activeDirector, active)) {
            Counter.builder("lvs.virtualservice.failovers").description("VIP moves to another director seen by the operator")
                    .tags(tags(ref)).register(registry).increment();
        }
        if (active != null) {
            s.activeDirector = active;
        }
    }

    public void remove(Ref ref) {
        State s = states.remove(ref);
        if (s != null) {
            s.meters.forEach(registry::remove);
        }
        registry.find("lvs.virtualservice.failovers").tags(tags(ref)).meters().forEach(registry::remove);
    }

    private State register(Ref ref) {
        State s = new State();
        Tags t = tags(ref);
        s.meters.add(Gauge.builder("lvs.virtualservice.accepted", s, x -> x.accepted).tags(t)
                .description("1 when the VirtualService is Accepted").register(registry));
        s.meters.add(Gauge.builder("lvs.virtualservice.programmed", s, x -> x.programmed).tags(t)
                .description("1 when every director holds the accepted generation").register(registry));
        s.meters.add(Gauge.builder("lvs.virtualservice.ready", s, x -> x.ready).tags(t)
                .description("1 when a director holds the VIP and a real server is healthy").register(registry));
        s.meters.add(Gauge.builder("lvs.virtualservice.degraded", s, x -> x.degraded).tags(t)
                .description("1 when the VirtualService is Degraded").register(registry));
        s.meters.add(Gauge.builder("lvs.virtualservice.real.servers", s, x -> x.readyServers).tags(t.and("state", "ready"))
                .description("real servers by state").register(registry));
        s.meters.add(Gauge.builder("lvs.virtualservice.real.servers", s, x -> x.totalServers).tags(t.and("state", "total"))
                .description("real servers by state").register(registry));
        return s;
    }

    private static Tags tags(Ref ref) {
        return Tags.of("namespace", ref.namespace(), "name", ref.name());
    }
}
