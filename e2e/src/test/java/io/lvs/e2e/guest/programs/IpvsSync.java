package io.lvs.e2e.guest.programs;

import io.lvs.agent.kernel.ipvs.Addresses;
import io.lvs.agent.kernel.ipvs.Connection;
import io.lvs.agent.kernel.ipvs.Destination;
import io.lvs.agent.kernel.ipvs.ForwardingMethod;
import io.lvs.agent.kernel.ipvs.Ipvs;
import io.lvs.agent.kernel.ipvs.Scheduler;
import io.lvs.agent.kernel.ipvs.Service;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.SyncDaemon;
import io.lvs.agent.kernel.ipvs.SyncState;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsTable;
import io.lvs.agent.kernel.ipvs.reconcile.Ledger;
import io.lvs.agent.kernel.ipvs.reconcile.Planner;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Connection synchronisation between two directors: the library starts a master daemon in director A
 * and a backup in director B (same sync id, on their eth0), reads both back, a client connection
 * through A appears in B's connection table (read with the library and checked against
 * {@code ipvsadm -Lnc} in B), and both daemons stop.
 *
 * <p>Usage: {@code IpvsSync DIRECTOR_A DIRECTOR_B CLIENT} on the topology of {@code ipvs-sync.sh}.
 */
public final class IpvsSync {
    static final ServiceKey VIP = ServiceKey.tcp("192.0.2.100", 80);
    static final int SYNC_ID = 7;

    public static void main(String[] args) throws Exception {
        Checks checks = new Checks();
        HttpProbe client = new HttpProbe(args[2]);
        IpvsTable table = IpvsTable.builder()
                .service(Service.of(VIP, Scheduler.RR), Destination.of("192.0.2.11", 80, ForwardingMethod.DROUTE)).build();
        try (Ipvs a = Ipvs.open(NetworkNamespace.named(args[0])); Ipvs b = Ipvs.open(NetworkNamespace.named(args[1]))) {
            for (Ipvs d : List.of(a, b)) {
                checks.check("the service is programmed in " + d.namespace(),
                        d.apply(Planner.plan(table, d.table(), Ledger.empty()).ops()).allApplied(), "");
            }
            a.startSyncDaemon(SyncDaemon.master("eth0", SYNC_ID));
            b.startSyncDaemon(SyncDaemon.backup("eth0", SYNC_ID));
            List<SyncDaemon> masters = a.syncDaemons();
            List<SyncDaemon> backups = b.syncDaemons();
            System.out.println("A: " + masters + "\nB: " + backups);
            SyncDaemon withDefaults = new SyncDaemon(SyncState.MASTER, "eth0", SYNC_ID, masters.isEmpty()
                    ? OptionalInt.empty() : masters.get(0).maxPacketBytes(), Optional.of(Addresses.parse("224.0.0.81")),
                    OptionalInt.of(8848), OptionalInt.of(1));
            checks.check("A runs a master on eth0 with the kernel's defaults", masters.equals(List.of(withDefaults))
                    && withDefaults.maxPacketBytes().orElse(0) > 0, masters.toString());
            checks.check("B runs a backup on eth0 with sync id 7", backups.size() == 1 && backups.get(0).state() == SyncState.BACKUP
                    && backups.get(0).syncId() == SYNC_ID && backups.get(0).interfaceName().equals("eth0"), backups.toString());

            List<String> answers = client.get("192.0.2.100", 3);
            checks.check("the client is served through A", answers.equals(List.of("rs1", "rs1", "rs1")), answers.toString());
            Set<String> inA = tuples(a.connections());
            // the master flushes its sync buffer within about 2 s; poll B for up to 8 s
            Set<String> inB = Set.of();
            for (int i = 0; i < 40 && !inB.containsAll(inA); i++) {
                Thread.sleep(200);
                inB = tuples(b.connections());
            }
            System.out.println("A's connections: " + inA + "\nB's connections: " + inB);
            checks.check("A's connections appear in B's table", inA.size() == 3 && inB.containsAll(inA), "A " + inA + " B " + inB);
            Set<String> ipvsadmB = IpvsTraffic.ipvsadmConnections(args[1]);
            checks.check("ipvsadm -Lnc in B lists the same entries", ipvsadmB.equals(inB), "ipvsadm " + ipvsadmB + " library " + inB);

            a.stopSyncDaemon(SyncState.MASTER);
            b.stopSyncDaemon(SyncState.BACKUP);
            checks.check("both daemons stop", a.syncDaemons().isEmpty() && b.syncDaemons().isEmpty(),
                    a.syncDaemons() + " " + b.syncDaemons());
        }
        checks.exit();
    }

    static Set<String> tuples(List<Connection> cs) {
        return cs.stream().map(c -> c.protocol() + " " + c.client() + " " + c.virtualAddress() + " " + c.destination())
                .collect(Collectors.toSet());
    }
}
