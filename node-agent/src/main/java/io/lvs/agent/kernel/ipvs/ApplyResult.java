package io.lvs.agent.kernel.ipvs;

import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsOp;
import java.util.List;
import java.util.Objects;

/**
 * What became of each operation of a plan sent with {@link Ipvs#apply(List)}, in plan order. The kernel
 * carries on after a refused request, so each outcome stands alone.
 *
 * @param outcomes  one per operation, in order
 * @param datagrams how many netlink datagrams carried the batch
 */
public record ApplyResult(List<Outcome> outcomes, int datagrams) {

    public ApplyResult {
        outcomes = List.copyOf(outcomes);
    }

    /** The outcome of one operation. */
    public sealed interface Outcome {
        IpvsOp op();
    }

    /** The kernel acknowledged the operation. */
    public record Applied(IpvsOp op) implements Outcome {
    }

    /** The kernel refused the operation; the error names the errno and the object. */
    public record Failed(IpvsOp op, KernelException error) implements Outcome {
        public Failed {
            Objects.requireNonNull(error);
        }
    }

    public boolean allApplied() {
        return outcomes.stream().allMatch(o -> o instanceof Applied);
    }

    public List<Failed> failures() {
        return outcomes.stream().filter(o -> o instanceof Failed).map(o -> (Failed) o).toList();
    }
}
