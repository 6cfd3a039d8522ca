package io.lvs.agent.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lvs.agent.http.PrometheusText;
import io.lvs.agent.kernel.ipvs.Destination;
import io.lvs.agent.kernel.ipvs.DestinationEntry;
import io.lvs.agent.kernel.ipvs.DestinationKey;
import io.lvs.agent.kernel.ipvs.ForwardingMethod;
import io.lvs.agent.kernel.ipvs.Scheduler;
import io.lvs.agent.kernel.ipvs.Service;
import io.lvs.agent.kernel.ipvs.ServiceEntry;
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
import io.lvs.agent.node.IpvsMetrics.DestinationSample;
import io.lvs.agent.node.IpvsMetrics.ServiceSample;
import io.lvs.agent.node.IpvsMetrics.Snapshot;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which kernel counters are named after which VirtualService and RealServer, and the lines they render to. */
class IpvsMetricsTest {
    static final VsRef WEB = new VsRef("shop", "web");
    static final VsRef DNS = new VsRef("infra", "dns");
    static final ServiceKey HTTP = new ServiceKey.Inet(io.lvs.agent.kernel.ipvs.Protocol.TCP,
            InetAddress.ofLiteral("192.0.2.10"), 80);
    static final ServiceKey NAMES = new ServiceKey.Inet(io.lvs.agent.kernel.ipvs.Protocol.UDP,
            InetAddress.ofLiteral("2001:db8::53"), 53);
    static final ServiceKey FOREIGN = new ServiceKey.Inet(io.lvs.agent.kernel.ipvs.Protocol.TCP,
            InetAddress.ofLiteral("192.0.2.99"), 443);
    static final Destination RS1 = Destination.of("192.0.2.21", 8080, ForwardingMethod.MASQ);
    static final Destination RS2 = Destination.of("192.0.2.22", 8080, ForwardingMethod.MASQ);
    static final Destination HAND = Destination.of("192.0.2.23", 8080, ForwardingMethod.MASQ);
    static final Destination NS1 = Destination.of("2001:db8::1", 53, ForwardingMethod.MASQ);
    static final Destination OTHER = Destination.of("192.0.2.50", 443, ForwardingMethod.DROUTE);

    static Stats stats(long base) {
        return new Stats(base, base + 1, base + 2, base + 3, base + 4, base + 5, base + 6, base + 7, base + 8, base + 9);
    }

    static DestinationRef ref(ServiceKey s, Destination d) {
        return new DestinationRef(s, d.key());
    }

    static VsPlan plan(VsRef ref, Set<ServiceKey> services, Map<DestinationRef, String> realServers) {
        return new VsPlan(ref, 1, InetAddress.ofLiteral("192.0.2.10"), true, false, 100, Optional.of("eth0"),
                Optional.empty(), services, Map.of(), List.of(), List.of(), realServers, Set.of(), false, Set.of());
    }

    static NodeDesired desired(VsPlan... plans) {
        Map<VsRef, VsPlan> byRef = new java.util.HashMap<>();
        Arrays.stream(plans).forEach(p -> byRef.put(p.ref(), p));
        return new NodeDesired(IpvsTable.empty(), Map.of(), Set.of(), List.of(), Set.of(), Set.of(), List.of(), List.of(), byRef,
                List.of());
    }

    /** The kernel as dumped: our HTTP service (two RealServers and one destination added by hand), a foreign one. */
    static ObservedTable kernel() {
        return ObservedTable.of(
                List.of(new ServiceEntry(Service.of(HTTP, Scheduler.RR), stats(100)),
                        new ServiceEntry(Service.of(FOREIGN, Scheduler.RR), stats(900))),
                Map.of(HTTP, List.of(new DestinationEntry(RS1, 3, 1, 0, stats(10)),
                                new DestinationEntry(RS2, 0, 0, 2, stats(20)),
                                new DestinationEntry(HAND, 1, 1, 1, stats(30))),
                        FOREIGN, List.of(new DestinationEntry(OTHER, 5, 5, 5, stats(40)))));
    }

    @Test
    void onlyOwnedEntriesAreNamedAfterTheirVirtualServiceAndRealServer() {
        // the foreign service's key is even claimed by a plan (a conflict): not owned, so never labelled
        NodeDesired d = desired(plan(WEB, Set.of(HTTP, FOREIGN), Map.of(ref(HTTP, RS1), "web-1", ref(HTTP, RS2), "web-2",
                ref(FOREIGN, OTHER), "web-1")));
        Ledger ours = new Ledger(Set.of(HTTP), Set.of(ref(HTTP, RS1), ref(HTTP, RS2)));
        Snapshot s = IpvsMetrics.snapshot(d, kernel(), ours, Snapshot.EMPTY);
        assertEquals(List.of(new ServiceSample(WEB, HTTP, stats(100))), s.services());
        assertEquals(List.of(
                new DestinationSample(WEB, "web-1", HTTP, RS1.key(), new Connections(3, 1, 0), stats(10)),
                new DestinationSample(WEB, "web-2", HTTP, RS2.key(), new Connections(0, 0, 2), stats(20))),
                s.destinations(), "the hand-added destination is not ours, the foreign service's are not either");
    }

    @Test
    void aDrainingRealServerNoLongerInAnyPlanKeepsTheNamesItHad() {
        Ledger ours = new Ledger(Set.of(HTTP), Set.of(ref(HTTP, RS1), ref(HTTP, RS2)));
        Snapshot before = IpvsMetrics.snapshot(desired(plan(WEB, Set.of(HTTP),
                Map.of(ref(HTTP, RS1), "web-1", ref(HTTP, RS2), "web-2"))), kernel(), ours, Snapshot.EMPTY);
        // web-2 was deleted: the plan no longer lists it, the kernel still drains it
        Snapshot after = IpvsMetrics.snapshot(desired(plan(WEB, Set.of(HTTP), Map.of(ref(HTTP, RS1), "web-1"))),
                kernel(), ours, before);
        assertEquals(before, after);
        // the whole VirtualService left and is draining: still named from the last snapshot
        assertEquals(before, IpvsMetrics.snapshot(desired(), kernel(), ours, after));
        // once the kernel no longer has it, it is gone from the snapshot (and from the next one's memory)
        Snapshot gone = IpvsMetrics.snapshot(desired(), ObservedTable.of(IpvsTable.empty()), ours, after);
        assertEquals(Snapshot.EMPTY, gone);
        assertEquals(Snapshot.EMPTY, IpvsMetrics.snapshot(desired(), kernel(), ours, gone));
    }

    @Test
    void aSnapshotRendersOneLinePerSeries() {
        Snapshot s = new Snapshot(
                List.of(new ServiceSample(DNS, NAMES, new Stats(7, 70, 60, 7000, 6000, 1, 10, 9, 1000, 900))),
                List.of(new DestinationSample(DNS, "ns-1", NAMES, NS1.key(), new Connections(0, 4, -1),
                        new Stats(5, 50, 40, 5000, 4000, 2, 20, 19, 2000, 1900))));
        PrometheusText t = new PrometheusText();
        IpvsMetrics.render(t, s);
        String vs = "namespace=\"infra\",virtualservice=\"dns\",protocol=\"UDP\",port=\"53\"";
        String rs = vs + ",realserver=\"ns-1\",address=\"2001:db8::1\",target_port=\"53\"";
        List<String> samples = t.toString().lines().filter(l -> !l.startsWith("#")).toList();
        assertEquals(List.of(
                "lvs_ipvs_connections_total{" + vs + "} 7",
                "lvs_ipvs_packets_total{" + vs + ",direction=\"in\"} 70",
                "lvs_ipvs_packets_total{" + vs + ",direction=\"out\"} 60",
                "lvs_ipvs_bytes_total{" + vs + ",direction=\"in\"} 7000",
                "lvs_ipvs_bytes_total{" + vs + ",direction=\"out\"} 6000",
                "lvs_ipvs_connections_per_second{" + vs + "} 1",
                "lvs_ipvs_packets_per_second{" + vs + ",direction=\"in\"} 10",
                "lvs_ipvs_packets_per_second{" + vs + ",direction=\"out\"} 9",
                "lvs_ipvs_bytes_per_second{" + vs + ",direction=\"in\"} 1000",
                "lvs_ipvs_bytes_per_second{" + vs + ",direction=\"out\"} 900",
                "lvs_ipvs_realserver_connections_total{" + rs + "} 5",
                "lvs_ipvs_realserver_packets_total{" + rs + ",direction=\"in\"} 50",
                "lvs_ipvs_realserver_packets_total{" + rs + ",direction=\"out\"} 40",
                "lvs_ipvs_realserver_bytes_total{" + rs + ",direction=\"in\"} 5000",
                "lvs_ipvs_realserver_bytes_total{" + rs + ",direction=\"out\"} 4000",
                "lvs_ipvs_realserver_connections_per_second{" + rs + "} 2",
                "lvs_ipvs_realserver_packets_per_second{" + rs + ",direction=\"in\"} 20",
                "lvs_ipvs_realserver_packets_per_second{" + rs + ",direction=\"out\"} 19",
                "lvs_ipvs_realserver_bytes_per_second{" + rs + ",direction=\"in\"} 2000",
                "lvs_ipvs_realserver_bytes_per_second{" + rs + ",direction=\"out\"} 1900",
                "lvs_ipvs_realserver_active_connections{" + rs + "} 0",
                "lvs_ipvs_realserver_inactive_connections{" + rs + "} 4",
                "lvs_ipvs_realserver_persistent_connections{" + rs + "} 4294967295"), samples);
        List<String> types = t.toString().lines().filter(l -> l.startsWith("# TYPE")).toList();
        assertEquals(List.of(
                "# TYPE lvs_ipvs_connections_total counter",
                "# TYPE lvs_ipvs_packets_total counter",
                "# TYPE lvs_ipvs_bytes_total counter",
                "# TYPE lvs_ipvs_connections_per_second gauge",
                "# TYPE lvs_ipvs_packets_per_second gauge",
                "# TYPE lvs_ipvs_bytes_per_second gauge",
                "# TYPE lvs_ipvs_realserver_connections_total counter",
                "# TYPE lvs_ipvs_realserver_packets_total counter",
                "# TYPE lvs_ipvs_realserver_bytes_total counter",
                "# TYPE lvs_ipvs_realserver_connections_per_second gauge",
                "# TYPE lvs_ipvs_realserver_packets_per_second gauge",
                "# TYPE lvs_ipvs_realserver_bytes_per_second gauge",
                "# TYPE lvs_ipvs_realserver_active_connections gauge",
                "# TYPE lvs_ipvs_realserver_inactive_connections gauge",
                "# TYPE lvs_ipvs_realserver_persistent_connections gauge"), types);
    }

    @Test
    void anEmptySnapshotDeclaresTheFamiliesWithoutSamples() {
        PrometheusText t = new PrometheusText();
        IpvsMetrics.render(t, Snapshot.EMPTY);
        assertEquals(List.of(), t.toString().lines().filter(l -> !l.startsWith("#")).toList());
        assertEquals(15, t.toString().lines().filter(l -> l.startsWith("# TYPE")).count());
    }
}
