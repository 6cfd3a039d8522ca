package io.lvs.e2e.guest.programs;

import io.lvs.agent.kernel.ipvs.Connection;
import io.lvs.agent.kernel.ipvs.Destination;
import io.lvs.agent.kernel.ipvs.DestinationEntry;
import io.lvs.agent.kernel.ipvs.ForwardingMethod;
import io.lvs.agent.kernel.ipvs.Ipvs;
import io.lvs.agent.kernel.ipvs.Scheduler;
import io.lvs.agent.kernel.ipvs.Service;
import io.lvs.agent.kernel.ipvs.ServiceEntry;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.Stats;
import io.lvs.agent.kernel.ipvs.reconcile.DestinationRef;
import io.lvs.agent.kernel.ipvs.reconcile.Drains;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsOp;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsTable;
import io.lvs.agent.kernel.ipvs.reconcile.Ledger;
import io.lvs.agent.kernel.ipvs.reconcile.ObservedTable;
import io.lvs.agent.kernel.ipvs.reconcile.Plan;
import io.lvs.agent.kernel.ipvs.reconcile.PlanOptions;
import io.lvs.agent.kernel.ipvs.reconcile.Planner;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Real traffic through IPVS programmed by the library: a client namespace reaches real-server
 * namespaces through a VIP in DR and NAT modes with the split the scheduler implies (rr alternates,
 * wrr 3:1 gives 6 of 8 to the heavier server); the counters read back through the library agree
 * (DR: no packets out through the director; NAT: replies through it); the connection table read
 * through /proc in the namespace agrees with {@code ipvsadm -Lnc}; and a drained destination with a
 * live connection stays until that connection ends, then goes in one delete.
 *
 * <p>Usage: {@code IpvsTraffic DIRECTOR_NS CLIENT_NS} on the topology of {@code ipvs-traffic.sh}.
 */
public final class IpvsTraffic {
    static final ServiceKey DR = ServiceKey.tcp("192.0.2.100", 80);
    static final ServiceKey NAT = ServiceKey.tcp("192.0.2.101", 80);
    static final Destination RS1 = Destination.of("192.0.2.11", 80, ForwardingMethod.DROUTE);
    static final Destination RS2 = Destination.of("192.0.2.12", 80, ForwardingMethod.DROUTE);
    static final Destination RS3 = Destination.of("198.51.100.11", 80, ForwardingMethod.MASQ);
    static final Destination RS4 = Destination.of("198.51.100.12", 80, ForwardingMethod.MASQ);
    static final PlanOptions DRAIN = PlanOptions.draining(Duration.ofSeconds(60));

    public static void main(String[] args) throws Exception {
        String director = args[0];
        Checks checks = new Checks();
        HttpProbe client = new HttpProbe(args[1]);
        try (Ipvs ipvs = Ipvs.open(NetworkNamespace.named(director))) {
            IpvsTable rr = IpvsTable.builder()
                    .service(Service.of(DR, Scheduler.RR), RS1, RS2)
                    .service(Service.of(NAT, Scheduler.RR), RS3, RS4).build();
            Plan first = Planner.plan(rr, ipvs.table(), Ledger.empty());
            checks.check("DR and NAT services programmed", ipvs.apply(first.ops()).allApplied(), first.ops().toString());
            Ledger ledger = first.ledger();

            List<String> dr = client.get("192.0.2.100", 6);
            System.out.println("DR rr answers: " + dr);
            checks.check("DR rr alternates rs1/rs2 3:3", alternates(dr, "rs1", "rs2") && count(dr, "rs1") == 3, dr.toString());
            List<String> nat = client.get("192.0.2.101", 6);
            System.out.println("NAT rr answers: " + nat);
            checks.check("NAT rr alternates rs3/rs4 3:3", alternates(nat, "rs3", "rs4") && count(nat, "rs3") == 3, nat.toString());

            IpvsTable wrr = IpvsTable.builder()
                    .service(Service.of(DR, Scheduler.WRR), RS1.withWeight(3), RS2.withWeight(1))
                    .service(Service.of(NAT, Scheduler.RR), RS3, RS4).build();
            Plan toWrr = Planner.plan(wrr, ipvs.table(), ledger);
            checks.check("switching to wrr 3:1 is two in-place updates", toWrr.ops().equals(List.of(
                    new IpvsOp.UpdateService(Service.of(DR, Scheduler.WRR)),
                    new IpvsOp.UpdateDestination(DR, RS1.withWeight(3)))), toWrr.ops().toString());
            checks.check("the kernel takes them", ipvs.apply(toWrr.ops()).allApplied(), "");
            List<String> weighted = client.get("192.0.2.100", 8);
            System.out.println("DR wrr 3:1 answers: " + weighted);
            checks.check("DR wrr 3:1 sends 6 of 8 to rs1", count(weighted, "rs1") == 6 && count(weighted, "rs2") == 2,
                    weighted.toString());

            // the estimator folds per-CPU counters every 2 s
            Thread.sleep(2500);
            Stats drStats = stats(ipvs, DR);
            Stats natStats = stats(ipvs, NAT);
            System.out.println("DR stats " + drStats + "\nNAT stats " + natStats);
            checks.check("DR counters show 14 connections, packets in, none out", drStats.connections() == 14
                    && drStats.inPackets() > 0 && drStats.outPackets() == 0, drStats.toString());
            checks.check("NAT counters show 6 connections and replies through the director", natStats.connections() == 6
                    && natStats.outPackets() > 0 && natStats.outBytes() > 0, natStats.toString());
            List<DestinationEntry> drDests = ipvs.destinations(DR);
            long rs1Conns = conns(drDests, RS1);
            checks.check("per-destination counters show rs1 served 9, rs2 5", rs1Conns == 9 && conns(drDests, RS2) == 5,
                    drDests.toString());

            List<Connection> table = ipvs.connections();
            Set<String> ours = new HashSet<>();
            table.forEach(c -> ours.add(c.protocol() + " " + c.client() + " " + c.virtualAddress() + " " + c.destination()));
            Set<String> theirs = ipvsadmConnections(director);
            System.out.println("connection table: " + table.size() + " entries, ipvsadm -Lnc: " + theirs.size());
            checks.check("the connection table matches ipvsadm -Lnc", table.size() == 20 && ours.equals(theirs),
                    "library " + ours + " ipvsadm " + theirs);

            drain(ipvs, client, checks, wrr, ledger);
        }
        checks.exit();
    }

    /** A live connection holds a drained destination until it ends. */
    static void drain(Ipvs ipvs, HttpProbe client, Checks checks, IpvsTable wrr, Ledger ledger) throws Exception {
        Socket live = client.open("192.0.2.100");
        Thread.sleep(200);
        ObservedTable seen = ipvs.table();
        Destination busy = seen.activeConnections(new DestinationRef(DR, RS1.key())) == 1 ? RS1.withWeight(3)
                : seen.activeConnections(new DestinationRef(DR, RS2.key())) == 1 ? RS2.withWeight(1) : null;
        checks.check("the live connection is active on one destination", busy != null, seen.activeConnections().toString());
        if (busy == null) {
            live.close();
            return;
        }
        Destination other = busy.key().equals(RS1.key()) ? RS2.withWeight(1) : RS1.withWeight(3);
        IpvsTable without = IpvsTable.builder().service(Service.of(DR, Scheduler.WRR), other)
                .service(Service.of(NAT, Scheduler.RR), RS3, RS4).build();
        Instant t0 = Instant.now();
        Plan p1 = Planner.plan(without, seen, ledger, Drains.none(), DRAIN, t0);
        checks.check("a leaving destination is first drained to weight 0",
                p1.ops().equals(List.of(new IpvsOp.UpdateDestination(DR, busy.withWeight(0)))) && ipvs.apply(p1.ops()).allApplied(),
                p1.ops().toString());
        Plan p2 = Planner.plan(without, ipvs.table(), p1.ledger(), p1.drains(), DRAIN, Instant.now());
        checks.check("while its connection lives it stays", p2.isEmpty(), p2.ops().toString());
        String otherName = other.key().equals(RS1.key()) ? "rs1" : "rs2";
        List<String> during = client.get("192.0.2.100", 4);
        checks.check("new connections avoid the drained destination", count(during, otherName) == 4, during.toString());
        live.close();
        Thread.sleep(300);
        ObservedTable closed = ipvs.table();
        Plan p3 = Planner.plan(without, closed, p2.ledger(), p2.drains(), DRAIN, Instant.now());
        checks.check("once the connection ends the destination goes in one delete",
                p3.ops().equals(List.of(new IpvsOp.DeleteDestination(DR, busy.key()))) && ipvs.apply(p3.ops()).allApplied(),
                p3.ops() + " active " + closed.activeConnections());
        checks.check("the kernel holds the table without it", ipvs.table().table().equals(without), ipvs.table().table().toString());
    }

    static boolean alternates(List<String> answers, String a, String b) {
        for (int i = 0; i < answers.size(); i++) {
            String x = answers.get(i);
            if (!x.equals(a) && !x.equals(b) || i > 0 && x.equals(answers.get(i - 1))) {
                return false;
            }
        }
        return true;
    }

    static int count(List<String> answers, String name) {
        return Collections.frequency(answers, name);
    }

    static Stats stats(Ipvs ipvs, ServiceKey key) {
        return ipvs.services().stream().filter(s -> s.key().equals(key)).map(ServiceEntry::stats).findFirst().orElseThrow();
    }

    static long conns(List<DestinationEntry> ds, Destination d) {
        return ds.stream().filter(e -> e.key().equals(d.key())).mapToLong(e -> e.stats().connections()).sum();
    }

    /** "TCP /192.0.2.10:40000 /192.0.2.100:80 /192.0.2.11:80" rows from {@code ipvsadm -Lnc}. */
    static Set<String> ipvsadmConnections(String ns) throws Exception {
        Set<String> rows = new HashSet<>();
        for (String line : IpvsadmOracle.run(ns, "-Lnc").split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 6 && !f[0].equals("pro")) {
                rows.add(f[0] + " /" + f[3] + " /" + f[4] + " /" + f[5]);
            }
        }
        return rows;
    }
}
