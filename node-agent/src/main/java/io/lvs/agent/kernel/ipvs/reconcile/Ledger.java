package io.lvs.agent.kernel.ipvs.reconcile;

import io.lvs.agent.kernel.ipvs.DestinationKey;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which IPVS entries lvs-operator created, so it never touches anyone else's (kube-proxy and other tools
 * may share the kernel). An entry that is neither in the ledger nor desired is foreign and left alone; a
 * desired key that exists but is not in the ledger is a conflict, not something to overwrite.
 *
 * <p>The text form ({@link #toText()}, {@link #parse(String)}) is stable and sorted, so an agent can
 * persist it and adopt its own entries after a restart.
 *
 * @param services     services created by lvs-operator
 * @param destinations destinations created by lvs-operator (in its own services)
 */
public record Ledger(Set<ServiceKey> services, Set<DestinationRef> destinations) {
    /** First line of the text form; names its version. */
    public static final String HEADER = "# lvs-operator IPVS ledger v1";

    public Ledger {
        services = Set.copyOf(services);
        destinations = Set.copyOf(destinations);
    }

    public static Ledger empty() {
        return new Ledger(Set.of(), Set.of());
    }

    public boolean owns(ServiceKey key) {
        return services.contains(key);
    }

    public boolean owns(DestinationRef ref) {
        return destinations.contains(ref);
    }

    /**
     * One line per entry, sorted: {@code service TCP 192.0.2.10:80}, then
     * {@code destination TCP 192.0.2.10:80 192.0.2.21:80}.
     */
    public String toText() {
        StringBuilder s = new StringBuilder(HEADER).append('\n');
        for (ServiceKey k : new TreeSet<>(services)) {
            s.append("service ").append(k).append('\n');
        }
        for (DestinationRef r : new TreeSet<>(destinations)) {
            s.append("destination ").append(r.service()).append(' ').append(r.destination()).append('\n');
        }
        return s.toString();
    }

    /** Reads {@link #toText()}; IllegalArgumentException naming the line when the text is not a ledger. */
    public static Ledger parse(String text) {
        Objects.requireNonNull(text);
        String[] lines = text.split("\n");
        if (lines.length == 0 || !lines[0].strip().equals(HEADER)) {
            throw new IllegalArgumentException("not an IPVS ledger: the first line must be '" + HEADER + "'");
        }
        Set<ServiceKey> services = new TreeSet<>();
        Set<DestinationRef> destinations = new TreeSet<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                if (line.startsWith("service ")) {
                    services.add(ServiceKey.parse(line.substring("service ".length())));
                } else if (line.startsWith("destination ")) {
                    String rest = line.substring("destination ".length());
                    int space = rest.lastIndexOf(' ');
                    if (space < 0) {
                        throw new IllegalArgumentException("a destination line needs a service and a destination");
                    }
                    destinations.add(new DestinationRef(ServiceKey.parse(rest.substring(0, space)),
                            DestinationKey.parse(rest.substring(space + 1))));
                } else {
                    throw new IllegalArgumentException("unknown entry kind");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("IPVS ledger line " + (i + 1) + " '" + line + "': " + e.getMessage(), e);
            }
        }
        return new Ledger(services, destinations);
    }
}
