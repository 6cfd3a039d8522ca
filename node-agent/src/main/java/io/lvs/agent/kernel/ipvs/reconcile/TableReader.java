package io.lvs.agent.kernel.ipvs.reconcile;

import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.ipvs.BriefTable;
import io.lvs.agent.kernel.ipvs.DestinationEntry;
import io.lvs.agent.kernel.ipvs.Ipvs;
import io.lvs.agent.kernel.ipvs.Service;
import io.lvs.agent.kernel.ipvs.ServiceEntry;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the kernel's IPVS table period after period at a cost that does not grow with one netlink dump per service.
 *
 * <p>Netlink lists destinations one service at a time, so a full read of 10,000 services is 10,001 dumps. Each read
 * here is instead: one service dump (every service's configuration and counters), one read of
 * {@code /proc/net/ip_vs} (every destination's address, forwarding method, weight and connection counts), and a
 * destination dump only for the services where those two disagree with what was dumped before, the services the
 * caller changed or must see whole (draining ones, whose persistence templates only netlink shows), and a slice of
 * the rest, oldest first, so that every service is dumped whole at least once per {@code fullRefresh}. What the file
 * does not show (thresholds, tunnel encapsulation, per-destination counters) is therefore at most {@code fullRefresh}
 * old; everything else is as fresh as the read.
 *
 * <p>When the file cannot be read or parsed, every service is dumped (the plain full read). One caller at a time.
 */
public final class TableReader {
    private final Duration fullRefresh;
    /** Destinations last dumped per service, oldest dump first. */
    private final LinkedHashMap<ServiceKey, Dumped> dumped = new LinkedHashMap<>();
    private final Set<ServiceKey> invalid = new HashSet<>();
    private Instant lastRead;
    private Cost lastCost = new Cost(0, 0, 0, false, Optional.empty());

    /**
     * What one read cost.
     *
     * @param services         services in the kernel
     * @param destinationDumps netlink destination dumps it made
     * @param briefBytes       bytes of {@code /proc/net/ip_vs} read (0 when not used)
     * @param briefUsed        whether the file was used (false: every service was dumped)
     * @param briefProblem     why the file could not be used, when it could not
     */
    public record Cost(int services, int destinationDumps, int briefBytes, boolean briefUsed,
                       Optional<String> briefProblem) {
    }

    /** Where the reader reads from: a kernel's IPVS ({@link #of(Ipvs)}), or a test's table. */
    public interface Source {
        /** Every service with its configuration and counters (one netlink dump). */
        List<ServiceEntry> services();

        /** {@code /proc/net/ip_vs}; KernelException or IllegalArgumentException when it cannot be read or parsed. */
        BriefTable brief();

        /** Bytes the last {@link #brief()} read. */
        int briefBytes();

        /** One service's destinations (one netlink dump). */
        List<DestinationEntry> destinations(ServiceKey service);

        static Source of(Ipvs ipvs) {
            return new Source() {
                @Override
                public List<ServiceEntry> services() {
                    return ipvs.services();
                }

                @Override
                public BriefTable brief() {
                    return ipvs.brief();
                }

                @Override
                public int briefBytes() {
                    return ipvs.briefBytes();
                }

                @Override
                public List<DestinationEntry> destinations(ServiceKey service) {
                    return ipvs.destinations(service);
                }
            };
        }
    }

    private record Dumped(Service service, List<DestinationEntry> destinations, Instant at) {
    }

    /** @param fullRefresh how old, at most, the parts only a destination dump shows may get */
    public TableReader(Duration fullRefresh) {
        if (fullRefresh.isNegative()) {
            throw new IllegalArgumentException("fullRefresh must not be negative");
        }
        this.fullRefresh = fullRefresh;
    }

    /** Services whose destinations must be dumped by the next read (the caller just changed them). */
    public void invalidate(Collection<ServiceKey> services) {
        invalid.addAll(services);
    }

    /** What the last read cost. */
    public Cost lastCost() {
        return lastCost;
    }

    /**
     * Reads the table.
     *
     * @param mustDump services whose destinations must come from a dump now (e.g. those with draining destinations)
     */
    public ObservedTable read(Ipvs ipvs, Set<ServiceKey> mustDump, Instant now) {
        return read(Source.of(ipvs), mustDump, now);
    }

    /** Reads the table from {@code ipvs}; see {@link #read(Ipvs, Set, Instant)}. */
    public ObservedTable read(Source ipvs, Set<ServiceKey> mustDump, Instant now) {
        List<ServiceEntry> services = ipvs.services();
        Optional<BriefTable> brief;
        Optional<String> problem = Optional.empty();
        try {
            brief = Optional.of(ipvs.brief());
        } catch (KernelException | IllegalArgumentException e) {
            brief = Optional.empty();
            problem = Optional.of(e.getMessage());
        }
        Map<ServiceKey, List<DestinationEntry>> destinations = new HashMap<>();
        Set<ServiceKey> present = new HashSet<>();
        List<ServiceEntry> toDump = new ArrayList<>();
        Map<ServiceKey, ServiceEntry> byKey = new HashMap<>();
        for (ServiceEntry s : services) {
            ServiceKey key = s.key();
            present.add(key);
            byKey.put(key, s);
            Dumped d = dumped.get(key);
            Optional<List<BriefTable.Destination>> shown = brief.flatMap(b -> b.destinations(key));
            boolean stale = d == null || invalid.contains(key) || mustDump.contains(key) || shown.isEmpty()
                    || !d.service().equals(s.service()) || !matches(d.destinations(), shown.get());
            if (stale) {
                toDump.add(s);
            } else {
                destinations.put(key, withCounts(d.destinations(), shown.get()));
            }
        }
        dumped.keySet().retainAll(present);
        // the oldest of the rest, as many as spread a whole refresh over fullRefresh
        long budget = budget(services.size(), now);
        for (Iterator<Map.Entry<ServiceKey, Dumped>> it = dumped.entrySet().iterator(); it.hasNext() && budget > 0; ) {
            Map.Entry<ServiceKey, Dumped> e = it.next();
            if (Duration.between(e.getValue().at(), now).compareTo(fullRefresh) < 0) {
                break; // oldest first: the rest are younger
            }
            if (destinations.remove(e.getKey()) != null) {
                toDump.add(byKey.get(e.getKey()));
                budget--;
            }
        }
        for (ServiceEntry s : toDump) {
            List<DestinationEntry> ds = ipvs.destinations(s.key());
            dumped.remove(s.key());
            dumped.put(s.key(), new Dumped(s.service(), ds, now)); // to the tail: the youngest
            destinations.put(s.key(), ds);
        }
        invalid.clear();
        lastRead = now;
        lastCost = new Cost(services.size(), toDump.size(), brief.isPresent() ? ipvs.briefBytes() : 0,
                brief.isPresent(), problem);
        return ObservedTable.of(services, destinations);
    }

    private long budget(int services, Instant now) {
        if (lastRead == null || fullRefresh.isZero()) {
            return Long.MAX_VALUE;
        }
        double share = (double) Duration.between(lastRead, now).toNanos() / fullRefresh.toNanos();
        return services == 0 ? 0 : Math.max(1, (long) Math.ceil(services * Math.min(1.0, share)));
    }

    /** Whether the file shows the same destinations, forwarding methods and weights as the last dump. */
    private static boolean matches(List<DestinationEntry> dumpedDestinations, List<BriefTable.Destination> shown) {
        if (dumpedDestinations.size() != shown.size()) {
            return false;
        }
        Map<io.lvs.agent.kernel.ipvs.DestinationKey, BriefTable.Destination> byKey = new HashMap<>();
        for (BriefTable.Destination b : shown) {
            byKey.put(b.key(), b);
        }
        for (DestinationEntry d : dumpedDestinations) {
            BriefTable.Destination b = byKey.get(d.key());
            if (b == null || !b.sameAs(d.destination())) {
                return false;
            }
        }
        return true;
    }

    /** The dumped destinations with the file's fresher active and inactive connection counts. */
    private static List<DestinationEntry> withCounts(List<DestinationEntry> dumpedDestinations,
                                                     List<BriefTable.Destination> shown) {
        Map<io.lvs.agent.kernel.ipvs.DestinationKey, BriefTable.Destination> byKey = new HashMap<>();
        for (BriefTable.Destination b : shown) {
            byKey.put(b.key(), b);
        }
        List<DestinationEntry> out = new ArrayList<>(dumpedDestinations.size());
        for (DestinationEntry d : dumpedDestinations) {
            BriefTable.Destination b = byKey.get(d.key());
            out.add(new DestinationEntry(d.destination(), b.active(), b.inactive(), d.persistentConnections(),
                    d.stats()));
        }
        return out;
    }
}
