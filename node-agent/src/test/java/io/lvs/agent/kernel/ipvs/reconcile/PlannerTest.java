package io.lvs.agent.kernel.ipvs.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.ipvs.AddressFamily;
import io.lvs.agent.kernel.ipvs.Destination;
import io.lvs.agent.kernel.ipvs.DestinationEntry;
import io.lvs.agent.kernel.ipvs.DestinationKey;
import io.lvs.agent.kernel.ipvs.ForwardingMethod;
import io.lvs.agent.kernel.ipvs.Persistence;
import io.lvs.agent.kernel.ipvs.Scheduler;
import io.lvs.agent.kernel.ipvs.Service;
import io.lvs.agent.kernel.ipvs.ServiceEntry;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.Stats;
import io.lvs.agent.kernel.ipvs.Tunnel;
import io.lvs.agent.kernel.ipvs.TunnelChecksum;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsOp.AddDestination;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsOp.AddService;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsOp.DeleteDestination;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsOp.DeleteService;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsOp.UpdateDestination;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsOp.UpdateService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Given this kernel table and this desired table, the plan is exactly these operations. */
class PlannerTest {
    static final ServiceKey WEB = ServiceKey.tcp("192.0.2.10", 80);
    static final ServiceKey DNS = ServiceKey.udp("192.0.2.53", 53);
    static final ServiceKey MARK = new ServiceKey.FwMark(AddressFamily.INET, 7);
    static final Service WEB_RR = Service.of(WEB, Scheduler.RR);
    static final Service DNS_WRR = Service.of(DNS, Scheduler.WRR);
    static final Destination RS1 = Destination.of("192.0.2.21", 80, ForwardingMethod.DROUTE);
    static final Destination RS2 = Destination.of("192.0.2.22", 80, ForwardingMethod.DROUTE);
    static final Destination RS3 = Destination.of("192.0.2.23", 80, ForwardingMethod.DROUTE);
    static final Destination NS1 = Destination.of("198.51.100.1", 53, ForwardingMethod.MASQ);
    static final Destination NS2 = Destination.of("198.51.100.2", 53, ForwardingMethod.MASQ);
    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final PlanOptions DRAIN_60S = PlanOptions.draining(Duration.ofSeconds(60));

    static IpvsTable table(Object... serviceThenDestinations) {
        IpvsTable.Builder b = IpvsTable.builder();
        Service current = null;
        List<Destination> ds = new java.util.ArrayList<>();
        for (Object o : serviceThenDestinations) {
            if (o instanceof Service s) {
                if (current != null) {
                    b.service(current, ds);
                }
                current = s;
                ds = new java.util.ArrayList<>();
            } else {
                ds.add((Destination) o);
            }
        }
        if (current != null) {
            b.service(current, ds);
        }
        return b.build();
    }

    /** The ledger of a product that created everything in {@code t}. */
    static Ledger ownerOf(IpvsTable t) {
        Set<ServiceKey> s = new java.util.HashSet<>();
        Set<DestinationRef> d = new java.util.HashSet<>();
        t.services().forEach((k, e) -> {
            s.add(k);
            e.destinations().keySet().forEach(dk -> d.add(new DestinationRef(k, dk)));
        });
        return new Ledger(s, d);
    }

    static DestinationRef ref(ServiceKey s, Destination d) {
        return new DestinationRef(s, d.key());
    }

    @Test
    void fromAnEmptyKernelServicesComeBeforeTheirDestinations() {
        IpvsTable desired = table(WEB_RR, RS2, RS1, DNS_WRR, NS1);
        Plan p = Planner.plan(desired, ObservedTable.of(IpvsTable.empty()), Ledger.empty());
        assertEquals(List.of(
                new AddService(WEB_RR), new AddService(DNS_WRR),
                new AddDestination(WEB, RS1), new AddDestination(WEB, RS2), new AddDestination(DNS, NS1)), p.ops());
        assertEquals(ownerOf(desired), p.ledger(), "the ledger to persist first already owns what the plan adds");
        assertTrue(p.conflicts().isEmpty());
    }

    @Test
    void aKernelThatMatchesNeedsNothing() {
        IpvsTable t = table(WEB_RR, RS1, RS2, DNS_WRR, NS1);
        Plan p = Planner.plan(t, ObservedTable.of(t), ownerOf(t));
        assertTrue(p.isEmpty(), p.ops().toString());
        assertEquals(ownerOf(t), p.ledger());
    }

    @Test
    void oneChangedWeightIsOneUpdate() {
        IpvsTable kernel = table(WEB_RR, RS1, RS2, DNS_WRR, NS1);
        IpvsTable desired = table(WEB_RR, RS1, RS2.withWeight(5), DNS_WRR, NS1);
        Plan p = Planner.plan(desired, ObservedTable.of(kernel), ownerOf(kernel));
        assertEquals(List.of(new UpdateDestination(WEB, RS2.withWeight(5))), p.ops());
    }

    @Test
    void forwardingMethodAndTunnelChangeInPlaceNeverByDeleteAndAdd() {
        IpvsTable kernel = table(WEB_RR, RS1, RS2);
        Destination gue = RS1.withForwarding(ForwardingMethod.TUNNEL).withTunnel(new Tunnel.Gue(6080, TunnelChecksum.CSUM));
        Destination masq = RS2.withForwarding(ForwardingMethod.MASQ).withThresholds(100, 10);
        Plan p = Planner.plan(table(WEB_RR, gue, masq), ObservedTable.of(kernel), ownerOf(kernel));
        assertEquals(List.of(new UpdateDestination(WEB, gue), new UpdateDestination(WEB, masq)), p.ops());
    }

    @Test
    void aServiceAttributeChangeIsOneServiceUpdate() {
        IpvsTable kernel = table(WEB_RR, RS1);
        Service persistentWlc = Service.of(WEB, Scheduler.WLC).withPersistence(new Persistence(Duration.ofSeconds(600), 24));
        Plan p = Planner.plan(table(persistentWlc, RS1), ObservedTable.of(kernel), ownerOf(kernel));
        assertEquals(List.of(new UpdateService(persistentWlc)), p.ops());
    }

    @Test
    void aLeavingServiceIsOneDeleteThatTakesItsDestinationsAlong() {
        IpvsTable kernel = table(WEB_RR, RS1, RS2, DNS_WRR, NS1);
        Plan p = Planner.plan(table(DNS_WRR, NS1), ObservedTable.of(kernel), ownerOf(kernel));
        assertEquals(List.of(new DeleteService(WEB)), p.ops());
        assertEquals(ownerOf(kernel), p.ledger(), "deleted entries stay owned until a pass sees them gone");
        Plan next = Planner.plan(table(DNS_WRR, NS1), ObservedTable.of(table(DNS_WRR, NS1)), p.ledger());
        assertTrue(next.isEmpty());
        assertEquals(ownerOf(table(DNS_WRR, NS1)), next.ledger());
    }

    @Test
    void aMixedChangeIsOrderedAddsBeforeRemovals() {
        IpvsTable kernel = table(WEB_RR, RS1, RS2, DNS_WRR, NS1);
        Service mark = Service.of(MARK, Scheduler.SH);
        Destination markRs = Destination.of("192.0.2.21", 0, ForwardingMethod.DROUTE);
        IpvsTable desired = table(Service.of(WEB, Scheduler.WRR), RS2.withWeight(2), RS3, mark, markRs);
        Plan p = Planner.plan(desired, ObservedTable.of(kernel), ownerOf(kernel));
        assertEquals(List.of(
                new AddService(mark),
                new UpdateService(Service.of(WEB, Scheduler.WRR)),
                new AddDestination(WEB, RS3),
                new AddDestination(MARK, markRs),
                new UpdateDestination(WEB, RS2.withWeight(2)),
                new DeleteDestination(WEB, RS1.key()),
                new DeleteService(DNS)), p.ops());
    }

    @Test
    void entriesSomeoneElseCreatedAreLeftAloneAndAWantedForeignKeyIsAConflict() {
        // kube-proxy owns DNS (and a destination it added to our WEB); we own WEB with RS1
        IpvsTable kernel = table(WEB_RR, RS1, RS3, DNS_WRR, NS1);
        Ledger ours = new Ledger(Set.of(WEB), Set.of(ref(WEB, RS1)));
        IpvsTable desired = table(WEB_RR, RS1, RS3.withWeight(9), DNS_WRR, NS1.withWeight(4));
        Plan p = Planner.plan(desired, ObservedTable.of(kernel), ours);
        assertTrue(p.isEmpty(), "nothing foreign is overwritten: " + p.ops());
        assertEquals(List.of(
                new Conflict(WEB, Optional.of(RS3.key()),
                        "the kernel already has this destination and lvs-operator did not create it; left as it is"),
                new Conflict(DNS, Optional.empty(),
                        "the kernel already has this service and lvs-operator did not create it; left as it is")),
                p.conflicts());

        Plan withoutThem = Planner.plan(table(WEB_RR, RS1), ObservedTable.of(kernel), ours);
        assertTrue(withoutThem.isEmpty(), "foreign entries that are not desired stay: " + withoutThem.ops());
    }

    @Test
    void retiringAServiceThatHoldsAForeignDestinationRemovesOnlyOursAndKeepsTheService() {
        // we created WEB with RS1; somebody else added RS3 to it; WEB is no longer wanted
        IpvsTable kernel = table(WEB_RR, RS1, RS3);
        Ledger ours = new Ledger(Set.of(WEB), Set.of(ref(WEB, RS1)));
        Plan now = Planner.plan(IpvsTable.empty(), ObservedTable.of(kernel), ours);
        Plan draining = Planner.plan(IpvsTable.empty(), ObservedTable.of(kernel), ours, Drains.none(), DRAIN_60S, T0);
        assertEquals(List.of(new DeleteDestination(WEB, RS1.key())), now.ops(), "the service and RS3 stay");
        assertEquals(List.of(new UpdateDestination(WEB, RS1.withWeight(0))), draining.ops(),
                "ours drains first; the service and RS3 stay");
        for (Plan p : List.of(now, draining)) {
            assertEquals(1, p.conflicts().size(), p.conflicts().toString());
            assertTrue(p.conflicts().getFirst().reason().contains("192.0.2.23:80"), p.conflicts().toString());
        }
        // once the foreign destination is gone, the service goes
        IpvsTable later = table(WEB_RR);
        Plan p = Planner.plan(IpvsTable.empty(), ObservedTable.of(later), new Ledger(Set.of(WEB), Set.of()));
        assertEquals(List.of(new DeleteService(WEB)), p.ops());
        assertTrue(p.conflicts().isEmpty());
    }

    @Test
    void aRestartedAgentAdoptsItsEntriesFromThePersistedLedger() {
        IpvsTable t = table(WEB_RR, RS1, RS2, DNS_WRR, NS1);
        Plan first = Planner.plan(t, ObservedTable.of(IpvsTable.empty()), Ledger.empty());
        Ledger reloaded = Ledger.parse(first.ledger().toText());
        Plan afterRestart = Planner.plan(t, ObservedTable.of(t), reloaded);
        assertTrue(afterRestart.isEmpty());
        assertTrue(afterRestart.conflicts().isEmpty());
    }

    @Test
    void kernelDriftIsRepairedByAddingWhatVanished() {
        IpvsTable desired = table(WEB_RR, RS1, RS2);
        // someone ran ipvsadm -C: the kernel is empty but the ledger still owns everything
        Plan p = Planner.plan(desired, ObservedTable.of(IpvsTable.empty()), ownerOf(desired));
        assertEquals(List.of(new AddService(WEB_RR), new AddDestination(WEB, RS1), new AddDestination(WEB, RS2)), p.ops());
    }

    @Test
    void aDrainedDestinationGoesToWeightZeroFirstAndIsDeletedWhenItsConnectionsEnd() {
        IpvsTable kernel = table(WEB_RR, RS1, RS2);
        IpvsTable desired = table(WEB_RR, RS1);
        Ledger ledger = ownerOf(kernel);

        Plan first = Planner.plan(desired, new ObservedTable(kernel, Map.of(ref(WEB, RS2), Connections.active(4))), ledger, Drains.none(), DRAIN_60S, T0);
        assertEquals(List.of(new UpdateDestination(WEB, RS2.withWeight(0))), first.ops());
        assertEquals(Map.of(ref(WEB, RS2), T0), first.drains().started());

        IpvsTable drained = table(WEB_RR, RS1, RS2.withWeight(0));
        Plan waiting = Planner.plan(desired, new ObservedTable(drained, Map.of(ref(WEB, RS2), Connections.active(2))), first.ledger(),
                first.drains(), DRAIN_60S, T0.plusSeconds(20));
        assertTrue(waiting.isEmpty(), "connections remain and the deadline is ahead: " + waiting.ops());
        assertEquals(first.drains(), waiting.drains());

        Plan done = Planner.plan(desired, ObservedTable.of(drained), waiting.ledger(), waiting.drains(), DRAIN_60S,
                T0.plusSeconds(30));
        assertEquals(List.of(new DeleteDestination(WEB, RS2.key())), done.ops());
    }

    @Test
    void aDrainEndsAtItsDeadlineEvenWithConnectionsLeft() {
        IpvsTable drained = table(WEB_RR, RS1, RS2.withWeight(0));
        Drains started = new Drains(Map.of(ref(WEB, RS2), T0));
        ObservedTable busy = new ObservedTable(drained, Map.of(ref(WEB, RS2), Connections.active(50)));
        Plan before = Planner.plan(table(WEB_RR, RS1), busy, ownerOf(drained), started, DRAIN_60S, T0.plusSeconds(59));
        assertTrue(before.isEmpty());
        Plan at = Planner.plan(table(WEB_RR, RS1), busy, ownerOf(drained), started, DRAIN_60S, T0.plusSeconds(60));
        assertEquals(List.of(new DeleteDestination(WEB, RS2.key())), at.ops());
    }

    @Test
    void aDestinationThatComesBackWhileDrainingIsRestoredAndNoLongerDrained() {
        IpvsTable drained = table(WEB_RR, RS1, RS2.withWeight(0));
        Drains started = new Drains(Map.of(ref(WEB, RS2), T0));
        Plan p = Planner.plan(table(WEB_RR, RS1, RS2), ObservedTable.of(drained), ownerOf(drained), started, DRAIN_60S,
                T0.plusSeconds(5));
        assertEquals(List.of(new UpdateDestination(WEB, RS2)), p.ops());
        assertFalse(p.drains().isDraining(ref(WEB, RS2)));
    }

    @Test
    void aDestinationAlreadyAtWeightZeroWithoutConnectionsIsDeletedAtOnce() {
        IpvsTable kernel = table(WEB_RR, RS1, RS2.withWeight(0));
        Plan p = Planner.plan(table(WEB_RR, RS1), ObservedTable.of(kernel), ownerOf(kernel), Drains.none(), DRAIN_60S, T0);
        assertEquals(List.of(new DeleteDestination(WEB, RS2.key())), p.ops());
    }

    @Test
    void aLeavingServiceDrainsItsDestinationsThenGoesInOneDelete() {
        IpvsTable kernel = table(WEB_RR, RS1, RS2, DNS_WRR, NS1);
        IpvsTable desired = table(DNS_WRR, NS1);
        Map<DestinationRef, Connections> busy = Map.of(ref(WEB, RS1), Connections.active(3), ref(WEB, RS2), Connections.active(1));
        Plan first = Planner.plan(desired, new ObservedTable(kernel, busy), ownerOf(kernel), Drains.none(), DRAIN_60S, T0);
        assertEquals(List.of(new UpdateDestination(WEB, RS1.withWeight(0)), new UpdateDestination(WEB, RS2.withWeight(0))),
                first.ops());

        IpvsTable drained = table(WEB_RR, RS1.withWeight(0), RS2.withWeight(0), DNS_WRR, NS1);
        Plan partly = Planner.plan(desired, new ObservedTable(drained, Map.of(ref(WEB, RS1), Connections.active(1))), first.ledger(),
                first.drains(), DRAIN_60S, T0.plusSeconds(10));
        assertEquals(List.of(new DeleteDestination(WEB, RS2.key())), partly.ops(),
                "the finished one goes, the service waits for the other");

        IpvsTable last = table(WEB_RR, RS1.withWeight(0), DNS_WRR, NS1);
        Plan done = Planner.plan(desired, ObservedTable.of(last), partly.ledger(), partly.drains(), DRAIN_60S,
                T0.plusSeconds(20));
        assertEquals(List.of(new DeleteService(WEB)), done.ops());
    }

    @Test
    void aWeightRaisedDuringADrainIsPutBackToZero() {
        IpvsTable bumped = table(WEB_RR, RS1, RS2.withWeight(7));
        Drains started = new Drains(Map.of(ref(WEB, RS2), T0));
        Plan p = Planner.plan(table(WEB_RR, RS1), new ObservedTable(bumped, Map.of(ref(WEB, RS2), Connections.active(1))), ownerOf(bumped),
                started, DRAIN_60S, T0.plusSeconds(1));
        assertEquals(List.of(new UpdateDestination(WEB, RS2.withWeight(0))), p.ops());
        assertEquals(T0, p.drains().started().get(ref(WEB, RS2)), "the drain keeps its start time");
    }

    @Test
    void staleLedgerEntriesAndDrainsAreForgottenOnceGone() {
        Ledger stale = new Ledger(Set.of(WEB, DNS), Set.of(ref(WEB, RS1), ref(DNS, NS1)));
        Drains old = new Drains(Map.of(ref(DNS, NS1), T0));
        Plan p = Planner.plan(table(WEB_RR, RS1), ObservedTable.of(table(WEB_RR, RS1)), stale, old, DRAIN_60S, T0);
        assertTrue(p.isEmpty());
        assertEquals(new Ledger(Set.of(WEB), Set.of(ref(WEB, RS1))), p.ledger());
        assertEquals(Drains.none(), p.drains());
    }

    @Test
    void udpFlowsHeldAsInactiveEntriesKeepADestinationDraining() {
        IpvsTable kernel = table(DNS_WRR, NS1, NS2);
        IpvsTable desired = table(DNS_WRR, NS1);
        ObservedTable flows = new ObservedTable(kernel, Map.of(ref(DNS, NS2), new Connections(0, 12, 0)));
        Plan first = Planner.plan(desired, flows, ownerOf(kernel), Drains.none(), DRAIN_60S, T0);
        assertEquals(List.of(new UpdateDestination(DNS, NS2.withWeight(0))), first.ops(),
                "a UDP destination has no active connections, only flows; it drains rather than goes");

        IpvsTable drained = table(DNS_WRR, NS1, NS2.withWeight(0));
        Plan waiting = Planner.plan(desired, new ObservedTable(drained, Map.of(ref(DNS, NS2), new Connections(0, 3, 0))),
                first.ledger(), first.drains(), DRAIN_60S, T0.plusSeconds(30));
        assertTrue(waiting.isEmpty(), "flows remain and the deadline is ahead: " + waiting.ops());
        assertEquals(first.drains(), waiting.drains());
    }

    @Test
    void closingTcpConnectionsDoNotHoldADrain() {
        // TIME_WAIT and FIN_WAIT entries are inactive entries the kernel keeps for minutes after the last byte
        IpvsTable drained = table(WEB_RR, RS1, RS2.withWeight(0));
        Drains started = new Drains(Map.of(ref(WEB, RS2), T0));
        ObservedTable closing = new ObservedTable(drained, Map.of(ref(WEB, RS2), new Connections(0, 5, 0)));
        Plan p = Planner.plan(table(WEB_RR, RS1), closing, ownerOf(drained), started, DRAIN_60S, T0.plusSeconds(1));
        assertEquals(List.of(new DeleteDestination(WEB, RS2.key())), p.ops());
    }

    @Test
    void persistenceTemplatesAloneKeepADestinationDraining() {
        IpvsTable drained = table(WEB_RR, RS1, RS2.withWeight(0));
        Drains started = new Drains(Map.of(ref(WEB, RS2), T0));
        ObservedTable templates = new ObservedTable(drained, Map.of(ref(WEB, RS2), new Connections(0, 0, 2)));
        Plan p = Planner.plan(table(WEB_RR, RS1), templates, ownerOf(drained), started, DRAIN_60S, T0.plusSeconds(10));
        assertTrue(p.isEmpty(), "templates still pin clients to it: " + p.ops());
        assertTrue(p.drains().isDraining(ref(WEB, RS2)));

        Plan fresh = Planner.plan(table(WEB_RR, RS1), templates, ownerOf(drained), Drains.none(), DRAIN_60S, T0);
        assertTrue(fresh.isEmpty(), "already at weight 0 but holding templates: it starts draining, not deleted");
        assertEquals(Map.of(ref(WEB, RS2), T0), fresh.drains().started());
    }

    @Test
    void aDrainingDestinationWithNoEntryOfAnyKindIsDeleted() {
        IpvsTable drained = table(DNS_WRR, NS1, NS2.withWeight(0));
        Drains started = new Drains(Map.of(ref(DNS, NS2), T0));
        ObservedTable empty = new ObservedTable(drained, Map.of(ref(DNS, NS2), Connections.NONE, ref(DNS, NS1),
                new Connections(5, 6, 7)));
        Plan p = Planner.plan(table(DNS_WRR, NS1), empty, ownerOf(drained), started, DRAIN_60S, T0.plusSeconds(10));
        assertEquals(List.of(new DeleteDestination(DNS, NS2.key())), p.ops());
    }

    @Test
    void aDrainHeldByInactiveAndPersistentEntriesEndsAtItsDeadline() {
        IpvsTable drained = table(DNS_WRR, NS1, NS2.withWeight(0));
        Drains started = new Drains(Map.of(ref(DNS, NS2), T0));
        ObservedTable held = new ObservedTable(drained, Map.of(ref(DNS, NS2), new Connections(0, 40, 3)));
        Plan before = Planner.plan(table(DNS_WRR, NS1), held, ownerOf(drained), started, DRAIN_60S, T0.plusSeconds(59));
        assertTrue(before.isEmpty(), "before the deadline: " + before.ops());
        Plan at = Planner.plan(table(DNS_WRR, NS1), held, ownerOf(drained), started, DRAIN_60S, T0.plusSeconds(60));
        assertEquals(List.of(new DeleteDestination(DNS, NS2.key())), at.ops());
    }

    @Test
    void kernelReadBacksKeepActiveInactiveAndPersistentCountsPerDestination() {
        Destination idle = Destination.of("198.51.100.3", 53, ForwardingMethod.MASQ);
        ObservedTable t = ObservedTable.of(List.of(new ServiceEntry(DNS_WRR, Stats.ZERO)), Map.of(DNS, List.of(
                new DestinationEntry(NS1, 1, 2, 3, Stats.ZERO),
                new DestinationEntry(NS2, 0, 9, 0, Stats.ZERO),
                new DestinationEntry(idle, 0, 0, 0, Stats.ZERO))));
        assertEquals(table(DNS_WRR, NS1, NS2, idle), t.table());
        assertEquals(new Connections(1, 2, 3), t.connections(ref(DNS, NS1)));
        assertEquals(new Connections(0, 9, 0), t.connections(ref(DNS, NS2)));
        assertEquals(Connections.NONE, t.connections(ref(DNS, idle)));
        assertEquals(Map.of(ref(DNS, NS1), 1), t.activeConnections(), "only destinations with established connections");
        assertEquals(0, t.activeConnections(ref(DNS, NS2)));
    }

    @Test
    void aDestinationKeyIsAddressAndPortSoAPortChangeIsAReplacement() {
        IpvsTable kernel = table(WEB_RR, RS1);
        Destination moved = Destination.of("192.0.2.21", 8080, ForwardingMethod.MASQ);
        Plan p = Planner.plan(table(WEB_RR, moved), ObservedTable.of(kernel), ownerOf(kernel));
        assertEquals(List.of(new AddDestination(WEB, moved), new DeleteDestination(WEB, DestinationKey.of("192.0.2.21", 80))),
                p.ops());
    }
}
