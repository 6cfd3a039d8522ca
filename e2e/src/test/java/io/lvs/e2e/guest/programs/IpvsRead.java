package io.lvs.e2e.guest.programs;

import io.lvs.agent.kernel.ipvs.AddressFamily;
import io.lvs.agent.kernel.ipvs.BriefTable;
import io.lvs.agent.kernel.ipvs.Destination;
import io.lvs.agent.kernel.ipvs.DestinationEntry;
import io.lvs.agent.kernel.ipvs.ForwardingMethod;
import io.lvs.agent.kernel.ipvs.Ipvs;
import io.lvs.agent.kernel.ipvs.Persistence;
import io.lvs.agent.kernel.ipvs.Protocol;
import io.lvs.agent.kernel.ipvs.Scheduler;
import io.lvs.agent.kernel.ipvs.Service;
import io.lvs.agent.kernel.ipvs.ServiceEntry;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.Tunnel;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsTable;
import io.lvs.agent.kernel.ipvs.reconcile.Ledger;
import io.lvs.agent.kernel.ipvs.reconcile.ObservedTable;
import io.lvs.agent.kernel.ipvs.reconcile.Planner;
import io.lvs.agent.kernel.ipvs.reconcile.TableReader;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The agent's periodic read of the IPVS table on a real kernel: {@code /proc/net/ip_vs} as this kernel prints it
 * agrees with netlink for every kind of service; the cheap read equals a full read after changes made by hand with
 * ipvsadm (weights, destinations, services, {@code -C}), dumping only what changed; what the file cannot show (a
 * threshold) is seen within the full-refresh period. Then figures (lines starting "BENCH"): a full read against the
 * cheap read at SERVICES services x 4 destinations.
 *
 * <p>Usage: {@code IpvsRead NAMESPACE [SERVICES] [REPEATS]} (defaults 1,000 and 5).
 */
public final class IpvsRead {
    private static final Duration FULL = Duration.ofSeconds(30);

    public static void main(String[] args) throws Exception {
        String ns = args[0];
        int services = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Checks checks = new Checks();
        try (Ipvs ipvs = Ipvs.open(NetworkNamespace.named(ns))) {
            IpvsTable table = table(services);
            checks.check("the table is programmed", ipvs.apply(Planner.plan(table, ipvs.table(), Ledger.empty()).ops())
                    .allApplied(), "");

            // 1. the file as this kernel prints it agrees with netlink, service by service
            ObservedTable full = ipvs.table();
            BriefTable brief = ipvs.brief();
            List<String> disagreements = new ArrayList<>();
            int told = 0;
            for (ServiceEntry s : ipvs.services()) {
                Optional<List<BriefTable.Destination>> shown = brief.destinations(s.key());
                if (shown.isEmpty()) {
                    continue;
                }
                told++;
                List<DestinationEntry> dumped = ipvs.destinations(s.key());
                if (dumped.size() != shown.get().size() || !dumped.stream().allMatch(d -> shown.get().stream().anyMatch(
                        b -> b.key().equals(d.key()) && b.sameAs(d.destination()) && b.active() == d.activeConnections()
                                && b.inactive() == d.inactiveConnections()))) {
                    disagreements.add(s.key() + ": netlink " + dumped + " file " + shown.get());
                }
            }
            checks.check("/proc/net/ip_vs shows every service netlink dumps, destination for destination",
                    disagreements.isEmpty() && told == table.services().size() - 2, told + " told apart; "
                            + disagreements);
            checks.check("a mark two families share is not told apart by the file",
                    brief.destinations(new ServiceKey.FwMark(AddressFamily.INET, 7)).isEmpty(), "");

            // 2. the cheap read equals a full read, and after changes by hand it dumps only what changed
            TableReader reader = new TableReader(FULL);
            Instant t = Instant.parse("2026-01-01T00:00:00Z");
            checks.check("the first read equals a full read", reader.read(ipvs, Set.of(), t).equals(full), "");
            t = t.plusSeconds(1);
            ObservedTable again = reader.read(ipvs, Set.of(), t);
            checks.check("a read with nothing changed dumps only the two marks the file cannot tell apart",
                    again.equals(ipvs.table()) && reader.lastCost().destinationDumps() == 2, reader.lastCost().toString());
            ipvsadm(ns, "-e", "-t", "192.0.2.1:1000", "-r", "198.51.100.1:80", "-m", "-w", "9");
            ipvsadm(ns, "-d", "-t", "192.0.2.1:1001", "-r", "198.51.100.2:80");
            ipvsadm(ns, "-D", "-t", "192.0.2.1:1002");
            ipvsadm(ns, "-A", "-t", "203.0.113.50:80", "-s", "rr");
            ipvsadm(ns, "-a", "-t", "203.0.113.50:80", "-r", "198.51.100.77:80", "-m");
            t = t.plusSeconds(1);
            ObservedTable afterHand = reader.read(ipvs, Set.of(), t);
            checks.check("changes by hand with ipvsadm are read at once, with 5 destination dumps",
                    afterHand.equals(ipvs.table()) && reader.lastCost().destinationDumps() == 5,
                    reader.lastCost().toString());
            ipvsadm(ns, "-e", "-t", "192.0.2.1:1003", "-r", "198.51.100.1:80", "-m", "-w", "1", "-x", "100", "-y", "10");
            boolean unseenAtFirst = false;
            boolean seen = false;
            for (int s = 1; s <= 2 * (int) FULL.toSeconds() && !seen; s++) {
                t = t.plusSeconds(1);
                ObservedTable r = reader.read(ipvs, Set.of(), t);
                boolean has = r.table().services().get(ServiceKey.tcp("192.0.2.1", 1003)).destinations().values()
                        .stream().anyMatch(d -> d.upperThreshold() == 100);
                if (s == 1) {
                    unseenAtFirst = !has;
                }
                seen = has;
            }
            checks.check("a threshold changed by hand (the file does not show it) is read within the refresh period",
                    unseenAtFirst && seen, "unseen at first " + unseenAtFirst + ", seen " + seen);
            ipvsadm(ns, "-C");
            t = t.plusSeconds(1);
            checks.check("ipvsadm -C is read at once", reader.read(ipvs, Set.of(), t).table().services().isEmpty(), "");

            // 3. figures
            ipvs.apply(Planner.plan(table, ipvs.table(), Ledger.empty()).ops());
            bench(ipvs, services, repeats);
        }
        checks.exit();
    }

    private static void bench(Ipvs ipvs, int services, int repeats) {
        double[] fullRead = new double[repeats];
        double[] serviceDump = new double[repeats];
        double[] file = new double[repeats];
        double[] steady = new double[repeats];
        double[] parse = new double[repeats];
        byte[] text = ipvs.namespace().call(() -> java.nio.file.Files.readAllBytes(
                java.nio.file.Path.of("/proc/thread-self/net/ip_vs")));
        TableReader reader = new TableReader(FULL);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        reader.read(ipvs, Set.of(), t);
        // a steady state: a read every second for two refresh periods spreads the whole-service dumps evenly, so
        // that every read dumps its slice (services x period / fullRefresh)
        for (int s = 0; s < 2 * FULL.toSeconds(); s++) {
            t = t.plusSeconds(1);
            reader.read(ipvs, Set.of(), t);
        }
        int slice = 0;
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            ipvs.table();
            fullRead[i] = ms(t0);
            t0 = System.nanoTime();
            ipvs.services();
            serviceDump[i] = ms(t0);
            t0 = System.nanoTime();
            ipvs.brief();
            file[i] = ms(t0);
            t0 = System.nanoTime();
            BriefTable.parse(text, text.length);
            parse[i] = ms(t0);
            t = t.plusSeconds(1);
            t0 = System.nanoTime();
            reader.read(ipvs, Set.of(), t);
            steady[i] = ms(t0);
            slice = reader.lastCost().destinationDumps();
        }
        System.out.printf("BENCH %d services x 4 destinations, median of %d (min-max):%n", services + 5, repeats);
        line("full read (1 service dump + 1 destination dump per service)", fullRead);
        line("service dump alone", serviceDump);
        line("/proc/net/ip_vs read and parsed (" + ipvs.briefBytes() / 1024 + " KiB)", file);
        line("  of which parsing the text", parse);
        line("periodic read at 1 s, full refresh 30 s (" + slice + " destination dumps)", steady);
    }

    private static void line(String what, double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        System.out.printf("BENCH   %s: %.1f ms (%.1f-%.1f)%n", what, s[s.length / 2], s[0], s[s.length - 1]);
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    /** SERVICES TCP services x 4 NAT destinations, and one of each other kind the file prints differently. */
    static IpvsTable table(int services) {
        IpvsTable.Builder b = IpvsTable.builder();
        for (int s = 0; s < services; s++) {
            ServiceKey key = ServiceKey.tcp("192.0.2." + (1 + s / 5000), 1000 + s % 5000);
            List<Destination> ds = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                ds.add(Destination.of("198.51.100." + i, 80, ForwardingMethod.MASQ).withWeight(i));
            }
            b.service(Service.of(key, Scheduler.WRR), ds);
        }
        b.service(Service.of(ServiceKey.tcp("2001:db8::10", 443), Scheduler.RR),
                List.of(Destination.of("2001:db8::1", 443, ForwardingMethod.MASQ).withWeight(5)));
        b.service(Service.of(ServiceKey.udp("192.0.2.200", 53), Scheduler.SH).withOnePacket(true)
                        .withPersistence(new Persistence(Duration.ofSeconds(300), 24)),
                List.of(Destination.of("198.51.100.9", 53, ForwardingMethod.MASQ)));
        b.service(Service.of(new ServiceKey.Inet(Protocol.SCTP, io.lvs.agent.kernel.ipvs.Addresses.parse("192.0.2.201"),
                9), Scheduler.WRR), List.of(Destination.tunnel("198.51.100.10", 9, new Tunnel.Gue(6080, io.lvs.agent.kernel.ipvs.TunnelChecksum.NONE))));
        b.service(Service.of(new ServiceKey.FwMark(AddressFamily.INET, 7), Scheduler.RR),
                List.of(Destination.of("198.51.100.11", 0, ForwardingMethod.DROUTE)));
        b.service(Service.of(new ServiceKey.FwMark(AddressFamily.INET6, 7), Scheduler.RR),
                List.of(Destination.of("2001:db8::11", 0, ForwardingMethod.DROUTE)));
        return b.build();
    }

    private static void ipvsadm(String ns, String... args) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns, "ipvsadm"));
        c.addAll(List.of(args));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", c) + " failed: " + out);
        }
    }
}
