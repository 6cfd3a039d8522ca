package io.lvs.agent.kernel.ipvs.reconcile;

import java.util.List;
import java.util.Objects;

/**
 * The planner's answer: the operations that make the kernel match the desired table, in a safe order,
 * plus what it refused to touch and the bookkeeping for the next pass.
 *
 * @param ops       the operations, in the order to send them
 * @param conflicts desired entries held by someone else's entries, left alone
 * @param ledger    the ledger to persist <em>before</em> applying: it already owns what this plan adds,
 *                  and forgets entries only once they are gone from the kernel (so a crash mid-apply
 *                  never orphans an entry)
 * @param drains    the drains in progress after this plan
 */
public record Plan(List<IpvsOp> ops, List<Conflict> conflicts, Ledger ledger, Drains drains) {
    public Plan {
        ops = List.copyOf(ops);
        conflicts = List.copyOf(conflicts);
        Objects.requireNonNull(ledger);
        Objects.requireNonNull(drains);
    }

    /** True when the kernel already matches. */
    public boolean isEmpty() {
        return ops.isEmpty();
    }
}
