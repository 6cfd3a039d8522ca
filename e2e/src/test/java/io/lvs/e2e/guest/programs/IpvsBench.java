package io.lvs.e2e.guest.programs;

import io.lvs.agent.kernel.ipvs.Addresses;
import io.lvs.agent.kernel.ipvs.ApplyResult;
import io.lvs.agent.kernel.ipvs.Destination;
import io.lvs.agent.kernel.ipvs.ForwardingMethod;
import io.lvs.agent.kernel.ipvs.Ipvs;
import io.lvs.agent.kernel.ipvs.Scheduler;
import io.lvs.agent.kernel.ipvs.Service;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsOp;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsTable;
import io.lvs.agent.kernel.ipvs.reconcile.Ledger;
import io.lvs.agent.kernel.ipvs.reconcile.ObservedTable;
import io.lvs.agent.kernel.ipvs.reconcile.Plan;
import io.lvs.agent.kernel.ipvs.reconcile.Planner;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The IPVS programming benchmark, side by side in one run: the library programs SERVICES x 10
 * destinations into an empty namespace and applies a 1 % change (500 weight changes, 250 destinations
 * removed, 250 added), and {@code ipvsadm -R} restores the identical table and the identical change
 * into another namespace. Prints figures (lines starting "BENCH") and checks that both namespaces end
 * with the same table and that the change was exactly 1,000 netlink requests.
 *
 * <p>Usage: {@code IpvsBench LIB_NS IPVSADM_NS [SERVICES]} (default 10,000 services).
 */
public final class IpvsBench {
    static final int DESTINATIONS = 10;

    public static void main(String[] args) throws Exception {
        String libNs = args[0];
        String admNs = args[1];
        int services = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        Checks checks = new Checks();

        long t0 = System.nanoTime();
        IpvsTable full = table(services);
        IpvsTable changed = onePercentChange(full);
        report("build the desired tables in memory", t0, full.services().size() + " services, " + full.destinationCount() + " destinations");

        try (Ipvs ipvs = Ipvs.open(NetworkNamespace.named(libNs))) {
            // ---- library: from empty
            t0 = System.nanoTime();
            ObservedTable empty = ipvs.table();
            Plan plan = Planner.plan(full, empty, Ledger.empty());
            double planMs = report("library: read the empty table and plan", t0, plan.ops().size() + " ops");
            t0 = System.nanoTime();
            ApplyResult r = ipvs.apply(plan.ops());
            double libFull = report("library: apply the full table", t0, r.datagrams() + " datagrams");
            checks.check("the library programs the full table", r.allApplied(), r.failures().size() + " failures, first "
                    + r.failures().stream().findFirst().map(Object::toString).orElse(""));

            t0 = System.nanoTime();
            ObservedTable observed = ipvs.table();
            double readBack = report("library: read back the table (1 service dump + 1 destination dump per service)", t0,
                    observed.table().services().size() + " services");
            checks.check("the read-back equals the desired table", observed.table().equals(full), "");

            // ---- library: the 1 % change, as the agent would do it: read, plan, apply
            t0 = System.nanoTime();
            ObservedTable before = ipvs.table();
            double readAgain = report("library: 1% change, read the kernel table", t0, "");
            long tp = System.nanoTime();
            Plan delta = Planner.plan(changed, before, plan.ledger());
            double planDelta = report("library: 1% change, plan", tp, delta.ops().size() + " ops");
            long sent = ipvs.requestsSent();
            tp = System.nanoTime();
            ApplyResult d = ipvs.apply(delta.ops());
            double applyDelta = report("library: 1% change, apply", tp, (ipvs.requestsSent() - sent) + " netlink requests, "
                    + d.datagrams() + " datagrams");
            System.out.printf("BENCH library: 1%% change, read + plan + apply: %.1f ms%n", readAgain + planDelta + applyDelta);
            checks.check("the 1% change is exactly 1000 operations and 1000 netlink requests", d.allApplied()
                    && delta.ops().size() == 1000 && ipvs.requestsSent() - sent == 1000, delta.ops().size() + " ops");
            checks.check("after the change the kernel holds the changed table", ipvs.table().table().equals(changed), "");

            // ---- ipvsadm -R: the identical table and change, into another namespace
            Path fullRules = Files.writeString(Path.of("/tmp/ipvs-bench-full.rules"), rules(full));
            Path deltaRules = Files.writeString(Path.of("/tmp/ipvs-bench-delta.rules"), deltaRules(delta.ops()));
            double admFull = restore(admNs, fullRules, "ipvsadm -R: the full table");
            double admDelta = restore(admNs, deltaRules, "ipvsadm -R: the 1% change");
            try (Ipvs other = Ipvs.open(NetworkNamespace.named(admNs))) {
                checks.check("ipvsadm -R built the same table", other.table().table().equals(changed), "");
            }
            System.out.printf("BENCH ratio full table: ipvsadm -R / library = %.1f (%.0f ms / %.0f ms; plan %.0f ms not included)%n",
                    admFull / libFull, admFull, libFull, planMs);
            System.out.printf("BENCH ratio 1%% change: ipvsadm -R / library apply = %.1f (%.0f ms / %.1f ms)%n",
                    admDelta / applyDelta, admDelta, applyDelta);
            System.out.printf("BENCH read-back: %.0f ms for %d services (%.1f µs per destination dump)%n", readBack, services,
                    readBack * 1000 / services);
            checks.check("the library programs the full table at least as fast as ipvsadm -R", libFull <= admFull,
                    libFull + " ms vs " + admFull + " ms");
        }
        checks.exit();
    }

    /** SERVICES TCP services on 100 VIPs x N ports, each with 10 NAT destinations of weights 1..5. */
    static IpvsTable table(int services) {
        IpvsTable.Builder b = IpvsTable.builder();
        for (int s = 0; s < services; s++) {
            ServiceKey key = ServiceKey.tcp("192.0.2." + (1 + s % 100), 10_000 + s / 100);
            List<Destination> ds = new ArrayList<>(DESTINATIONS);
            for (int i = 0; i < DESTINATIONS; i++) {
                ds.add(Destination.of(Addresses.parse(realServer(s * DESTINATIONS + i)), 8080, ForwardingMethod.MASQ)
                        .withWeight(1 + i % 5));
            }
            b.service(Service.of(key, Scheduler.WRR), ds);
        }
        return b.build();
    }

    /** Ten consecutive indexes are ten different addresses. */
    static String realServer(int index) {
        int n = index % 500;
        return n < 250 ? "198.51.100." + (1 + n) : "203.0.113." + (1 + n - 250);
    }

    /** 1 % of the 100,000 destinations: 500 new weights, 250 removed, 250 added, each in its own service. */
    static IpvsTable onePercentChange(IpvsTable full) {
        Map<ServiceKey, IpvsTable.Entry> m = new LinkedHashMap<>(full.services());
        List<ServiceKey> keys = new ArrayList<>(m.keySet());
        keys.sort(null);
        int step = keys.size() / 1000;
        for (int j = 0; j < 1000; j++) {
            ServiceKey k = keys.get(j * step);
            IpvsTable.Entry e = m.get(k);
            List<Destination> ds = new ArrayList<>(e.destinations().values());
            ds.sort((a, b) -> a.key().compareTo(b.key()));
            if (j < 500) {
                ds.set(0, ds.get(0).withWeight(ds.get(0).weight() + 10));
            } else if (j < 750) {
                ds.remove(0);
            } else {
                ds.add(Destination.of("203.0.113.254", 9090, ForwardingMethod.MASQ).withWeight(7));
            }
            m.put(k, IpvsTable.Entry.of(e.service(), ds));
        }
        return new IpvsTable(m);
    }

    static String rules(IpvsTable t) {
        StringBuilder s = new StringBuilder(t.destinationCount() * 60);
        t.services().values().forEach(e -> {
            String svc = svc(e.service().key());
            s.append("-A ").append(svc).append(" -s ").append(e.service().scheduler().kernelName()).append('\n');
            e.destinations().values().forEach(d -> s.append(dest("-a", svc, d)));
        });
        return s.toString();
    }

    static String deltaRules(List<IpvsOp> ops) {
        StringBuilder s = new StringBuilder();
        for (IpvsOp op : ops) {
            switch (op) {
                case IpvsOp.UpdateDestination u -> s.append(dest("-e", svc(u.service()), u.destination()));
                case IpvsOp.AddDestination a -> s.append(dest("-a", svc(a.service()), a.destination()));
                case IpvsOp.DeleteDestination d -> s.append("-d ").append(svc(d.service())).append(" -r ")
                        .append(d.destination()).append('\n');
                default -> throw new IllegalArgumentException("the benchmark's change has no " + op);
            }
        }
        return s.toString();
    }

    static String svc(ServiceKey k) {
        ServiceKey.Inet i = (ServiceKey.Inet) k;
        return "-t " + Addresses.format(i.address(), i.port());
    }

    static String dest(String verb, String svc, Destination d) {
        return verb + " " + svc + " -r " + d.key() + " -m -w " + d.weight() + "\n";
    }

    static double restore(String ns, Path rules, String what) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "ipvsadm", "-R")
                .redirectInput(rules.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("ipvsadm -R < " + rules + " failed: " + out);
        }
        return report(what, t0, Files.readAllLines(rules).size() + " rules");
    }

    static double report(String what, long t0, String detail) {
        double ms = (System.nanoTime() - t0) / 1e6;
        System.out.printf("BENCH %s: %.1f ms%s%n", what, ms, detail.isEmpty() ? "" : " (" + detail + ")");
        return ms;
    }
}
