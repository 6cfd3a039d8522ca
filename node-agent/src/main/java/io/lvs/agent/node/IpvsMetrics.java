package io.lvs.agent.node;

import io.lvs.agent.http.PrometheusText;
import io.lvs.agent.kernel.InetText;
import io.lvs.agent.kernel.ipvs.DestinationKey;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.Stats;
import io.lvs.agent.kernel.ipvs.reconcile.Connections;
import io.lvs.agent.kernel.ipvs.reconcile.DestinationRef;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsTable;
import io.lvs.agent.kernel.ipvs.reconcile.Ledger;
import io.lvs.agent.kernel.ipvs.reconcile.ObservedTable;
import io.lvs.agent.model.NodeDesired;
import io.lvs.agent.model.NodeDesired.VsPlan;
import io.lvs.agent.model.VsRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The kernel's IPVS counters per VirtualService and per RealServer, as the control loop last read them (the table it
 * reads each pass anyway: no dump of its own). Only entries this agent owns (its ledger) are named; a foreign service
 * or destination is never labelled with a VirtualService.
 */
public final class IpvsMetrics {
    private IpvsMetrics() {
    }

    /**
     * One IPVS service of a VirtualService.
     *
     * @param virtualService the VirtualService it belongs to
     * @param service        the IPVS service
     * @param stats          its counters
     */
    public record ServiceSample(VsRef virtualService, ServiceKey service, Stats stats) {
        public ServiceSample {
            Objects.requireNonNull(virtualService);
            Objects.requireNonNull(service);
            Objects.requireNonNull(stats);
        }
    }

    /**
     * One destination of a VirtualService's IPVS service: a RealServer on one port.
     *
     * @param virtualService the VirtualService
     * @param realServer     the RealServer's name (in the VirtualService's namespace)
     * @param service        the IPVS service
     * @param destination    the destination within it
     * @param connections    the connection entries the kernel holds for it
     * @param stats          its counters
     */
    public record DestinationSample(VsRef virtualService, String realServer, ServiceKey service,
                                    DestinationKey destination, Connections connections, Stats stats) {
        public DestinationSample {
            Objects.requireNonNull(virtualService);
            Objects.requireNonNull(realServer);
            Objects.requireNonNull(service);
            Objects.requireNonNull(destination);
            Objects.requireNonNull(connections);
            Objects.requireNonNull(stats);
        }

        DestinationRef ref() {
            return new DestinationRef(service, destination);
        }
    }

    /** What one pass observed, immutable: the loop publishes a new one after each pass. */
    public record Snapshot(List<ServiceSample> services, List<DestinationSample> destinations) {
        public static final Snapshot EMPTY = new Snapshot(List.of(), List.of());

        public Snapshot {
            services = List.copyOf(services);
            destinations = List.copyOf(destinations);
        }
    }

    private static final Comparator<ServiceSample> SERVICE_ORDER = Comparator.comparing(ServiceSample::virtualService)
            .thenComparing(ServiceSample::service);
    private static final Comparator<DestinationSample> DESTINATION_ORDER =
            Comparator.comparing(DestinationSample::virtualService).thenComparing(DestinationSample::realServer)
                    .thenComparing(DestinationSample::service).thenComparing(DestinationSample::destination);

    /**
     * Names what the kernel showed: each owned, observed service by the VirtualService whose plan holds it, each owned,
     * observed destination by the RealServer behind it. A service or destination no longer in any plan (a leaving
     * VirtualService or RealServer still draining) keeps the names {@code previous} gave it; one never named is left
     * out.
     */
    public static Snapshot snapshot(NodeDesired desired, ObservedTable observed, Ledger ledger, Snapshot previous) {
        Map<ServiceKey, VsRef> vsOf = new HashMap<>();
        Map<DestinationRef, String> rsOf = new HashMap<>();
        for (ServiceSample s : previous.services()) {
            vsOf.put(s.service(), s.virtualService());
        }
        for (DestinationSample d : previous.destinations()) {
            rsOf.put(d.ref(), d.realServer());
        }
        for (VsPlan plan : desired.plans().values()) {
            plan.services().forEach(k -> vsOf.put(k, plan.ref()));
            rsOf.putAll(plan.realServers());
        }
        List<ServiceSample> services = new ArrayList<>();
        List<DestinationSample> destinations = new ArrayList<>();
        for (Map.Entry<ServiceKey, IpvsTable.Entry> e : observed.table().services().entrySet()) {
            ServiceKey key = e.getKey();
            VsRef vs = vsOf.get(key);
            if (vs == null || !ledger.owns(key)) {
                continue;
            }
            services.add(new ServiceSample(vs, key, observed.serviceStats().getOrDefault(key, Stats.ZERO)));
            for (DestinationKey dk : e.getValue().destinations().keySet()) {
                DestinationRef ref = new DestinationRef(key, dk);
                String rs = rsOf.get(ref);
                if (rs == null || !ledger.owns(ref)) {
                    continue;
                }
                destinations.add(new DestinationSample(vs, rs, key, dk, observed.connections(ref),
                        observed.destinationStats().getOrDefault(ref, Stats.ZERO)));
            }
        }
        services.sort(SERVICE_ORDER);
        destinations.sort(DESTINATION_ORDER);
        return new Snapshot(services, destinations);
    }

    /** Renders the snapshot's families (each declared even when it has no sample). */
    public static void render(PrometheusText t, Snapshot s) {
        String vsConns = "lvs_ipvs_connections_total";
        String vsPackets = "lvs_ipvs_packets_total";
        String vsBytes = "lvs_ipvs_bytes_total";
        String vsCps = "lvs_ipvs_connections_per_second";
        String vsPps = "lvs_ipvs_packets_per_second";
        String vsBps = "lvs_ipvs_bytes_per_second";
        t.family(vsConns, "counter", "Connections IPVS scheduled for a VirtualService port.");
        s.services().forEach(x -> t.sample(vsConns, x.stats().connections(), vsLabels(x)));
        t.family(vsPackets, "counter", "Packets of a VirtualService port, from clients (in) and to clients (out; 0 for "
                + "DirectRouting and Tunnel, whose replies bypass the director).");
        s.services().forEach(x -> inOut(t, vsPackets, x.stats().inPackets(), x.stats().outPackets(), vsLabels(x)));
        t.family(vsBytes, "counter", "Bytes of a VirtualService port, from clients (in) and to clients (out).");
        s.services().forEach(x -> inOut(t, vsBytes, x.stats().inBytes(), x.stats().outBytes(), vsLabels(x)));
        t.family(vsCps, "gauge", "Connections per second to a VirtualService port (the kernel's 2 s estimate).");
        s.services().forEach(x -> t.sample(vsCps, x.stats().cps(), vsLabels(x)));
        t.family(vsPps, "gauge", "Packets per second of a VirtualService port (the kernel's estimate).");
        s.services().forEach(x -> inOut(t, vsPps, x.stats().inPps(), x.stats().outPps(), vsLabels(x)));
        t.family(vsBps, "gauge", "Bytes per second of a VirtualService port (the kernel's estimate).");
        s.services().forEach(x -> inOut(t, vsBps, x.stats().inBps(), x.stats().outBps(), vsLabels(x)));

        String rsConns = "lvs_ipvs_realserver_connections_total";
        String rsPackets = "lvs_ipvs_realserver_packets_total";
        String rsBytes = "lvs_ipvs_realserver_bytes_total";
        String rsCps = "lvs_ipvs_realserver_connections_per_second";
        String rsPps = "lvs_ipvs_realserver_packets_per_second";
        String rsBps = "lvs_ipvs_realserver_bytes_per_second";
        String rsActive = "lvs_ipvs_realserver_active_connections";
        String rsInactive = "lvs_ipvs_realserver_inactive_connections";
        String rsPersistent = "lvs_ipvs_realserver_persistent_connections";
        t.family(rsConns, "counter", "Connections IPVS scheduled to a RealServer on a VirtualService port.");
        s.destinations().forEach(x -> t.sample(rsConns, x.stats().connections(), rsLabels(x)));
        t.family(rsPackets, "counter", "Packets to (in) and from (out) a RealServer on a VirtualService port.");
        s.destinations().forEach(x -> inOut(t, rsPackets, x.stats().inPackets(), x.stats().outPackets(), rsLabels(x)));
        t.family(rsBytes, "counter", "Bytes to (in) and from (out) a RealServer on a VirtualService port.");
        s.destinations().forEach(x -> inOut(t, rsBytes, x.stats().inBytes(), x.stats().outBytes(), rsLabels(x)));
        t.family(rsCps, "gauge", "Connections per second to a RealServer (the kernel's estimate).");
        s.destinations().forEach(x -> t.sample(rsCps, x.stats().cps(), rsLabels(x)));
        t.family(rsPps, "gauge", "Packets per second to and from a RealServer (the kernel's estimate).");
        s.destinations().forEach(x -> inOut(t, rsPps, x.stats().inPps(), x.stats().outPps(), rsLabels(x)));
        t.family(rsBps, "gauge", "Bytes per second to and from a RealServer (the kernel's estimate).");
        s.destinations().forEach(x -> inOut(t, rsBps, x.stats().inBps(), x.stats().outBps(), rsLabels(x)));
        t.family(rsActive, "gauge", "Established connections IPVS holds to a RealServer (ActiveConn).");
        s.destinations().forEach(x -> t.sample(rsActive, unsigned(x.connections().active()), rsLabels(x)));
        t.family(rsInactive, "gauge", "Other connection entries IPVS holds to a RealServer: closing TCP, UDP flows "
                + "(InActConn).");
        s.destinations().forEach(x -> t.sample(rsInactive, unsigned(x.connections().inactive()), rsLabels(x)));
        t.family(rsPersistent, "gauge", "Persistence templates pinning clients to a RealServer (PersistConn).");
        s.destinations().forEach(x -> t.sample(rsPersistent, unsigned(x.connections().persistent()), rsLabels(x)));
    }

    private static void inOut(PrometheusText t, String name, long in, long out, String[] labels) {
        t.sample(name, in, with(labels, "direction", "in"));
        t.sample(name, out, with(labels, "direction", "out"));
    }

    private static String[] vsLabels(ServiceSample s) {
        List<String> l = new ArrayList<>(List.of("namespace", s.virtualService().namespace(),
                "virtualservice", s.virtualService().name()));
        port(l, s.service());
        return l.toArray(String[]::new);
    }

    private static String[] rsLabels(DestinationSample d) {
        List<String> l = new ArrayList<>(List.of("namespace", d.virtualService().namespace(),
                "virtualservice", d.virtualService().name()));
        port(l, d.service());
        l.addAll(List.of("realserver", d.realServer(), "address", InetText.of(d.destination().address()),
                "target_port", Integer.toString(d.destination().port())));
        return l.toArray(String[]::new);
    }

    /** The VirtualService port an IPVS service is: protocol and port (a firewall-mark service: its mark). */
    private static void port(List<String> labels, ServiceKey key) {
        switch (key) {
            case ServiceKey.Inet i -> labels.addAll(List.of("protocol", i.protocol().name(), "port",
                    Integer.toString(i.port())));
            case ServiceKey.FwMark m -> labels.addAll(List.of("protocol", "FWM", "port", Integer.toUnsignedString(m.mark())));
        }
    }

    private static String[] with(String[] labels, String k, String v) {
        String[] out = java.util.Arrays.copyOf(labels, labels.length + 2);
        out[labels.length] = k;
        out[labels.length + 1] = v;
        return out;
    }

    private static long unsigned(int n) {
        return Integer.toUnsignedLong(n);
    }
}
