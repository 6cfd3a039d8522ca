package io.lvs.e2e.guest.programs;

import io.lvs.agent.kernel.ipvs.Addresses;
import io.lvs.agent.kernel.ipvs.AddressFamily;
import io.lvs.agent.kernel.ipvs.Destination;
import io.lvs.agent.kernel.ipvs.ForwardingMethod;
import io.lvs.agent.kernel.ipvs.Scheduler;
import io.lvs.agent.kernel.ipvs.SchedulerFlag;
import io.lvs.agent.kernel.ipvs.Service;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.Tunnel;
import io.lvs.agent.kernel.ipvs.TunnelChecksum;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * ipvsadm as the oracle: runs it inside a namespace and turns its listings into comparable blocks
 * (service line → sorted destination lines, whitespace collapsed), and renders the same blocks from a
 * table the library read back. ipvsadm sorts its listing, so blocks are compared as maps.
 */
public final class IpvsadmOracle {
    private IpvsadmOracle() {
    }

    /** Runs {@code ipvsadm ARGS} in network namespace {@code ns} and returns its output. */
    public static String run(String ns, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "ipvsadm"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    /** The blocks of an {@code ipvsadm -Ln ...} listing, headers dropped. */
    public static Map<String, List<String>> parse(String listing) {
        Map<String, List<String>> blocks = new TreeMap<>();
        List<String> current = null;
        for (String raw : listing.split("\n")) {
            String line = raw.strip().replaceAll("\\s+", " ");
            if (line.isEmpty() || line.startsWith("IP Virtual Server") || line.startsWith("Prot ")
                    || line.startsWith("-> RemoteAddress")) {
                continue;
            }
            if (line.startsWith("-> ")) {
                if (current == null) {
                    throw new IllegalArgumentException("destination line before any service: " + line);
                }
                current.add(line);
            } else {
                current = new ArrayList<>();
                blocks.put(line, current);
            }
        }
        blocks.values().forEach(l -> l.sort(null));
        return blocks;
    }

    /** What {@code ipvsadm -Ln --tun-info} prints for a table with no connections. */
    public static Map<String, List<String>> tunInfoListing(IpvsTable table) {
        return render(table, d -> d.forwarding().ipvsadmName() + " " + tunnelInfo(d) + " " + d.weight() + " 0 0");
    }

    /** What {@code ipvsadm -Ln --thresholds} prints for a table with no connections. */
    public static Map<String, List<String>> thresholdListing(IpvsTable table) {
        return render(table, d -> d.upperThreshold() + " " + d.lowerThreshold() + " 0 0");
    }

    private static Map<String, List<String>> render(IpvsTable table, java.util.function.Function<Destination, String> columns) {
        Map<String, List<String>> blocks = new TreeMap<>();
        table.services().values().forEach(e -> {
            List<String> ds = new ArrayList<>();
            e.destinations().values().forEach(d -> ds.add("-> " + Addresses.format(d.address(), d.port()) + " " + columns.apply(d)));
            ds.sort(null);
            blocks.put(serviceLine(e.service()), ds);
        });
        return blocks;
    }

    static String serviceLine(Service s) {
        StringBuilder b = new StringBuilder();
        switch (s.key()) {
            case ServiceKey.Inet k -> b.append(k.protocol()).append(' ').append(Addresses.format(k.address(), k.port()));
            case ServiceKey.FwMark k -> b.append("FWM ").append(Integer.toUnsignedString(k.mark()))
                    .append(k.family() == AddressFamily.INET6 ? " IPv6" : "");
        }
        b.append(' ').append(s.scheduler().kernelName());
        if (!s.schedulerFlags().isEmpty()) {
            List<String> names = new ArrayList<>();
            for (SchedulerFlag f : EnumSet.copyOf(s.schedulerFlags())) {
                names.add(flagName(s.scheduler(), f));
            }
            b.append(" (").append(String.join(",", names)).append(')');
        }
        s.persistence().ifPresent(p -> {
            b.append(" persistent ").append(p.timeout().toSeconds());
            boolean v6 = s.key().family() == AddressFamily.INET6;
            if (v6 && p.netmaskBits() != 128) {
                b.append(" mask ").append(p.netmaskBits());
            } else if (!v6 && p.netmaskBits() != 32) {
                int m = p.netmaskBits() == 0 ? 0 : -1 << (32 - p.netmaskBits());
                b.append(" mask ").append((m >>> 24) & 0xff).append('.').append((m >>> 16) & 0xff).append('.')
                        .append((m >>> 8) & 0xff).append('.').append(m & 0xff);
            }
        });
        s.persistenceEngine().ifPresent(pe -> b.append(" pe ").append(pe));
        if (s.onePacket()) {
            b.append(" ops");
        }
        return b.toString();
    }

    private static String flagName(Scheduler s, SchedulerFlag f) {
        if (s == Scheduler.SH || s == Scheduler.MH) {
            return switch (f) {
                case FALLBACK -> s.kernelName() + "-fallback";
                case PORT -> s.kernelName() + "-port";
                case FLAG_3 -> "flag-3";
            };
        }
        return switch (f) {
            case FALLBACK -> "flag-1";
            case PORT -> "flag-2";
            case FLAG_3 -> "flag-3";
        };
    }

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

    /** A readable difference between two listings, or "" when equal. */
    public static String diff(Map<String, List<String>> expected, Map<String, List<String>> actual) {
        StringBuilder s = new StringBuilder();
        expected.forEach((svc, ds) -> {
            if (!actual.containsKey(svc)) {
                s.append("missing service [").append(svc).append("]; ");
            } else if (!actual.get(svc).equals(ds)) {
                s.append("service [").append(svc).append("] destinations ").append(actual.get(svc))
                        .append(" expected ").append(ds).append("; ");
            }
        });
        actual.keySet().stream().filter(k -> !expected.containsKey(k))
                .forEach(k -> s.append("unexpected service [").append(k).append("]; "));
        return s.toString();
    }
}
