package io.lvs.e2e.guest.programs;

import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.ipvs.AddressFamily;
import io.lvs.agent.kernel.ipvs.Addresses;
import io.lvs.agent.kernel.ipvs.ApplyResult;
import io.lvs.agent.kernel.ipvs.Destination;
import io.lvs.agent.kernel.ipvs.DestinationKey;
import io.lvs.agent.kernel.ipvs.ForwardingMethod;
import io.lvs.agent.kernel.ipvs.Ipvs;
import io.lvs.agent.kernel.ipvs.IpvsCodec;
import io.lvs.agent.kernel.ipvs.KernelModules;
import io.lvs.agent.kernel.ipvs.Persistence;
import io.lvs.agent.kernel.ipvs.PersistenceEngineUnavailableException;
import io.lvs.agent.kernel.ipvs.Protocol;
import io.lvs.agent.kernel.ipvs.Scheduler;
import io.lvs.agent.kernel.ipvs.SchedulerFlag;
import io.lvs.agent.kernel.ipvs.SchedulerUnavailableException;
import io.lvs.agent.kernel.ipvs.Service;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.SyncDaemon;
import io.lvs.agent.kernel.ipvs.Timeouts;
import io.lvs.agent.kernel.ipvs.Tunnel;
import io.lvs.agent.kernel.ipvs.TunnelChecksum;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsOp;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsTable;
import io.lvs.agent.kernel.ipvs.reconcile.Ledger;
import io.lvs.agent.kernel.ipvs.reconcile.ObservedTable;
import io.lvs.agent.kernel.ipvs.reconcile.Plan;
import io.lvs.agent.kernel.ipvs.reconcile.Planner;
import io.lvs.agent.kernel.netlink.GenericNetlink;
import io.lvs.agent.kernel.netlink.Netlink;
import io.lvs.agent.kernel.netlink.NetlinkException;
import io.lvs.agent.kernel.netlink.NetlinkSocket;
import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * IPVS conformance in a real kernel: the library programs every scheduler the kernel has, every
 * forwarding method (with the three tunnel encapsulations), persistence with netmasks, IPv6,
 * thresholds, firewall marks, one-packet scheduling and a persistence engine; reads it all back; and
 * {@code ipvsadm -Ln} in the same namespace lists the same table. Then in-place changes, the minimal
 * diff on the wire, ownership against a foreign service, errors and timeouts.
 *
 * <p>Usage: {@code IpvsConformance NETNS} (the namespace exists and holds one foreign service,
 * TCP 192.0.2.99:80, made with ipvsadm).
 */
public final class IpvsConformance {
    static final ServiceKey FOREIGN = ServiceKey.tcp("192.0.2.99", 80);

    public static void main(String[] args) throws Exception {
        String ns = args[0];
        Checks checks = new Checks();
        try (Ipvs ipvs = Ipvs.open(NetworkNamespace.named(ns))) {
            run(ns, ipvs, checks);
        }
        if (args.length == 3) {
            refusals(args[1], args[2], checks);
        }
        checks.exit();
    }

    /**
     * What the kernel refuses, said plainly: a destination of another address family than its service (only a tunnel
     * may, and not while a sync daemon runs) is refused before sending, while ipvsadm, which sends it, is refused by
     * the kernel; a sync daemon refused because such a destination exists names it; a missing persistence engine names
     * its module; the loopback hint comes only where it is the cause. {@code ns} has lo up and a veth sync0 (up);
     * {@code noAddress} has no IPv4 address at all (lo down).
     */
    static void refusals(String ns, String noAddress, Checks checks) throws Exception {
        try (Ipvs ipvs = Ipvs.open(NetworkNamespace.named(ns))) {
            ServiceKey v4 = ServiceKey.tcp("192.0.2.40", 80);
            ipvs.newService(Service.of(v4, Scheduler.RR));
            Destination v6Route = Destination.of("2001:db8::41", 80, ForwardingMethod.DROUTE);
            long sent = ipvs.requestsSent();
            KernelException mixed = thrown(() -> ipvs.newDestination(v4, v6Route));
            System.out.println(mixed);
            checks.check("a mixed-family destination that is not a tunnel is refused before sending, naming the rule",
                    mixed != null && !(mixed instanceof NetlinkException) && mixed.is(Errno.EINVAL)
                            && ipvs.requestsSent() == sent
                            && mixed.getMessage().startsWith("IPVS_CMD_NEW_DEST [2001:db8::41]:80 -> TCP 192.0.2.40:80")
                            && mixed.getMessage().contains("an IPv6 destination of an IPv4 service needs tunnel forwarding")
                            && !mixed.getMessage().contains("loopback"), String.valueOf(mixed));
            // ipvsadm refuses it itself, so the kernel's own rule is shown by sending the request past the library's check
            NetlinkException kernelSays = sentAnyway(ns, new IpvsOp.AddDestination(v4, v6Route));
            System.out.println(kernelSays);
            checks.check("the kernel itself refuses that destination when it is sent",
                    kernelSays != null && kernelSays.is(Errno.EINVAL), String.valueOf(kernelSays));

            Destination v6Tunnel = Destination.tunnel("2001:db8::41", 80, Tunnel.IPIP);
            ipvs.newDestination(v4, v6Tunnel);
            checks.check("the same destination as a tunnel is taken",
                    ipvs.destinations(v4).stream().anyMatch(d -> d.destination().equals(v6Tunnel)), ipvs.destinations(v4).toString());
            KernelException toRoute = thrown(() -> ipvs.updateDestination(v4, v6Tunnel.withForwarding(ForwardingMethod.MASQ)));
            checks.check("turning it into NAT is refused before sending", toRoute != null
                    && !(toRoute instanceof NetlinkException) && toRoute.is(Errno.EINVAL)
                    && toRoute.getMessage().contains("needs tunnel forwarding"), String.valueOf(toRoute));

            SyncDaemon master = SyncDaemon.master("sync0", 0);
            KernelException daemon = thrown(() -> ipvs.startSyncDaemon(master));
            System.out.println(daemon);
            checks.check("a sync daemon refused while a mixed-family destination exists names it",
                    daemon instanceof NetlinkException && daemon.is(Errno.EINVAL)
                            && daemon.getMessage().contains("[2001:db8::41]:80 of TCP 192.0.2.40:80"), String.valueOf(daemon));

            ipvs.deleteDestination(v4, v6Tunnel.key());
            ipvs.startSyncDaemon(master);
            sent = ipvs.requestsSent();
            KernelException whileSync = thrown(() -> ipvs.newDestination(v4, v6Tunnel));
            System.out.println(whileSync);
            checks.check("a mixed-family tunnel is refused before sending while a sync daemon runs",
                    whileSync != null && !(whileSync instanceof NetlinkException) && whileSync.is(Errno.EINVAL)
                            && whileSync.getMessage().contains("while a connection-sync daemon runs")
                            && ipvs.requestsSent() == sent + 1, // the one request: asking which daemons run
                    String.valueOf(whileSync));
            checks.check("the kernel refuses ipvsadm that tunnel while the daemon runs",
                    ipvsadmFails(ns, "-a", "-t", "192.0.2.40:80", "-r", "[2001:db8::41]:80", "-i"), "ipvsadm succeeded");
            ipvs.stopSyncDaemon(master.state());

            KernelException engine = thrown(() -> ipvs.newService(Service.of(ServiceKey.tcp("192.0.2.41", 80), Scheduler.RR)
                    .withPersistence(new Persistence(Duration.ofSeconds(60), 32)).withPersistenceEngine("nosuch")));
            System.out.println(engine);
            checks.check("a missing persistence engine names its module",
                    engine instanceof PersistenceEngineUnavailableException p && p.engine().equals("nosuch")
                            && p.is(Errno.ENOENT) && p.getMessage().contains("module ip_vs_pe_nosuch"), String.valueOf(engine));

            ServiceKey v6 = ServiceKey.tcp("2001:db8::40", 80);
            ipvs.newService(Service.of(v6, Scheduler.RR));
            KernelException linkLocal = thrown(() -> ipvs.newDestination(v6, Destination.of("fe80::41", 80, ForwardingMethod.DROUTE)));
            System.out.println(linkLocal);
            checks.check("an EINVAL the loopback cannot explain carries no loopback hint",
                    linkLocal instanceof NetlinkException && linkLocal.is(Errno.EINVAL)
                            && !linkLocal.getMessage().contains("loopback"), String.valueOf(linkLocal));
            ipvs.deleteService(v4);
            ipvs.deleteService(v6);
        }
        try (Ipvs bare = Ipvs.open(NetworkNamespace.named(noAddress))) {
            ServiceKey v4 = ServiceKey.tcp("192.0.2.42", 80);
            bare.newService(Service.of(v4, Scheduler.RR));
            Destination rs = Destination.of("192.0.2.43", 80, ForwardingMethod.DROUTE);
            KernelException noLocal = thrown(() -> bare.newDestination(v4, rs));
            System.out.println(noLocal);
            checks.check("an IPv4 destination in a namespace without IPv4 addresses is EINVAL with the loopback hint",
                    noLocal instanceof NetlinkException && noLocal.is(Errno.EINVAL)
                            && noLocal.getMessage().contains("has no IPv4 address at all")
                            && noLocal.getMessage().contains("ip link set lo up"), String.valueOf(noLocal));
            Process p = new ProcessBuilder("ip", "-n", noAddress, "addr", "add", "127.0.0.1/8", "dev", "lo").inheritIO().start();
            p.waitFor();
            KernelException withAddress = thrown(() -> bare.newDestination(v4, rs));
            checks.check("with an IPv4 address on the loopback, still down, the same destination is taken",
                    withAddress == null && bare.destinations(v4).size() == 1, String.valueOf(withAddress));
            bare.deleteService(v4);
        }
    }

    /** Sends one operation as the library would, without its checks: what the kernel answers, or null for an ack. */
    private static NetlinkException sentAnyway(String ns, IpvsOp op) {
        try (NetlinkSocket s = NetlinkSocket.open(Netlink.NETLINK_GENERIC, NetworkNamespace.named(ns))) {
            IpvsCodec codec = new IpvsCodec(GenericNetlink.resolve(s, "IPVS").id());
            s.execute(codec.request(op));
            return null;
        } catch (NetlinkException e) {
            return e;
        }
    }

    private static KernelException thrown(Runnable call) {
        try {
            call.run();
            return null;
        } catch (KernelException e) {
            return e;
        }
    }

    private static boolean ipvsadmFails(String ns, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "ipvsadm"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int rc = p.waitFor();
        System.out.println(String.join(" ", cmd) + " -> exit " + rc + ": " + out.strip());
        return rc != 0;
    }

    static void run(String ns, Ipvs ipvs, Checks checks) throws Exception {
        checks.check("IPVS 1.2.1 with a connection table", ipvs.info().versionText().equals("1.2.1")
                && ipvs.info().connectionTableSize() > 0, ipvs.info().toString());

        // ---- every scheduler the kernel can provide; twos is reported unavailable ahead and on use
        List<Scheduler> available = new ArrayList<>();
        for (Scheduler s : Scheduler.values()) {
            if (ipvs.schedulerState(s).available()) {
                available.add(s);
            }
        }
        System.out.println("schedulers available: " + available);
        checks.check("13 schedulers and none are available, twos is not",
                available.size() == 14 && !available.contains(Scheduler.TWOS), available.toString());
        checks.check("twos is reported unavailable ahead", ipvs.schedulerState(Scheduler.TWOS) == KernelModules.State.ABSENT,
                ipvs.schedulerState(Scheduler.TWOS).toString());
        try {
            ipvs.newService(Service.of(ServiceKey.tcp("192.0.2.18", 80), Scheduler.TWOS));
            checks.check("a twos service fails naming the scheduler", false, "the kernel accepted twos");
        } catch (SchedulerUnavailableException e) {
            System.out.println(e.getMessage());
            checks.check("a twos service fails naming the scheduler", e.scheduler() == Scheduler.TWOS && e.is(Errno.ENOENT)
                    && e.getMessage().contains("scheduler twos is not available in this kernel"), e.getMessage());
        }

        IpvsTable desired = fullTable(available);
        ObservedTable before = ipvs.table();
        checks.check("the kernel starts with only the foreign service",
                before.table().services().keySet().equals(Set.of(FOREIGN)), before.table().services().keySet().toString());
        Plan plan = Planner.plan(desired, before, Ledger.empty());
        checks.check("the plan from empty adds every service and destination",
                plan.ops().size() == desired.services().size() + desired.destinationCount() && plan.conflicts().isEmpty(),
                plan.ops().size() + " ops, " + plan.conflicts());
        ApplyResult applied = ipvs.apply(plan.ops());
        checks.check("the whole table is applied in one batch", applied.allApplied() && applied.datagrams() == 1,
                applied.failures() + ", " + applied.datagrams() + " datagrams");

        ObservedTable after = ipvs.table();
        IpvsTable ours = without(after.table(), FOREIGN);
        checks.check("the read-back equals the programmed table", ours.equals(desired), difference(desired, ours));
        compareWithIpvsadm(ns, after.table(), checks, "");
        ServiceKey persistent = ServiceKey.tcp("192.0.2.12", 443);
        checks.check("one service is read by its key, a missing one is empty",
                ipvs.service(persistent).map(e -> e.service().equals(desired.get(persistent).orElseThrow().service())).orElse(false)
                        && ipvs.service(ServiceKey.tcp("192.0.2.77", 80)).isEmpty(), ipvs.service(persistent).toString());

        // ---- ownership: the foreign service is never touched, and wanting its key is a conflict
        Ledger ledger = plan.ledger();
        Plan steady = Planner.plan(desired, after, ledger);
        checks.check("a second pass plans nothing", steady.isEmpty() && steady.conflicts().isEmpty(), steady.ops().toString());
        IpvsTable wantsForeign = with(desired, Service.of(FOREIGN, Scheduler.WLC), List.of());
        Plan conflict = Planner.plan(wantsForeign, after, ledger);
        checks.check("a foreign service is left alone and wanting it is a conflict",
                conflict.isEmpty() && conflict.conflicts().size() == 1 && conflict.conflicts().get(0).service().equals(FOREIGN),
                conflict.ops() + " / " + conflict.conflicts());

        // ---- attributes change in place: scheduler, persistence, forwarding method, tunnel, thresholds
        IpvsTable changed = inPlaceChanges(desired);
        Plan update = Planner.plan(changed, ipvs.table(), ledger);
        boolean onlyUpdates = update.ops().stream().allMatch(op -> op instanceof IpvsOp.UpdateService || op instanceof IpvsOp.UpdateDestination);
        checks.check("changed attributes are planned as in-place updates", onlyUpdates && update.ops().size() == 7,
                update.ops().toString());
        ApplyResult updated = ipvs.apply(update.ops());
        ObservedTable afterUpdate = ipvs.table();
        checks.check("the kernel changes them in place", updated.allApplied()
                && without(afterUpdate.table(), FOREIGN).equals(changed), updated.failures() + " "
                + difference(changed, without(afterUpdate.table(), FOREIGN)));
        compareWithIpvsadm(ns, afterUpdate.table(), checks, " after the changes");

        // ---- the minimal diff: one destination changes, one operation, one netlink request
        ServiceKey web = ServiceKey.tcp("192.0.2.12", 443);
        Destination rs = changed.get(web).orElseThrow().destinations().get(DestinationKey.of("192.0.2.22", 443));
        IpvsTable oneChange = with(changed, changed.get(web).orElseThrow().service(),
                replace(changed.get(web).orElseThrow().destinations().values(), rs.withWeight(rs.weight() + 4)));
        Plan minimal = Planner.plan(oneChange, ipvs.table(), ledger);
        checks.check("a one-destination change is one operation", minimal.ops().equals(
                List.of(new IpvsOp.UpdateDestination(web, rs.withWeight(rs.weight() + 4)))), minimal.ops().toString());
        long sent = ipvs.requestsSent();
        ApplyResult one = ipvs.apply(minimal.ops());
        long requests = ipvs.requestsSent() - sent;
        System.out.println("minimal diff: " + minimal.ops().size() + " op, " + requests + " netlink request, "
                + one.datagrams() + " datagram");
        checks.check("the one operation is exactly one netlink request", one.allApplied() && requests == 1, requests + " requests");
        checks.check("the changed weight reads back", ipvs.destinations(web).stream()
                .anyMatch(d -> d.destination().equals(rs.withWeight(rs.weight() + 4))), ipvs.destinations(web).toString());

        // ---- errors carry the errno name and the object
        errors(ipvs, checks, oneChange);

        // ---- timeouts
        Timeouts t = Timeouts.ofSeconds(900, 120, 300);
        ipvs.setTimeouts(t);
        String timeoutLine = IpvsadmOracle.run(ns, "-L", "--timeout").strip();
        checks.check("timeouts are set and read back, as ipvsadm sees them", ipvs.timeouts().equals(t)
                && timeoutLine.equals("Timeout (tcp tcpfin udp): 900 120 300"), ipvs.timeouts() + " / " + timeoutLine);

        // ---- removing services: one delete each; the foreign one stays
        IpvsTable smaller = without(without(oneChange, web), ServiceKey.tcp("192.0.2.15", 80));
        Plan removal = Planner.plan(smaller, ipvs.table(), ledger);
        checks.check("a removed service is one delete", removal.ops().equals(List.of(
                new IpvsOp.DeleteService(ServiceKey.tcp("192.0.2.12", 443)), new IpvsOp.DeleteService(ServiceKey.tcp("192.0.2.15", 80)))),
                removal.ops().toString());
        ApplyResult removed = ipvs.apply(removal.ops());
        ObservedTable end = ipvs.table();
        checks.check("the kernel holds the smaller table and the foreign service", removed.allApplied()
                && without(end.table(), FOREIGN).equals(smaller) && end.table().contains(FOREIGN), difference(smaller, end.table()));
        compareWithIpvsadm(ns, end.table(), checks, " after removals");
    }

    /** One service per available scheduler, plus every feature ipvsadm can set. */
    static IpvsTable fullTable(List<Scheduler> schedulers) {
        IpvsTable.Builder b = IpvsTable.builder();
        int port = 8000;
        for (Scheduler s : schedulers) {
            b.service(Service.of(ServiceKey.tcp("192.0.2.10", port++), s),
                    Destination.of("198.51.100.21", 80, ForwardingMethod.MASQ));
        }
        b.service(Service.of(ServiceKey.tcp("192.0.2.11", 80), Scheduler.SH)
                .withSchedulerFlags(EnumSet.of(SchedulerFlag.FALLBACK, SchedulerFlag.PORT)),
                Destination.of("192.0.2.21", 80, ForwardingMethod.DROUTE), Destination.of("192.0.2.22", 80, ForwardingMethod.DROUTE));
        b.service(Service.of(ServiceKey.tcp("192.0.2.11", 81), Scheduler.MH).withSchedulerFlags(EnumSet.of(SchedulerFlag.PORT)),
                Destination.of("192.0.2.21", 81, ForwardingMethod.DROUTE));
        b.service(Service.of(ServiceKey.tcp("192.0.2.12", 443), Scheduler.WLC)
                        .withPersistence(new Persistence(Duration.ofSeconds(600), 24)),
                Destination.of("192.0.2.21", 443, ForwardingMethod.DROUTE).withWeight(3),
                Destination.of("192.0.2.22", 443, ForwardingMethod.DROUTE));
        b.service(Service.of(ServiceKey.tcp("2001:db8::10", 443), Scheduler.RR)
                        .withPersistence(new Persistence(Duration.ofSeconds(300), 64)),
                Destination.of("2001:db8::21", 443, ForwardingMethod.DROUTE).withWeight(3),
                Destination.of("2001:db8::22", 443, ForwardingMethod.MASQ));
        b.service(Service.of(ServiceKey.udp("192.0.2.13", 53), Scheduler.RR).withOnePacket(true),
                Destination.of("198.51.100.1", 53, ForwardingMethod.MASQ), Destination.of("198.51.100.2", 53, ForwardingMethod.MASQ));
        b.service(Service.of(ServiceKey.udp("192.0.2.13", 5060), Scheduler.RR)
                        .withPersistence(new Persistence(Duration.ofSeconds(60), 32)).withPersistenceEngine("sip"),
                Destination.of("198.51.100.1", 5060, ForwardingMethod.MASQ));
        b.service(Service.of(new ServiceKey.Inet(Protocol.SCTP, Addresses.parse("192.0.2.14"), 3868), Scheduler.RR),
                Destination.of("198.51.100.3", 3868, ForwardingMethod.MASQ));
        b.service(Service.of(ServiceKey.tcp("192.0.2.15", 80), Scheduler.RR),
                Destination.tunnel("203.0.113.1", 80, Tunnel.IPIP),
                Destination.tunnel("203.0.113.2", 80, new Tunnel.Gue(6080, TunnelChecksum.NONE)),
                Destination.tunnel("203.0.113.3", 80, new Tunnel.Gue(6081, TunnelChecksum.CSUM)),
                Destination.tunnel("203.0.113.4", 80, new Tunnel.Gue(6082, TunnelChecksum.REMCSUM)),
                Destination.tunnel("203.0.113.5", 80, new Tunnel.Gre(TunnelChecksum.NONE)),
                Destination.tunnel("203.0.113.6", 80, new Tunnel.Gre(TunnelChecksum.CSUM)),
                Destination.tunnel("2001:db8::31", 80, Tunnel.IPIP)); // IPv6 real server behind an IPv4 VIP
        b.service(Service.of(ServiceKey.tcp("192.0.2.16", 80), Scheduler.LC),
                Destination.of("198.51.100.4", 80, ForwardingMethod.MASQ).withWeight(10).withThresholds(100, 50),
                Destination.of("198.51.100.5", 80, ForwardingMethod.MASQ).withWeight(0));
        b.service(Service.of(new ServiceKey.FwMark(AddressFamily.INET, 1), Scheduler.RR),
                Destination.of("192.0.2.21", 0, ForwardingMethod.DROUTE));
        b.service(Service.of(new ServiceKey.FwMark(AddressFamily.INET6, 2), Scheduler.SH),
                Destination.of("2001:db8::21", 0, ForwardingMethod.DROUTE));
        return b.build();
    }

    /** Seven attribute changes the kernel must make in place. */
    static IpvsTable inPlaceChanges(IpvsTable t) {
        Map<ServiceKey, IpvsTable.Entry> m = new LinkedHashMap<>(t.services());
        ServiceKey persistent = ServiceKey.tcp("192.0.2.12", 443);
        ServiceKey tunnels = ServiceKey.tcp("192.0.2.15", 80);
        ServiceKey thresholds = ServiceKey.tcp("192.0.2.16", 80);
        ServiceKey sh = ServiceKey.tcp("192.0.2.11", 80);
        // 1: scheduler and persistence netmask of a service
        m.put(persistent, new IpvsTable.Entry(m.get(persistent).service().withScheduler(Scheduler.WRR)
                .withPersistence(new Persistence(Duration.ofSeconds(900), 16)), m.get(persistent).destinations()));
        // 2: scheduler flags
        m.put(sh, new IpvsTable.Entry(m.get(sh).service().withSchedulerFlags(Set.of(SchedulerFlag.PORT)), m.get(sh).destinations()));
        Map<DestinationKey, Destination> tun = new LinkedHashMap<>(m.get(tunnels).destinations());
        // 3: ipip -> gre; 4: gue -> ipip; 5: tunnel -> direct routing
        tun.put(DestinationKey.of("203.0.113.1", 80), Destination.tunnel("203.0.113.1", 80, new Tunnel.Gre(TunnelChecksum.CSUM)));
        tun.put(DestinationKey.of("203.0.113.2", 80), Destination.tunnel("203.0.113.2", 80, Tunnel.IPIP));
        tun.put(DestinationKey.of("203.0.113.3", 80), Destination.of("203.0.113.3", 80, ForwardingMethod.DROUTE));
        m.put(tunnels, new IpvsTable.Entry(m.get(tunnels).service(), tun));
        Map<DestinationKey, Destination> th = new LinkedHashMap<>(m.get(thresholds).destinations());
        // 6: masquerade -> tunnel (GUE); 7: thresholds
        th.put(DestinationKey.of("198.51.100.5", 80),
                Destination.tunnel("198.51.100.5", 80, new Tunnel.Gue(7000, TunnelChecksum.CSUM)).withWeight(0));
        th.put(DestinationKey.of("198.51.100.4", 80), th.get(DestinationKey.of("198.51.100.4", 80)).withThresholds(200, 0));
        m.put(thresholds, new IpvsTable.Entry(m.get(thresholds).service(), th));
        return new IpvsTable(m);
    }

    static void errors(Ipvs ipvs, Checks checks, IpvsTable t) {
        Service existing = t.get(ServiceKey.tcp("192.0.2.16", 80)).orElseThrow().service();
        expectErrno(checks, "adding an existing service is EEXIST naming it", Errno.EEXIST,
                "IPVS_CMD_NEW_SERVICE TCP 192.0.2.16:80 lc: EEXIST", () -> ipvs.newService(existing));
        expectErrno(checks, "deleting a missing destination is ENOENT naming it", Errno.ENOENT,
                "IPVS_CMD_DEL_DEST 198.51.100.77:80 -> TCP 192.0.2.16:80: ENOENT",
                () -> ipvs.deleteDestination(existing.key(), DestinationKey.of("198.51.100.77", 80)));
        expectErrno(checks, "changing a missing service is ESRCH naming it", Errno.ESRCH,
                "IPVS_CMD_SET_SERVICE TCP 192.0.2.77:80 rr: ESRCH",
                () -> ipvs.updateService(Service.of(ServiceKey.tcp("192.0.2.77", 80), Scheduler.RR)));
        expectErrno(checks, "adding an existing destination is EEXIST naming it",
                Errno.EEXIST, "IPVS_CMD_NEW_DEST 198.51.100.4:80 -> TCP 192.0.2.16:80",
                () -> ipvs.newDestination(existing.key(), Destination.of("198.51.100.4", 80, ForwardingMethod.MASQ)));
    }

    private static void expectErrno(Checks checks, String name, Errno errno, String messageStart, Runnable call) {
        try {
            call.run();
            checks.check(name, false, "no error");
        } catch (NetlinkException e) {
            System.out.println(e.getMessage());
            checks.check(name, e.is(errno) && e.getMessage().startsWith(messageStart), e.getMessage());
        } catch (KernelException e) {
            checks.check(name, false, e.getMessage());
        }
    }

    static void compareWithIpvsadm(String ns, IpvsTable kernel, Checks checks, String when) throws Exception {
        String tunInfo = IpvsadmOracle.run(ns, "-Ln", "--tun-info");
        System.out.print(tunInfo);
        String diff = IpvsadmOracle.diff(IpvsadmOracle.tunInfoListing(kernel), IpvsadmOracle.parse(tunInfo));
        checks.check("ipvsadm -Ln lists the same table" + when, diff.isEmpty(), diff);
        String thresholds = IpvsadmOracle.run(ns, "-Ln", "--thresholds");
        diff = IpvsadmOracle.diff(IpvsadmOracle.thresholdListing(kernel), IpvsadmOracle.parse(thresholds));
        checks.check("ipvsadm -Ln --thresholds lists the same thresholds" + when, diff.isEmpty(), diff);
    }

    static IpvsTable without(IpvsTable t, ServiceKey key) {
        Map<ServiceKey, IpvsTable.Entry> m = new LinkedHashMap<>(t.services());
        m.remove(key);
        return new IpvsTable(m);
    }

    static IpvsTable with(IpvsTable t, Service s, java.util.Collection<Destination> ds) {
        Map<ServiceKey, IpvsTable.Entry> m = new LinkedHashMap<>(t.services());
        m.put(s.key(), IpvsTable.Entry.of(s, ds));
        return new IpvsTable(m);
    }

    static List<Destination> replace(java.util.Collection<Destination> ds, Destination d) {
        List<Destination> out = new ArrayList<>(ds.stream().filter(x -> !x.key().equals(d.key())).toList());
        out.add(d);
        return out;
    }

    static String difference(IpvsTable expected, IpvsTable actual) {
        StringBuilder s = new StringBuilder();
        expected.services().forEach((k, e) -> {
            IpvsTable.Entry a = actual.services().get(k);
            if (a == null) {
                s.append("missing ").append(k).append("; ");
            } else if (!a.equals(e)) {
                s.append(k).append(": expected ").append(e).append(" got ").append(a).append("; ");
            }
        });
        actual.services().keySet().stream().filter(k -> !expected.contains(k)).forEach(k -> s.append("extra ").append(k).append("; "));
        return s.toString();
    }
}
