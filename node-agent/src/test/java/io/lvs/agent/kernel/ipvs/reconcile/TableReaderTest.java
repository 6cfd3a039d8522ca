package io.lvs.agent.kernel.ipvs.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.ipvs.AddressFamily;
import io.lvs.agent.kernel.ipvs.BriefTable;
import io.lvs.agent.kernel.ipvs.Destination;
import io.lvs.agent.kernel.ipvs.DestinationEntry;
import io.lvs.agent.kernel.ipvs.DestinationKey;
import io.lvs.agent.kernel.ipvs.ForwardingMethod;
import io.lvs.agent.kernel.ipvs.Scheduler;
import io.lvs.agent.kernel.ipvs.Service;
import io.lvs.agent.kernel.ipvs.ServiceEntry;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.Stats;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The periodic read: given a kernel table that changes (or not) between reads, the reader dumps destinations only
 * where the file shows a difference, where it was told to, and a bounded slice of the rest, and its result always
 * equals what a full read would show for everything the file shows.
 */
class TableReaderTest {
    private static final Duration FULL = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");

    /** A kernel table in memory that renders its own /proc/net/ip_vs the way Linux 6.1 prints it. */
    static final class FakeKernel implements TableReader.Source {
        final Map<ServiceKey, Service> services = new LinkedHashMap<>();
        final Map<ServiceKey, List<DestinationEntry>> destinations = new HashMap<>();
        final List<ServiceKey> dumps = new ArrayList<>();
        boolean procBroken;
        int bytes;

        void add(Service s, Destination... ds) {
            services.put(s.key(), s);
            List<DestinationEntry> l = new ArrayList<>();
            for (Destination d : ds) {
                l.add(new DestinationEntry(d, 0, 0, 0, Stats.ZERO));
            }
            destinations.put(s.key(), l);
        }

        void edit(ServiceKey k, DestinationKey d, java.util.function.UnaryOperator<DestinationEntry> f) {
            destinations.get(k).replaceAll(e -> e.key().equals(d) ? f.apply(e) : e);
        }

        @Override
        public List<ServiceEntry> services() {
            return services.values().stream().map(s -> new ServiceEntry(s, Stats.ZERO)).toList();
        }

        @Override
        public BriefTable brief() {
            if (procBroken) {
                throw new KernelException("reading the IPVS table: /proc/thread-self/net/ip_vs does not exist", 2,
                        null);
            }
            StringBuilder b = new StringBuilder("IP Virtual Server version 1.2.1 (size=4096)\n"
                    + "Prot LocalAddress:Port Scheduler Flags\n"
                    + "  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n");
            services.forEach((k, s) -> {
                if (k instanceof ServiceKey.Inet i) {
                    b.append(i.protocol()).append("  ").append(hex(i.address().getAddress())).append(':')
                            .append(String.format("%04X", i.port())).append(' ').append(s.scheduler().kernelName())
                            .append(" \n");
                } else if (k instanceof ServiceKey.FwMark m) {
                    b.append(String.format("FWM  %08X %s \n", m.mark(), s.scheduler().kernelName()));
                }
                for (DestinationEntry d : destinations.get(k)) {
                    b.append("  -> ").append(hex(d.key().address().getAddress())).append(':')
                            .append(String.format("%04X", d.key().port())).append("      ")
                            .append(String.format("%-7s %-6d %-10d %-10d\n", procName(d.destination().forwarding()),
                                    d.destination().weight(), d.activeConnections(), d.inactiveConnections()));
                }
            });
            byte[] text = b.toString().getBytes(StandardCharsets.US_ASCII);
            bytes = text.length;
            return BriefTable.parse(text, text.length);
        }

        @Override
        public int briefBytes() {
            return bytes;
        }

        @Override
        public List<DestinationEntry> destinations(ServiceKey service) {
            dumps.add(service);
            return List.copyOf(destinations.getOrDefault(service, List.of()));
        }

        private static String hex(byte[] a) {
            if (a.length == 4) {
                return String.format("%02X%02X%02X%02X", a[0], a[1], a[2], a[3]);
            }
            StringBuilder s = new StringBuilder("[");
            for (int g = 0; g < 8; g++) {
                s.append(g == 0 ? "" : ":").append(String.format("%02x%02x", a[2 * g], a[2 * g + 1]));
            }
            return s.append(']').toString();
        }

        private static String procName(ForwardingMethod m) {
            return switch (m) {
                case LOCALNODE -> "Local";
                case TUNNEL -> "Tunnel";
                case DROUTE -> "Route";
                default -> "Masq";
            };
        }

        /** What a full read (one dump per service) would return. */
        ObservedTable full() {
            Map<ServiceKey, List<DestinationEntry>> all = new HashMap<>(destinations);
            return ObservedTable.of(services(), all);
        }
    }

    private static ServiceKey web(int i) {
        return ServiceKey.tcp("192.0.2." + (1 + i / 200), 1000 + i % 200);
    }

    private static FakeKernel kernelWith(int services) {
        FakeKernel k = new FakeKernel();
        for (int i = 0; i < services; i++) {
            k.add(Service.of(web(i), Scheduler.WRR),
                    Destination.of("198.51.100.1", 80, ForwardingMethod.DROUTE).withWeight(1 + i % 5),
                    Destination.of("198.51.100.2", 80, ForwardingMethod.DROUTE),
                    Destination.of("2001:db8::3", 80, ForwardingMethod.TUNNEL));
        }
        return k;
    }

    @Test
    void theFirstReadDumpsEveryServiceAndLaterOnesOnlyWhatTheFileShowsChanged() {
        FakeKernel k = kernelWith(100);
        TableReader r = new TableReader(FULL);
        assertEquals(k.full(), r.read(k, Set.of(), T0));
        assertEquals(100, r.lastCost().destinationDumps());

        k.dumps.clear();
        assertEquals(k.full(), r.read(k, Set.of(), T0.plusSeconds(1)));
        assertEquals(0, r.lastCost().destinationDumps(), "nothing changed: no destination dump");
        assertTrue(r.lastCost().briefUsed());
        assertTrue(r.lastCost().briefBytes() > 0);

        // by hand: a weight changed, a destination deleted, a service deleted (ipvsadm -e, -d, -D), a new one
        k.edit(web(3), DestinationKey.of("198.51.100.1", 80), e -> new DestinationEntry(e.destination().withWeight(0),
                0, 0, 0, Stats.ZERO));
        k.destinations.get(web(4)).removeIf(e -> e.key().equals(DestinationKey.of("198.51.100.2", 80)));
        k.services.remove(web(5));
        k.add(Service.of(ServiceKey.tcp("203.0.113.1", 80), Scheduler.RR),
                Destination.of("198.51.100.9", 80, ForwardingMethod.MASQ));
        k.dumps.clear();
        assertEquals(k.full(), r.read(k, Set.of(), T0.plusSeconds(2)));
        assertEquals(Set.of(web(3), web(4), ServiceKey.tcp("203.0.113.1", 80)), new HashSet<>(k.dumps));

        // ipvsadm -C
        k.services.clear();
        assertEquals(k.full(), r.read(k, Set.of(), T0.plusSeconds(3)));
        assertEquals(0, r.lastCost().services());
    }

    @Test
    void connectionCountsComeFromTheFileEveryReadWithoutADump() {
        FakeKernel k = kernelWith(10);
        TableReader r = new TableReader(FULL);
        r.read(k, Set.of(), T0);
        k.edit(web(7), DestinationKey.of("198.51.100.2", 80), e -> new DestinationEntry(e.destination(), 12, 30, 0,
                Stats.ZERO));
        k.dumps.clear();
        ObservedTable t = r.read(k, Set.of(), T0.plusSeconds(1));
        assertEquals(List.of(), k.dumps);
        DestinationRef ref = new DestinationRef(web(7), DestinationKey.of("198.51.100.2", 80));
        assertEquals(new Connections(12, 30, 0), t.connections(ref));
    }

    @Test
    void whatOnlyADumpShowsIsReadAtMostFullRefreshLateAndAFewServicesAtATime() {
        FakeKernel k = kernelWith(300);
        TableReader r = new TableReader(FULL);
        r.read(k, Set.of(), T0);
        // thresholds changed everywhere by hand: /proc/net/ip_vs does not show thresholds
        for (int i = 0; i < 300; i++) {
            k.edit(web(i), DestinationKey.of("198.51.100.1", 80), e -> new DestinationEntry(
                    e.destination().withThresholds(100, 10), 0, 0, 0, Stats.ZERO));
        }
        Set<ServiceKey> seen = new HashSet<>();
        int most = 0;
        for (int s = 1; s <= 60; s++) {
            k.dumps.clear();
            r.read(k, Set.of(), T0.plusSeconds(s));
            most = Math.max(most, k.dumps.size());
            if (s < 30) {
                assertEquals(List.of(), k.dumps, "younger than fullRefresh: not dumped again (second " + s + ")");
            }
            seen.addAll(k.dumps);
        }
        assertEquals(300, seen.size(), "every service dumped again within two refresh periods");
        assertEquals(10, most, "at most services x period / fullRefresh per read");
        assertEquals(k.full(), r.read(k, Set.of(), T0.plusSeconds(61)));
    }

    @Test
    void servicesTheCallerChangedOrMustSeeWholeAreDumped() {
        FakeKernel k = kernelWith(20);
        TableReader r = new TableReader(FULL);
        r.read(k, Set.of(), T0);
        r.invalidate(List.of(web(1)));
        k.dumps.clear();
        r.read(k, Set.of(web(2)), T0.plusSeconds(1));
        assertEquals(Set.of(web(1), web(2)), new HashSet<>(k.dumps));
        k.dumps.clear();
        r.read(k, Set.of(), T0.plusSeconds(2));
        assertEquals(List.of(), k.dumps, "an invalidation is served once");
    }

    @Test
    void withoutTheFileEveryServiceIsDumped() {
        FakeKernel k = kernelWith(5);
        k.procBroken = true;
        TableReader r = new TableReader(FULL);
        r.read(k, Set.of(), T0);
        k.dumps.clear();
        assertEquals(k.full(), r.read(k, Set.of(), T0.plusSeconds(1)));
        assertEquals(5, k.dumps.size());
        assertFalse(r.lastCost().briefUsed());
        assertTrue(r.lastCost().briefProblem().orElseThrow().contains("does not exist"));
    }

    @Test
    void markServicesOfBothFamiliesWithOneMarkAreAlwaysDumped() {
        FakeKernel k = new FakeKernel();
        k.add(Service.of(new ServiceKey.FwMark(AddressFamily.INET, 7), Scheduler.RR),
                Destination.of("198.51.100.1", 0, ForwardingMethod.DROUTE));
        k.add(Service.of(new ServiceKey.FwMark(AddressFamily.INET6, 7), Scheduler.RR),
                Destination.of("2001:db8::1", 0, ForwardingMethod.DROUTE));
        k.add(Service.of(new ServiceKey.FwMark(AddressFamily.INET, 8), Scheduler.RR),
                Destination.of("198.51.100.2", 0, ForwardingMethod.DROUTE));
        TableReader r = new TableReader(FULL);
        r.read(k, Set.of(), T0);
        k.dumps.clear();
        assertEquals(k.full(), r.read(k, Set.of(), T0.plusSeconds(1)));
        assertEquals(Set.of(new ServiceKey.FwMark(AddressFamily.INET, 7), new ServiceKey.FwMark(AddressFamily.INET6, 7)),
                new HashSet<>(k.dumps), "the file prints no family: a shared mark cannot be told apart");
        assertTrue(k.destinations.get(new ServiceKey.FwMark(AddressFamily.INET6, 7)).getFirst().key().address()
                instanceof Inet6Address);
    }
}
