package io.lvs.agent.node;

import io.lvs.agent.kernel.ipvs.ApplyResult;
import io.lvs.agent.kernel.ipvs.Ipvs;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.reconcile.Conflict;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsOp;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsTable;
import io.lvs.agent.kernel.ipvs.reconcile.ObservedTable;
import io.lvs.agent.kernel.ipvs.reconcile.Plan;
import io.lvs.agent.kernel.ipvs.reconcile.PlanOptions;
import io.lvs.agent.kernel.ipvs.reconcile.Planner;
import io.lvs.agent.kernel.ipvs.reconcile.TableReader;
import io.lvs.agent.state.StateDirectory;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The IPVS table: reads the kernel's, plans the fewest operations against the desired one with the ledger (only
 * entries this agent created are changed or removed), saves the ledger and drains <em>before</em> applying, then
 * applies the plan as one pipelined batch. Leaving destinations are drained (weight 0 until the kernel holds no
 * connection entry for them — active, inactive or persistence template — or the drain timeout).
 */
final class IpvsReconciler {
    private final StateDirectory state;
    private final Duration drainTimeout;
    private final TableReader reader;
    private IpvsTable lastDesired = IpvsTable.empty();
    private boolean lastApplied;

    IpvsReconciler(StateDirectory state, Duration drainTimeout, Duration fullRead) {
        this.state = state;
        this.drainTimeout = drainTimeout;
        this.reader = new TableReader(fullRead);
    }

    /** What the last read of the kernel's table cost. */
    TableReader.Cost lastRead() {
        return reader.lastCost();
    }

    /** Reads the kernel's table (cheaply: see {@link TableReader}). */
    ObservedTable read(Ipvs ipvs, Instant now) {
        Set<ServiceKey> draining = new HashSet<>();
        state.drains().started().keySet().forEach(ref -> draining.add(ref.service()));
        return reader.read(ipvs, draining, now);
    }

    /**
     * What one step did.
     *
     * @param ops       operations applied
     * @param drift     operations that repaired a change somebody else made (the desired table had not changed)
     * @param failures  refused operations by service, with the kernel's answer
     * @param conflicts desired entries held by someone else's entries, left alone
     * @param observed  the table as the kernel held it before this step's operations
     * @param draining  destinations still draining after this step
     */
    record Result(int ops, int drift, Map<ServiceKey, String> failures, List<Conflict> conflicts, ObservedTable observed,
                  int draining) {
        static Result unavailable() {
            return new Result(0, 0, Map.of(), List.of(), ObservedTable.of(IpvsTable.empty()), 0);
        }
    }

    Result apply(Optional<Ipvs> handle, IpvsTable desired, Instant now) {
        if (handle.isEmpty()) {
            return Result.unavailable();
        }
        Ipvs ipvs = handle.get();
        ObservedTable observed = read(ipvs, now);
        PlanOptions options = drainTimeout.isZero() ? PlanOptions.immediate() : PlanOptions.draining(drainTimeout);
        Plan plan = Planner.plan(desired, observed, state.ledger(), state.drains(), options, now);
        state.save(plan.ledger());
        state.save(plan.drains());
        Map<ServiceKey, String> failures = new LinkedHashMap<>();
        int applied = 0;
        if (!plan.isEmpty()) {
            reader.invalidate(plan.ops().stream().map(IpvsOp::service).toList());
            ApplyResult r = ipvs.apply(plan.ops());
            for (ApplyResult.Outcome o : r.outcomes()) {
                if (o instanceof ApplyResult.Failed f) {
                    failures.merge(f.op().service(), f.error().getMessage(), (a, b) -> a + "; " + b);
                } else {
                    applied++;
                }
            }
        }
        boolean unchanged = desired.equals(lastDesired) && lastApplied;
        int drift = unchanged ? (int) plan.ops().stream().filter(op -> !isDrainStep(op)).count() : 0;
        lastDesired = desired;
        lastApplied = failures.isEmpty();
        return new Result(applied, drift, failures, plan.conflicts(), observed, plan.drains().started().size());
    }

    /** Drain progress (weight 0, then delete) is the plan's own doing, not a repair. */
    private static boolean isDrainStep(IpvsOp op) {
        return op instanceof IpvsOp.DeleteDestination || op instanceof IpvsOp.DeleteService
                || (op instanceof IpvsOp.UpdateDestination u && u.destination().weight() == 0);
    }
}
