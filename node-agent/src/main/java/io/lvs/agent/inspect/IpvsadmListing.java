package io.lvs.agent.inspect;

import io.lvs.agent.kernel.InetText;
import io.lvs.agent.kernel.ipvs.AddressFamily;
import io.lvs.agent.kernel.ipvs.Addresses;
import io.lvs.agent.kernel.ipvs.Destination;
import io.lvs.agent.kernel.ipvs.DestinationEntry;
import io.lvs.agent.kernel.ipvs.ForwardingMethod;
import io.lvs.agent.kernel.ipvs.Info;
import io.lvs.agent.kernel.ipvs.Scheduler;
import io.lvs.agent.kernel.ipvs.SchedulerFlag;
import io.lvs.agent.kernel.ipvs.Service;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.Stats;
import io.lvs.agent.kernel.ipvs.SyncDaemon;
import io.lvs.agent.kernel.ipvs.SyncState;
import io.lvs.agent.kernel.ipvs.Timeouts;
import io.lvs.agent.kernel.ipvs.Tunnel;
import io.lvs.agent.kernel.ipvs.TunnelChecksum;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The IPVS table, timeouts and sync daemons as ipvsadm 1.31 lists them ({@code ipvsadm -Ln} and its
 * layout options, {@code -L --timeout}, {@code -L --daemon}), column for column, from the library's
 * values. Numeric only (no name lookups). Lines carry no trailing blanks (ipvsadm pads its last column).
 *
 * <p>Two deliberate differences: a firewall mark of 2^31 or more is printed unsigned (ipvsadm prints
 * it as a negative {@code int}), and entries are sorted by their true unsigned order (ipvsadm's
 * comparator subtracts addresses as {@code int}, which misorders addresses more than 2^31 apart and
 * destinations of two families).
 */
public final class IpvsadmListing {

    /** A listing layout: ipvsadm's default or one of its column options. */
    public enum Layout {
        /** {@code ipvsadm -Ln}: forwarding method, weight, active and inactive connections. */
        DEFAULT,
        /** {@code --stats}: connections, packets and bytes. */
        STATS,
        /** {@code --rate}: connections, packets and bytes per second. */
        RATE,
        /** {@code --thresholds}: upper and lower connection thresholds. */
        THRESHOLDS,
        /** {@code --persistent-conn}: persistence templates per destination. */
        PERSISTENT_CONN,
        /** {@code --tun-info}: the tunnel encapsulation of each destination. */
        TUN_INFO
    }

    private static final String PROT_LOCAL = "Prot LocalAddress:Port";
    private static final String REMOTE = "  -> RemoteAddress:Port";

    /** ipvsadm's order: address-and-port services first, then marks; then family, protocol, address, port. */
    private static final Comparator<ServiceListing> SERVICE_ORDER = Comparator
            .comparingLong((ServiceListing l) -> l.service().key() instanceof ServiceKey.FwMark m
                    ? Integer.toUnsignedLong(m.mark()) : 0L)
            .thenComparing(l -> l.service().key().family())
            .thenComparingInt(l -> l.service().key() instanceof ServiceKey.Inet k ? k.protocol().number() : 0)
            .thenComparing((a, b) -> a.service().key() instanceof ServiceKey.Inet x
                    && b.service().key() instanceof ServiceKey.Inet y
                    ? Arrays.compareUnsigned(x.address().getAddress(), y.address().getAddress()) : 0)
            .thenComparingInt(l -> l.service().key() instanceof ServiceKey.Inet k ? k.port() : 0);

    private IpvsadmListing() {
    }

    /** "IP Virtual Server version 1.2.1 (size=4096)". */
    public static String versionLine(Info info) {
        return "IP Virtual Server version " + info.versionText() + " (size=" + info.connectionTableSize() + ")";
    }

    /** The two title lines and every service with its destinations, sorted as ipvsadm sorts them. */
    public static List<String> table(List<ServiceListing> services, Layout layout) {
        List<String> lines = new ArrayList<>(title(layout));
        for (ServiceListing s : services.stream().sorted(SERVICE_ORDER).toList()) {
            lines.add(serviceLine(s, layout).stripTrailing());
            for (DestinationEntry d : s.destinations().stream().sorted(Comparator.comparing(DestinationEntry::key)).toList()) {
                lines.add(destinationLine(d, layout).stripTrailing());
            }
        }
        return lines;
    }

    /** "Timeout (tcp tcpfin udp): 900 120 300". */
    public static String timeouts(Timeouts t) {
        return "Timeout (tcp tcpfin udp): " + t.tcp().toSeconds() + " " + t.tcpFin().toSeconds() + " " + t.udp().toSeconds();
    }

    /** One line per daemon, the master first: "master sync daemon (mcast=eth0, syncid=7, maxlen=1472, ...)". */
    public static List<String> syncDaemons(List<SyncDaemon> daemons) {
        return daemons.stream().sorted(Comparator.comparing(SyncDaemon::state)).map(IpvsadmListing::syncDaemon).toList();
    }

    private static String syncDaemon(SyncDaemon d) {
        StringBuilder s = new StringBuilder(d.state() == SyncState.MASTER ? "master" : "backup")
                .append(" sync daemon (mcast=").append(d.interfaceName()).append(", syncid=").append(d.syncId());
        // ipvsadm leaves out what is zero or unset
        d.maxPacketBytes().ifPresent(v -> s.append(v == 0 ? "" : ", maxlen=" + v));
        d.multicastGroup().ifPresent(g -> s.append(", group=").append(InetText.of(g)));
        d.multicastPort().ifPresent(v -> s.append(v == 0 ? "" : ", port=" + v));
        d.multicastTtl().ifPresent(v -> s.append(v == 0 ? "" : ", ttl=" + v));
        return s.append(')').toString();
    }

    private static List<String> title(Layout layout) {
        String first = switch (layout) {
            case DEFAULT, TUN_INFO -> "Prot LocalAddress:Port Scheduler Flags";
            case STATS -> String.format("%-33s %8s %8s %8s %8s %8s", PROT_LOCAL, "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes");
            case RATE -> String.format("%-33s %8s %8s %8s %8s %8s", PROT_LOCAL, "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS");
            case THRESHOLDS -> String.format("%-33s %-10s %-10s %-10s %-10s", PROT_LOCAL, "Uthreshold", "Lthreshold",
                    "ActiveConn", "InActConn");
            case PERSISTENT_CONN -> String.format("%-33s %-9s %-11s %-10s %-10s", PROT_LOCAL, "Weight", "PersistConn",
                    "ActiveConn", "InActConn");
        };
        String second = switch (layout) {
            case DEFAULT -> REMOTE + "           Forward Weight ActiveConn InActConn";
            case TUN_INFO -> REMOTE + "           Forward TunnelInfo    Weight ActiveConn InActConn";
            case STATS, RATE, THRESHOLDS, PERSISTENT_CONN -> REMOTE;
        };
        return List.of(first.stripTrailing(), second);
    }

    private static String serviceLine(ServiceListing listing, Layout layout) {
        Service s = listing.service().service();
        Stats st = listing.service().stats();
        return switch (layout) {
            case STATS -> String.format("%-33s", serviceName(s.key()))
                    + counters(st.connections(), st.inPackets(), st.outPackets(), st.inBytes(), st.outBytes());
            case RATE -> String.format("%-33s", serviceName(s.key()))
                    + counters(st.cps(), st.inPps(), st.outPps(), st.inBps(), st.outBps());
            case DEFAULT, THRESHOLDS, PERSISTENT_CONN, TUN_INFO -> serviceName(s.key()) + " " + s.scheduler().kernelName()
                    + serviceOptions(s);
        };
    }

    /** "TCP  192.0.2.10:80", "SCTP [2001:db8::10]:3868", "FWM  7", "FWM  7 IPv6". */
    static String serviceName(ServiceKey key) {
        return switch (key) {
            case ServiceKey.Inet k -> String.format("%-4s %s", k.protocol(), Addresses.format(k.address(), k.port()));
            case ServiceKey.FwMark m -> "FWM  " + Integer.toUnsignedString(m.mark())
                    + (m.family() == AddressFamily.INET6 ? " IPv6" : "");
        };
    }

    private static String serviceOptions(Service s) {
        StringBuilder b = new StringBuilder();
        if (!s.schedulerFlags().isEmpty()) {
            b.append(" (").append(schedulerFlags(s)).append(')');
        }
        s.persistence().ifPresent(p -> {
            b.append(" persistent ").append(p.timeout().toSeconds());
            if (s.key().family() == AddressFamily.INET && p.netmaskBits() != 32) {
                b.append(" mask ").append(dottedMask(p.netmaskBits()));
            } else if (s.key().family() == AddressFamily.INET6 && p.netmaskBits() != 128) {
                b.append(" mask ").append(p.netmaskBits());
            }
            // ipvsadm names the persistence engine only for persistent services
            s.persistenceEngine().ifPresent(pe -> b.append(" pe ").append(pe));
        });
        if (s.onePacket()) {
            b.append(" ops");
        }
        return b.toString();
    }

    /**
     * sh and mh name their two flags ("sh-fallback,sh-port") and ipvsadm then ignores the third; other
     * schedulers show the bits as "flag-1", "flag-2", "flag-3". An sh service with only the third bit set
     * shows "()", as ipvsadm does.
     */
    private static String schedulerFlags(Service s) {
        List<String> names = new ArrayList<>();
        boolean hashing = s.scheduler() == Scheduler.SH || s.scheduler() == Scheduler.MH;
        for (SchedulerFlag f : SchedulerFlag.values()) {
            if (!s.schedulerFlags().contains(f)) {
                continue;
            }
            if (hashing && f != SchedulerFlag.FLAG_3) {
                names.add(s.scheduler().kernelName() + "-" + f.label());
            } else if (!hashing) {
                names.add(switch (f) {
                    case FALLBACK -> "flag-1";
                    case PORT -> "flag-2";
                    case FLAG_3 -> "flag-3";
                });
            }
        }
        return String.join(",", names);
    }

    private static String dottedMask(int bits) {
        int m = bits == 0 ? 0 : -1 << (32 - bits);
        return ((m >>> 24) & 0xff) + "." + ((m >>> 16) & 0xff) + "." + ((m >>> 8) & 0xff) + "." + (m & 0xff);
    }

    private static String destinationLine(DestinationEntry e, Layout layout) {
        Destination d = e.destination();
        String name = Addresses.format(d.address(), d.port());
        Stats st = e.stats();
        String active = Integer.toUnsignedString(e.activeConnections());
        String inactive = Integer.toUnsignedString(e.inactiveConnections());
        return switch (layout) {
            case DEFAULT -> String.format("  -> %-28s %-7s %-6d %-10s %-10s", name, d.forwarding().ipvsadmName(),
                    d.weight(), active, inactive);
            case TUN_INFO -> String.format("  -> %-28s %-7s %-13s %-6d %-10s %-10s", name, d.forwarding().ipvsadmName(),
                    tunnelInfo(d), d.weight(), active, inactive);
            case STATS -> String.format("  -> %-28s", name)
                    + counters(st.connections(), st.inPackets(), st.outPackets(), st.inBytes(), st.outBytes());
            // ipvsadm prints a destination's three smaller rates unabridged
            case RATE -> String.format("  -> %-28s %8s %8s %8s", name, Long.toUnsignedString(st.cps()),
                    Long.toUnsignedString(st.inPps()), Long.toUnsignedString(st.outPps()))
                    + counters(st.inBps(), st.outBps());
            case THRESHOLDS -> String.format("  -> %-28s %-10d %-10d %-10s %-10s", name, d.upperThreshold(),
                    d.lowerThreshold(), active, inactive);
            case PERSISTENT_CONN -> String.format("  -> %-28s %-9d %-11s %-10s %-10s", name, d.weight(),
                    Integer.toUnsignedString(e.persistentConnections()), active, inactive);
        };
    }

    /** "ipip", "gue:6080:-c", "gre:+c", or "n/a" for other forwarding methods. */
    private static String tunnelInfo(Destination d) {
        if (d.forwarding() != ForwardingMethod.TUNNEL) {
            return "n/a";
        }
        return switch (d.tunnel()) {
            case Tunnel.Ipip i -> "ipip";
            case Tunnel.Gue g -> "gue:" + g.port() + ":" + checksum(g.checksum());
            case Tunnel.Gre g -> "gre:" + checksum(g.checksum());
        };
    }

    private static String checksum(TunnelChecksum c) {
        return switch (c) {
            case NONE -> "-c";
            case CSUM -> "+c";
            case REMCSUM -> "r+c";
        };
    }

    private static String counters(long... values) {
        StringBuilder s = new StringBuilder();
        for (long v : values) {
            s.append(largeNumber(v));
        }
        return s.toString();
    }

    /**
     * A counter in ipvsadm's nine columns: exact below 100 million, then thousands (K), millions (M),
     * billions (G) or trillions (T), truncated. Counters are unsigned 64-bit.
     */
    static String largeNumber(long v) {
        String[] units = {"K", "M", "G", "T"};
        long[] limits = {1_000_000_000L, 100_000_000_000L, 100_000_000_000_000L};
        long[] divisors = {1_000L, 1_000_000L, 1_000_000_000L, 1_000_000_000_000L};
        if (Long.compareUnsigned(v, 100_000_000L) < 0) {
            return String.format("%9d", v);
        }
        int i = 0;
        while (i < limits.length && Long.compareUnsigned(v, limits[i]) >= 0) {
            i++;
        }
        return String.format("%8s", Long.toUnsignedString(Long.divideUnsigned(v, divisors[i]))) + units[i];
    }
}
