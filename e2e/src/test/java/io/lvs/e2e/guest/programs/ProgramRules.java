package io.lvs.e2e.guest.programs;

import io.lvs.agent.kernel.ipvs.Addresses;
import io.lvs.agent.kernel.ipvs.ApplyResult;
import io.lvs.agent.kernel.ipvs.Destination;
import io.lvs.agent.kernel.ipvs.ForwardingMethod;
import io.lvs.agent.kernel.ipvs.Ipvs;
import io.lvs.agent.kernel.ipvs.Scheduler;
import io.lvs.agent.kernel.ipvs.Service;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsTable;
import io.lvs.agent.kernel.ipvs.reconcile.Ledger;
import io.lvs.agent.kernel.ipvs.reconcile.Plan;
import io.lvs.agent.kernel.ipvs.reconcile.Planner;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The library's own time for a table an agent programmed: reads {@code ipvsadm -Sn} output (TCP services and their
 * destinations: {@code -A -t ADDR:PORT -s SCHED} and {@code -a -t ADDR:PORT -r ADDR:PORT -m|-g|-i -w W}), then reads
 * the empty table of namespace NS, plans and applies it through the library, as the agent's first pass does, and prints
 * figures (lines starting "BENCH"), the JVM's own start included.
 *
 * <p>Usage: {@code ProgramRules NS RULES_FILE}.
 */
public final class ProgramRules {
    public static void main(String[] args) throws Exception {
        String ns = args[0];
        Checks checks = new Checks();
        long t0 = System.nanoTime();
        IpvsTable table = parse(Files.readAllLines(Path.of(args[1])));
        try (Ipvs ipvs = Ipvs.open(NetworkNamespace.named(ns))) {
            Plan plan = Planner.plan(table, ipvs.table(), Ledger.empty());
            double planned = (System.nanoTime() - t0) / 1e6;
            long t1 = System.nanoTime();
            ApplyResult r = ipvs.apply(plan.ops());
            double applied = (System.nanoTime() - t1) / 1e6;
            checks.check("the library programs the agent's table", r.allApplied()
                    && ipvs.table().table().equals(table), r.failures().size() + " failures");
            long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            System.out.printf("BENCH library: %d services, %d destinations: read the empty table and plan %.0f ms, "
                    + "apply %.0f ms (%d datagrams); %d ms from the JVM's start%n", table.services().size(),
                    table.destinationCount(), planned, applied, r.datagrams(), sinceJvmStart);
        }
        checks.exit();
    }

    static IpvsTable parse(List<String> lines) {
        Map<ServiceKey, Service> services = new LinkedHashMap<>();
        Map<ServiceKey, List<Destination>> destinations = new LinkedHashMap<>();
        for (String line : lines) {
            String[] w = line.trim().split("\\s+");
            if (w.length < 4 || !w[1].equals("-t")) {
                continue;
            }
            InetSocketAddress at = Addresses.parseWithPort(w[2]);
            ServiceKey key = ServiceKey.tcp(at.getAddress().getHostAddress(), at.getPort());
            if (w[0].equals("-A")) {
                services.put(key, Service.of(key, Scheduler.fromKernelName(value(w, "-s")).orElseThrow()));
                destinations.put(key, new ArrayList<>());
            } else if (w[0].equals("-a")) {
                InetSocketAddress rs = Addresses.parseWithPort(value(w, "-r"));
                ForwardingMethod m = List.of(w).contains("-g") ? ForwardingMethod.DROUTE
                        : List.of(w).contains("-i") ? ForwardingMethod.TUNNEL : ForwardingMethod.MASQ;
                destinations.get(key).add(Destination.of(rs.getAddress(), rs.getPort(), m)
                        .withWeight(Integer.parseInt(value(w, "-w"))));
            }
        }
        IpvsTable.Builder b = IpvsTable.builder();
        services.forEach((k, s) -> b.service(s, destinations.get(k)));
        return b.build();
    }

    private static String value(String[] words, String flag) {
        for (int i = 0; i < words.length - 1; i++) {
            if (words[i].equals(flag)) {
                return words[i + 1];
            }
        }
        throw new IllegalArgumentException("no " + flag + " in " + String.join(" ", words));
    }
}
