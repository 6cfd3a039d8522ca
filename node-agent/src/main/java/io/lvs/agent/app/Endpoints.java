package io.lvs.agent.app;

import io.lvs.agent.http.AgentHttp;
import io.lvs.agent.election.VrrpElection;
import io.lvs.agent.http.PrometheusText;
import io.lvs.agent.node.ActiveDirectors;
import io.lvs.agent.inspect.InspectReport;
import io.lvs.agent.inspect.IpvsadmListing;
import io.lvs.agent.inspect.NodeInspector;
import io.lvs.agent.kernel.ipvs.KernelModules;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import io.lvs.agent.node.ControlLoop;
import io.lvs.agent.node.IpvsMetrics;
import io.lvs.agent.health.HealthMetrics;
import io.lvs.agent.health.Histogram;
import io.lvs.agent.node.LatencyHistogram;
import io.lvs.agent.model.NodeDesired.ProbeSpec;
import io.lvs.agent.node.MonitoredHealth;
import java.nio.file.Path;
import java.util.Optional;

/** What the agent's HTTP endpoints answer, read from the running rooms. */
final class Endpoints implements AgentHttp.Endpoints {
    private final NodeAgent agent;

    Endpoints(NodeAgent agent) {
        this.agent = agent;
    }

    @Override
    public AgentHttp.Probe liveness() {
        boolean alive = agent.loop().alive();
        return new AgentHttp.Probe(alive, alive ? "ok" : "the control loop is not running");
    }

    @Override
    public AgentHttp.Probe readiness() {
        return readiness(agent.loop().status());
    }

    /**
     * Ready means "this agent has synced and applied what it can": its caches have synced, a full pass has run on them
     * since it started, and that pass did its work (no step failed as a whole: the kernel could be read and written,
     * the state directory saved). What one VirtualService cannot have (a refused operation, an entry someone else holds,
     * a missing scheduler) is in that VirtualService's NodeReport and leaves the agent ready, so that the DaemonSet's
     * readiness says something true about every other VirtualService on the node.
     */
    static AgentHttp.Probe readiness(ControlLoop.PassStatus s) {
        if (!s.synced()) {
            return new AgentHttp.Probe(false, "not ready: " + String.join("; ", s.problems()));
        }
        if (!s.failures().isEmpty()) {
            return new AgentHttp.Probe(false, "not ready: pass " + s.pass() + " could not do its work: "
                    + String.join("; ", s.failures()));
        }
        return new AgentHttp.Probe(true, "ready: pass " + s.pass() + " finished at " + s.finished() + (s.converged()
                ? "; the kernel holds what this node's VirtualServices need"
                : "; not everything is as desired (each VirtualService's NodeReport says what): "
                        + String.join("; ", s.problems())));
    }

    @Override
    public void metrics(PrometheusText t) {
        ControlLoop.AgentCounters c = agent.loop().counters();
        ControlLoop.PassStatus s = agent.loop().status();
        t.single("lvs_agent_passes_total", "counter", "Control-loop passes.", c.passes.get());
        t.single("lvs_agent_pass_errors_total", "counter", "Passes that failed as a whole (retried).", c.passErrors.get());
        t.single("lvs_agent_kernel_operations_total", "counter", "Kernel changes made (IPVS operations, addresses, sysctls).",
                c.kernelOps.get());
        t.single("lvs_agent_ipvs_operations_total", "counter", "IPVS operations applied.", c.ipvsOps.get());
        t.single("lvs_agent_sysctl_writes_total", "counter", "Sysctl writes (sets and restores).", c.sysctlWrites.get());
        t.single("lvs_agent_drift_repairs_total", "counter", "Changes somebody else made to what the agent programs, "
                + "repaired.", c.driftRepairs.get());
        t.single("lvs_agent_address_notifications_total", "counter", "Address changes the kernel announced (rtnetlink); "
                + "one that concerns a VIP has its addresses reconciled at once.", c.addressNotifications.get());
        var read = agent.loop().ipvsReadCost();
        t.single("lvs_agent_ipvs_read_services", "gauge", "IPVS services the last periodic read found.", read.services());
        t.single("lvs_agent_ipvs_read_destination_dumps", "gauge", "Destination dumps the last periodic read of the IPVS "
                + "table made (the rest came from /proc/net/ip_vs).", read.destinationDumps());
        t.single("lvs_agent_announcements_sent_total", "counter", "Gratuitous ARP / unsolicited NA frames sent.",
                c.announcementsSent.get());
        t.single("lvs_agent_synced", "gauge", "1 when the agent's Kubernetes caches have synced.", s.synced() ? 1 : 0);
        t.single("lvs_agent_converged", "gauge", "1 when the last pass left the kernel as desired.", s.converged() ? 1 : 0);
        t.single("lvs_agent_ready", "gauge", "1 when /readyz answers ready: synced, and the last pass did its work.",
                readiness(s).ok() ? 1 : 0);
        t.single("lvs_agent_report_writes_total", "counter", "NodeReport creates, updates and deletes.",
                agent.reports().writes());
        t.single("lvs_agent_report_write_failures_total", "counter", "Failed NodeReport write attempts (retried).",
                agent.reports().failures());
        t.single("lvs_agent_lease_renewals_total", "counter", "Renewals of the agent's Lease.", agent.lease().renewals());
        IpvsMetrics.render(t, agent.loop().ipvsStats());
        if (agent.health() instanceof MonitoredHealth mh) {
            health(t, mh.metrics());
            t.family("lvs_healthcheck_up", "gauge", "1 when a real server's port passes its health check, 0 when it "
                    + "fails (after rise / fall probes); absent until decided.");
            for (MonitoredHealth.TargetState target : mh.targets()) {
                ProbeSpec p = target.probe();
                target.healthy().ifPresent(up -> t.sample("lvs_healthcheck_up", up ? 1 : 0, "namespace",
                        p.virtualService().namespace(), "virtualservice", p.virtualService().name(), "realserver",
                        p.realServer().name(), "port", Integer.toString(p.port())));
            }
        }
        if (agent.election() instanceof VrrpElection v) {
            vrrp(t, v);
        }
        histogram(t, "lvs_agent_pass_duration_seconds", "How long control-loop passes take.", c.passDuration);
        histogram(t, "lvs_agent_programming_latency_seconds", "From a change (object, health verdict, role) to the end of "
                + "the pass that programmed it.", c.programmingLatency);
    }

    private static void histogram(PrometheusText t, String name, String help, LatencyHistogram h) {
        t.family(name, "histogram", help);
        for (int i = 0; i < LatencyHistogram.BOUNDS.length; i++) {
            t.sample(name + "_bucket", h.cumulative(i), "le", Double.toString(LatencyHistogram.BOUNDS[i]));
        }
        t.sample(name + "_bucket", h.count(), "le", "+Inf");
        t.sample(name + "_count", h.count());
        t.sample(name + "_sum", h.sum());
    }

    private static void vrrp(PrometheusText t, VrrpElection v) {
        VrrpElection.Counters c = v.counters();
        t.single("lvs_agent_vrrp_adverts_sent_total", "counter", "VRRP adverts sent (one per peer address).",
                c.advertsSent());
        t.single("lvs_agent_vrrp_adverts_received_total", "counter", "VRRP adverts received and authenticated.",
                c.advertsReceived());
        t.single("lvs_agent_vrrp_send_errors_total", "counter", "VRRP adverts the kernel refused to send.",
                c.sendErrors());
        t.family("lvs_agent_vrrp_adverts_dropped_total", "counter", "VRRP packets dropped, by reason.");
        c.dropped().forEach((reason, n) -> t.sample("lvs_agent_vrrp_adverts_dropped_total", n, "reason",
                reason.name().toLowerCase(java.util.Locale.ROOT)));
        t.single("lvs_agent_vrrp_adverts_not_ours_total", "counter", "Authenticated adverts of no election this node "
                + "runs (other VIPs or directors on the link).", c.notOurs());
        t.single("lvs_agent_vrrp_conflicts_total", "counter", "Adverts of another director holding a VIP this node is "
                + "active for (a split brain ending: that director yields, this one announces again).", c.conflicts());
        t.family("lvs_agent_vrrp_active", "gauge", "1 while this node is the active director of the VIP.");
        t.family("lvs_agent_vrrp_transitions_total", "counter", "Changes of this node's role for the VIP.");
        for (VrrpElection.VipState s : v.vips()) {
            String vip = io.lvs.agent.kernel.InetText.of(s.vip());
            t.sample("lvs_agent_vrrp_active", s.role() == ActiveDirectors.Role.ACTIVE ? 1 : 0, "vip", vip);
            t.sample("lvs_agent_vrrp_transitions_total", s.transitions(), "vip", vip);
        }
    }

    private static void health(PrometheusText t, HealthMetrics m) {
        t.family("lvs_agent_health_probes_total", "counter", "Health probes by check type and outcome.");
        m.probes().forEach((type, byOutcome) -> byOutcome.forEach((outcome, n) -> t.sample("lvs_agent_health_probes_total",
                n, "type", type.name(), "outcome", outcome.label())));
        t.family("lvs_agent_health_probe_latency_seconds", "histogram", "Health probe latency by check type.");
        m.latency().forEach((type, h) -> histogram(t, "lvs_agent_health_probe_latency_seconds", h, "type", type.name()));
        t.family("lvs_agent_health_targets", "gauge", "Probed real-server ports by verdict.");
        t.sample("lvs_agent_health_targets", m.healthyTargets(), "state", "healthy");
        t.sample("lvs_agent_health_targets", m.unhealthyTargets(), "state", "unhealthy");
        t.single("lvs_agent_health_in_flight", "gauge", "Probes under way.", m.inFlight());
        t.family("lvs_agent_health_scheduling_lag_seconds", "histogram", "How late probes start against their schedule "
                + "(grows under overload).");
        histogram(t, "lvs_agent_health_scheduling_lag_seconds", m.schedulingLag());
    }

    private static void histogram(PrometheusText t, String name, Histogram h, String... labels) {
        for (int i = 0; i < h.upperBounds().size(); i++) {
            t.sample(name + "_bucket", h.cumulativeCounts().get(i), with(labels, "le",
                    Double.toString(h.upperBounds().get(i).toNanos() / 1e9)));
        }
        t.sample(name + "_bucket", h.count(), with(labels, "le", "+Inf"));
        t.sample(name + "_count", h.count(), labels);
        t.sample(name + "_sum", h.sum().toNanos() / 1e9, labels);
    }

    private static String[] with(String[] labels, String k, String v) {
        String[] out = java.util.Arrays.copyOf(labels, labels.length + 2);
        out[labels.length] = k;
        out[labels.length + 1] = v;
        return out;
    }

    @Override
    public String inspect() {
        AgentConfig cfg = agent.config();
        Path modules = cfg.modulesDir().resolve(AgentConfig.kernelRelease());
        var view = new NodeInspector(NetworkNamespace.current(), cfg.sysctlNet(), Optional.of(cfg.nodeName()),
                () -> new KernelModules(Path.of("/sys/module"), modules)).read();
        return InspectReport.text(view, IpvsadmListing.Layout.DEFAULT);
    }
}
