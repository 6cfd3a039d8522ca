package io.lvs.agent.kernel.ipvs.reconcile;

import io.lvs.agent.kernel.ipvs.Destination;
import io.lvs.agent.kernel.ipvs.DestinationKey;
import io.lvs.agent.kernel.ipvs.Protocol;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Diffs a desired IPVS table against the kernel's and plans the fewest operations that close the gap.
 * Pure: no I/O and no clock ("now" is an input), so every decision is testable.
 *
 * <p>Rules:
 * <ul>
 * <li>Attributes that differ are changed in place: the kernel's SET_SERVICE and SET_DEST change every
 *     field but the key (scheduler, flags, persistence, engine; forwarding method, tunnel, weight,
 *     thresholds), so a plan never deletes and re-adds.</li>
 * <li>Deleting a service deletes its destinations with it: one operation, not one per destination.</li>
 * <li>Order: service adds, service updates, destination adds, destination updates, destination deletes,
 *     service deletes; within a group by key. New capacity arrives before old capacity leaves.</li>
 * <li>Ownership: only entries in the {@link Ledger} are changed or removed; a desired key held by a
 *     foreign entry is reported as a {@link Conflict}.</li>
 * <li>Drain (when asked): a leaving destination goes to weight 0 first and is deleted on a later pass,
 *     once the kernel holds no connection entry for it — active, inactive (TIME_WAIT, UDP flows) or
 *     persistence template — or its drain is older than the timeout. A leaving service waits
 *     for its destinations, then goes in one delete.</li>
 * </ul>
 */
public final class Planner {
    private Planner() {
    }

    /** The plan that makes {@code observed} match {@code desired}. */
    public static Plan plan(IpvsTable desired, ObservedTable observed, Ledger ledger, Drains drains,
                            PlanOptions options, Instant now) {
        return new Pass(desired, observed, ledger, drains, options, now).run();
    }

    /** Plans with nothing draining and leaving destinations deleted at once. */
    public static Plan plan(IpvsTable desired, ObservedTable observed, Ledger ledger) {
        return plan(desired, observed, ledger, Drains.none(), PlanOptions.immediate(), Instant.EPOCH);
    }

    /** One planning pass and its working state. */
    private static final class Pass {
        private final IpvsTable desired;
        private final ObservedTable observed;
        private final Ledger ledger;
        private final PlanOptions options;
        private final Instant now;
        private final List<IpvsOp> addServices = new ArrayList<>();
        private final List<IpvsOp> updateServices = new ArrayList<>();
        private final List<IpvsOp> addDestinations = new ArrayList<>();
        private final List<IpvsOp> updateDestinations = new ArrayList<>();
        private final List<IpvsOp> deleteDestinations = new ArrayList<>();
        private final List<IpvsOp> deleteServices = new ArrayList<>();
        private final List<Conflict> conflicts = new ArrayList<>();
        private final Set<ServiceKey> ownedServices;
        private final Set<DestinationRef> ownedDestinations;
        private final Map<DestinationRef, Instant> draining;

        Pass(IpvsTable desired, ObservedTable observed, Ledger ledger, Drains drains, PlanOptions options, Instant now) {
            this.desired = desired;
            this.observed = observed;
            this.ledger = ledger;
            this.options = options;
            this.now = now;
            this.ownedServices = new HashSet<>(ledger.services());
            this.ownedDestinations = new HashSet<>(ledger.destinations());
            this.draining = new HashMap<>(drains.started());
        }

        Plan run() {
            IpvsTable kernel = observed.table();
            for (ServiceKey key : new TreeSet<>(desired.services().keySet())) {
                IpvsTable.Entry want = desired.services().get(key);
                Optional<IpvsTable.Entry> have = kernel.get(key);
                if (have.isEmpty()) {
                    create(want);
                } else if (!ledger.owns(key)) {
                    conflicts.add(new Conflict(key, Optional.empty(),
                            "the kernel already has this service and lvs-operator did not create it; left as it is"));
                } else {
                    converge(want, have.get());
                }
            }
            for (ServiceKey key : new TreeSet<>(kernel.services().keySet())) {
                if (!desired.contains(key) && ledger.owns(key)) {
                    retire(kernel.services().get(key));
                }
            }
            List<IpvsOp> ops = new ArrayList<>();
            ops.addAll(addServices);
            ops.addAll(updateServices);
            ops.addAll(addDestinations);
            ops.addAll(updateDestinations);
            ops.addAll(deleteDestinations);
            ops.addAll(deleteServices);
            // Forget only what is gone from the kernel and not wanted; deletions in this plan stay owned
            // until a later pass sees them gone, so a failed delete is retried rather than orphaned.
            ownedServices.removeIf(k -> !kernel.contains(k) && !desired.contains(k));
            ownedDestinations.removeIf(r -> !kernel.contains(r) && !desired.contains(r));
            draining.keySet().removeIf(r -> !kernel.contains(r) || desired.contains(r));
            return new Plan(ops, conflicts, new Ledger(ownedServices, ownedDestinations), new Drains(draining));
        }

        private void create(IpvsTable.Entry want) {
            ServiceKey key = want.service().key();
            addServices.add(new IpvsOp.AddService(want.service()));
            ownedServices.add(key);
            for (DestinationKey dk : new TreeSet<>(want.destinations().keySet())) {
                addDestinations.add(new IpvsOp.AddDestination(key, want.destinations().get(dk)));
                ownedDestinations.add(new DestinationRef(key, dk));
            }
        }

        private void converge(IpvsTable.Entry want, IpvsTable.Entry have) {
            ServiceKey key = want.service().key();
            if (!want.service().equals(have.service())) {
                updateServices.add(new IpvsOp.UpdateService(want.service()));
            }
            for (DestinationKey dk : new TreeSet<>(want.destinations().keySet())) {
                Destination d = want.destinations().get(dk);
                Destination current = have.destinations().get(dk);
                DestinationRef ref = new DestinationRef(key, dk);
                if (current == null) {
                    addDestinations.add(new IpvsOp.AddDestination(key, d));
                    ownedDestinations.add(ref);
                } else if (!ledger.owns(ref)) {
                    conflicts.add(new Conflict(key, Optional.of(dk),
                            "the kernel already has this destination and lvs-operator did not create it; left as it is"));
                } else if (!d.equals(current)) {
                    updateDestinations.add(new IpvsOp.UpdateDestination(key, d)); // also ends a drain
                }
            }
            for (DestinationKey dk : new TreeSet<>(have.destinations().keySet())) {
                DestinationRef ref = new DestinationRef(key, dk);
                if (!want.destinations().containsKey(dk) && ledger.owns(ref)
                        && leave(ref, have.destinations().get(dk))) {
                    deleteDestinations.add(new IpvsOp.DeleteDestination(key, dk));
                }
            }
        }

        /**
         * Removes a service lvs-operator created and no longer wants. When somebody else has added a destination to
         * it, the service stays (deleting it would delete their destination, and with {@code drain} new connections
         * would go only to it meanwhile): only the owned destinations go, and the conflict is reported until the
         * foreign ones are gone too.
         */
        private void retire(IpvsTable.Entry have) {
            ServiceKey key = have.service().key();
            List<IpvsOp> ready = new ArrayList<>();
            boolean waiting = false;
            List<DestinationKey> foreign = new ArrayList<>();
            for (DestinationKey dk : new TreeSet<>(have.destinations().keySet())) {
                DestinationRef ref = new DestinationRef(key, dk);
                if (!ledger.owns(ref)) {
                    foreign.add(dk);
                } else if (leave(ref, have.destinations().get(dk))) {
                    ready.add(new IpvsOp.DeleteDestination(key, dk));
                } else {
                    waiting = true;
                }
            }
            if (!foreign.isEmpty()) {
                deleteDestinations.addAll(ready);
                conflicts.add(new Conflict(key, Optional.empty(), "no longer wanted, but it holds destinations "
                        + "lvs-operator did not create (" + foreign.stream().map(Object::toString)
                        .collect(java.util.stream.Collectors.joining(", ")) + "): only lvs-operator's destinations were "
                        + "removed; the service is deleted once the others are gone"));
            } else if (waiting) {
                deleteDestinations.addAll(ready);
            } else {
                deleteServices.add(new IpvsOp.DeleteService(key));
            }
        }

        /**
         * Decides a leaving destination: true when it may be deleted now (the kernel holds no flow for it,
         * see {@link #holdsFlows}, or its drain timed out); otherwise it is (kept) draining at weight 0.
         */
        private boolean leave(DestinationRef ref, Destination current) {
            if (!options.drain()) {
                return true;
            }
            boolean idle = !holdsFlows(ref);
            Instant started = draining.get(ref);
            if (started == null) {
                if (current.weight() == 0 && idle) {
                    return true; // nothing to drain
                }
                draining.put(ref, now);
            } else if (idle || !now.isBefore(started.plus(options.drainTimeout()))) {
                return true;
            }
            if (current.weight() != 0) {
                updateDestinations.add(new IpvsOp.UpdateDestination(ref.service(), current.withWeight(0)));
            }
            return false;
        }

        /**
         * Whether the kernel still routes flows to the destination: established connections, persistence templates
         * (they pin clients to it), and for UDP and firewall-mark services the inactive entries too, which is all UDP
         * flows are. A TCP or SCTP service's inactive entries are connections being closed (TIME_WAIT, FIN_WAIT...)
         * that the kernel keeps for minutes after the last byte: waiting for them would hold every drain that long.
         */
        private boolean holdsFlows(DestinationRef ref) {
            Connections c = observed.connections(ref);
            boolean inactiveCount = !(ref.service() instanceof ServiceKey.Inet inet)
                    || inet.protocol() == Protocol.UDP;
            return c.active() != 0 || c.persistent() != 0 || (inactiveCount && c.inactive() != 0);
        }
    }
}
