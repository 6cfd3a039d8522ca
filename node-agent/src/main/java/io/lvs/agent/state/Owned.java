package io.lvs.agent.state;

import io.lvs.agent.kernel.InetText;
import io.lvs.agent.kernel.ipvs.Addresses;
import io.lvs.agent.kernel.ipvs.SyncState;
import io.lvs.agent.kernel.sysctl.Sysctl;
import java.net.InetAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What this agent owns outside IPVS (IPVS has its own ledger): addresses it added, sysctls it changed with the value
 * each had before, links it brought up, links it created, FOU receive ports it opened, IPVS sync daemons it started.
 * Immutable.
 *
 * @param addresses    the addresses it added, each on its link
 * @param sysctls      each parameter it changed, with the value before its first change and the value it set
 * @param linksUp      links it brought up (they were there, down): taken down again when no longer needed
 * @param linksCreated links it created (there was no link of that name): deleted when no longer needed, or taken down
 *                     when the kernel keeps them (a tunnel module's fallback device, which the request loaded)
 * @param fouPorts     FOU (GUE) receive ports it opened
 * @param syncDaemons  the IPVS sync daemons it started (master, backup)
 */
public record Owned(Set<OwnedAddress> addresses, Map<Sysctl, SysctlChangeRecord> sysctls, Set<String> linksUp,
                    Set<String> linksCreated, Set<FouPort> fouPorts, Set<SyncState> syncDaemons) {
    public Owned {
        syncDaemons = Set.copyOf(syncDaemons);
        addresses = Set.copyOf(addresses);
        sysctls = Map.copyOf(sysctls);
        linksUp = Set.copyOf(linksUp);
        linksCreated = Set.copyOf(linksCreated);
        fouPorts = Set.copyOf(fouPorts);
    }

    public static Owned nothing() {
        return new Owned(Set.of(), Map.of(), Set.of(), Set.of(), Set.of(), Set.of());
    }

    public boolean isEmpty() {
        return addresses.isEmpty() && sysctls.isEmpty() && linksUp.isEmpty() && linksCreated.isEmpty()
                && fouPorts.isEmpty() && syncDaemons.isEmpty();
    }

    /** An address on a link, with its prefix length. */
    public record OwnedAddress(String link, InetAddress address, int prefixLength) implements Comparable<OwnedAddress> {
        public OwnedAddress {
            Objects.requireNonNull(link);
            Objects.requireNonNull(address);
        }

        @Override
        public int compareTo(OwnedAddress o) {
            int c = link.compareTo(o.link);
            return c != 0 ? c : toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return InetText.of(address) + "/" + prefixLength + " on " + link;
        }
    }

    /** The value a parameter had before this agent changed it, and what it set. */
    public record SysctlChangeRecord(int previous, int set) {
    }

    /** A FOU receive port (GUE decapsulation) of one family. */
    public record FouPort(int port, boolean ipv6) implements Comparable<FouPort> {
        @Override
        public String toString() {
            return "GUE port " + port + " (" + (ipv6 ? "IPv6" : "IPv4") + ")";
        }

        @Override
        public int compareTo(FouPort o) {
            return port != o.port ? Integer.compare(port, o.port) : Boolean.compare(ipv6, o.ipv6);
        }
    }

    public Owned withAddress(OwnedAddress a) {
        Set<OwnedAddress> s = new TreeSet<>(addresses);
        s.add(a);
        return new Owned(s, sysctls, linksUp, linksCreated, fouPorts, syncDaemons);
    }

    public Owned withoutAddress(OwnedAddress a) {
        Set<OwnedAddress> s = new TreeSet<>(addresses);
        s.remove(a);
        return new Owned(s, sysctls, linksUp, linksCreated, fouPorts, syncDaemons);
    }

    public Owned withSysctl(Sysctl key, SysctlChangeRecord r) {
        Map<Sysctl, SysctlChangeRecord> m = new java.util.HashMap<>(sysctls);
        m.put(key, r);
        return new Owned(addresses, m, linksUp, linksCreated, fouPorts, syncDaemons);
    }

    public Owned withoutSysctl(Sysctl key) {
        Map<Sysctl, SysctlChangeRecord> m = new java.util.HashMap<>(sysctls);
        m.remove(key);
        return new Owned(addresses, m, linksUp, linksCreated, fouPorts, syncDaemons);
    }

    public Owned withLinkUp(String link, boolean owned) {
        Set<String> s = new TreeSet<>(linksUp);
        if (owned) {
            s.add(link);
        } else {
            s.remove(link);
        }
        return new Owned(addresses, sysctls, s, linksCreated, fouPorts, syncDaemons);
    }

    public Owned withLinkCreated(String link, boolean owned) {
        Set<String> s = new TreeSet<>(linksCreated);
        if (owned) {
            s.add(link);
        } else {
            s.remove(link);
        }
        return new Owned(addresses, sysctls, linksUp, s, fouPorts, syncDaemons);
    }

    public Owned withFouPort(FouPort p, boolean owned) {
        Set<FouPort> s = new TreeSet<>(fouPorts);
        if (owned) {
            s.add(p);
        } else {
            s.remove(p);
        }
        return new Owned(addresses, sysctls, linksUp, linksCreated, s, syncDaemons);
    }

    public Owned withSyncDaemon(SyncState state, boolean owned) {
        Set<SyncState> s = new TreeSet<>(syncDaemons);
        if (owned) {
            s.add(state);
        } else {
            s.remove(state);
        }
        return new Owned(addresses, sysctls, linksUp, linksCreated, fouPorts, s);
    }

    /** The text form: one sorted line per entry. */
    String toText() {
        StringBuilder b = new StringBuilder(StateDirectory.OWNED_HEADER).append('\n');
        new TreeSet<>(addresses).forEach(a -> b.append("address ").append(a.link()).append(' ')
                .append(InetText.of(a.address())).append('/').append(a.prefixLength()).append('\n'));
        Map<String, SysctlChangeRecord> byName = new TreeMap<>();
        sysctls.forEach((k, v) -> byName.put(k.name(), v));
        byName.forEach((k, v) -> b.append("sysctl ").append(k).append(' ').append(v.previous()).append(' ').append(v.set())
                .append('\n'));
        new TreeSet<>(linksUp).forEach(l -> b.append("link-up ").append(l).append('\n'));
        new TreeSet<>(linksCreated).forEach(l -> b.append("link-created ").append(l).append('\n'));
        new TreeSet<>(fouPorts).forEach(p -> b.append("fou ").append(p.port()).append(' ').append(p.ipv6() ? "ipv6" : "ipv4")
                .append('\n'));
        new TreeSet<>(syncDaemons).forEach(d -> b.append("sync-daemon ").append(d.name().toLowerCase(java.util.Locale.ROOT))
                .append('\n'));
        return b.toString();
    }

    /** Reads {@link #toText()}; IllegalArgumentException naming the line when it is not that. */
    static Owned parse(String text) {
        String[] lines = text.split("\n");
        if (lines.length == 0 || !lines[0].strip().equals(StateDirectory.OWNED_HEADER)) {
            throw new IllegalArgumentException("the first line must be '" + StateDirectory.OWNED_HEADER + "'");
        }
        Owned o = nothing();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" ");
            try {
                o = switch (f[0]) {
                    case "address" -> {
                        int slash = f[2].lastIndexOf('/');
                        yield o.withAddress(new OwnedAddress(f[1], Addresses.parse(f[2].substring(0, slash)),
                                Integer.parseInt(f[2].substring(slash + 1))));
                    }
                    case "sysctl" -> o.withSysctl(Sysctl.parse(f[1]),
                            new SysctlChangeRecord(Integer.parseInt(f[2]), Integer.parseInt(f[3])));
                    case "link-up" -> o.withLinkUp(f[1], true);
                    case "link-created" -> o.withLinkCreated(f[1], true);
                    case "sync-daemon" -> o.withSyncDaemon(SyncState.valueOf(f[1].toUpperCase(java.util.Locale.ROOT)), true);
                    case "fou" -> o.withFouPort(new FouPort(Integer.parseInt(f[1]), f[2].equals("ipv6")), true);
                    default -> throw new IllegalArgumentException("unknown entry kind " + f[0]);
                };
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + (i + 1) + " '" + line + "': " + e.getMessage(), e);
            }
        }
        return o;
    }
}
