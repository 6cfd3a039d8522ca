package io.lvs.agent.node;

import io.lvs.agent.health.CheckKey;
import io.lvs.agent.health.CheckSpec;
import io.lvs.agent.health.CheckTarget;
import io.lvs.agent.health.HealthMetrics;
import io.lvs.agent.health.HealthMonitor;
import io.lvs.agent.health.HealthState;
import io.lvs.agent.health.HttpRequest;
import io.lvs.agent.health.StatusRange;
import io.lvs.agent.health.Transition;
import io.lvs.agent.kernel.icmp.IcmpProber;
import io.lvs.agent.model.NodeDesired.ProbeSpec;
import io.lvs.api.v1alpha1.GoDuration;
import io.lvs.api.v1alpha1.HealthCheckSpec;
import io.lvs.api.v1alpha1.HttpCheckSpec;
import io.lvs.api.v1alpha1.ProbeResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop's {@link HealthChecks} on the health monitor: maps the API's checks to the monitor's, keeps the probe that
 * decided each verdict (what NodeReports show: transitions, not every probe), and wakes the loop on each transition.
 * ICMP checks share one raw socket in the node's namespace.
 */
public final class MonitoredHealth implements HealthChecks {
    private static final Logger LOG = LoggerFactory.getLogger(MonitoredHealth.class);

    private final HealthMonitor monitor;
    private final IcmpProber icmp;
    private final String nodeName;
    private final Map<String, ProbeResult> deciding = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** The probes of the last update, for the per-target metrics. */
    private volatile List<ProbeSpec> probes = List.of();

    private MonitoredHealth(NodeKernel kernel, String nodeName) {
        this.nodeName = nodeName;
        this.icmp = IcmpProber.open(kernel.namespace());
        this.monitor = kernel.namespace().call(() -> HealthMonitor.start(HealthMonitor.Options.defaults().withIcmp(icmp),
                this::transition)); // the monitor's sockets belong to the namespace of the thread that starts it
    }

    /** Starts the monitor on {@code kernel}'s namespace; the node name goes into each reported probe. */
    public static MonitoredHealth start(NodeKernel kernel, String nodeName) {
        return new MonitoredHealth(kernel, nodeName);
    }

    private void transition(Transition t) {
        deciding.put(t.key().value(), apiProbe(t.probe()));
        LOG.info("{} is now {}: {}", t.key().value(), t.healthy() ? "healthy" : "unhealthy", t.probe().message());
        listeners.forEach(Runnable::run);
    }

    @Override
    public void update(Collection<ProbeSpec> probes) {
        List<CheckTarget> targets = new ArrayList<>(probes.size());
        for (ProbeSpec p : probes) {
            try {
                targets.add(new CheckTarget(new CheckKey(p.key()), p.address(), p.port(), spec(p.check()),
                        p.initiallyHealthy()));
            } catch (IllegalArgumentException e) {
                LOG.warn("health check {} cannot run: {}", p.key(), e.getMessage());
            }
        }
        monitor.update(targets);
        this.probes = List.copyOf(probes);
        deciding.keySet().retainAll(targets.stream().map(t -> t.key().value()).toList());
    }

    @Override
    public Optional<Verdict> verdict(String probeKey) {
        Optional<HealthState> s = monitor.state(new CheckKey(probeKey));
        return s.map(st -> new Verdict(st.healthy(), st.since(), Optional.ofNullable(deciding.get(probeKey))));
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** A probe and whether its target is healthy now (empty: not decided yet). */
    public record TargetState(ProbeSpec probe, Optional<Boolean> healthy) {
    }

    /** Every probe's current verdict, for /metrics. */
    public List<TargetState> targets() {
        List<TargetState> out = new ArrayList<>();
        for (ProbeSpec p : probes) {
            out.add(new TargetState(p, monitor.state(new CheckKey(p.key())).map(HealthState::healthy)));
        }
        return out;
    }

    /** The monitor's counters, for /metrics. */
    public HealthMetrics metrics() {
        return monitor.metrics();
    }

    @Override
    public void close() {
        monitor.close();
        icmp.close();
    }

    /** The monitor's check for an API health check (type None has no target; the caller registers none). */
    static CheckSpec spec(HealthCheckSpec hc) {
        Duration interval = GoDuration.parse(hc.getInterval());
        Duration timeout = GoDuration.parse(hc.getTimeout());
        int rise = hc.getRise() == null ? 2 : hc.getRise();
        int fall = hc.getFall() == null ? 3 : hc.getFall();
        return switch (hc.getType()) {
            case ICMP -> CheckSpec.icmp(interval, timeout, rise, fall);
            case TCP -> CheckSpec.tcp(interval, timeout, rise, fall);
            case HTTP -> CheckSpec.http(interval, timeout, rise, fall, request(hc.getHttp()));
            case HTTPS -> CheckSpec.https(interval, timeout, rise, fall, request(hc.getHttp()));
            case None -> throw new IllegalArgumentException("check type None is not probed");
        };
    }

    private static HttpRequest request(HttpCheckSpec h) {
        HttpRequest r = HttpRequest.defaults();
        if (h == null) {
            return r;
        }
        if (h.getPath() != null) {
            r = r.withPath(h.getPath());
        }
        if (h.getHost() != null) {
            r = r.withHost(h.getHost());
        }
        if (h.getExpectedStatuses() != null && !h.getExpectedStatuses().isEmpty()) {
            r = r.withAccepted(h.getExpectedStatuses().stream().map(StatusRange::parse).toArray(StatusRange[]::new));
        }
        if (h.getBodyContains() != null) {
            r = r.withBodyContains(h.getBodyContains());
        }
        if (h.getServerName() != null) {
            r = r.withServerName(h.getServerName());
        }
        return r.withVerifyCertificate(Boolean.TRUE.equals(h.getVerifyCertificate()));
    }

    private ProbeResult apiProbe(io.lvs.agent.health.ProbeResult p) {
        ProbeResult r = new ProbeResult();
        r.setResult(p.outcome().label());
        r.setLatency(latency(p.latency()));
        r.setTime(p.finished().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        r.setNodeName(nodeName);
        r.setMessage(p.message());
        return r;
    }

    /** "850us", "1.2ms", "3.0s": what a person reads in kubectl. */
    static String latency(Duration d) {
        long us = d.toNanos() / 1000;
        if (us < 1000) {
            return us + "us";
        }
        if (us < 1_000_000) {
            return String.format(java.util.Locale.ROOT, "%.1fms", us / 1000.0);
        }
        return String.format(java.util.Locale.ROOT, "%.1fs", us / 1_000_000.0);
    }
}
