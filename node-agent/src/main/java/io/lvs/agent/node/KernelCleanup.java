package io.lvs.agent.node;

import io.lvs.agent.kernel.ipvs.reconcile.IpvsTable;
import io.lvs.agent.state.StateDirectory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Removes everything an agent recorded in its state directory (its VIP addresses, its IPVS services and destinations
 * at once, its IPVS sync daemons), restores every sysctl it changed, then closes the FOU ports it opened and takes
 * down or deletes the tunnel devices it brought up or created ({@link TunnelReconciler}: after their sysctls, which
 * must be put back on the device, not lost with it): what an uninstall must leave, also from
 * {@code lvs-node-agent cleanup} when no agent runs. Entries it did not record are not touched; kernel modules the
 * kernel loaded for it stay loaded.
 */
public final class KernelCleanup {
    private KernelCleanup() {
    }

    /** Returns what could not be removed, as sentences (empty: the node is as it was before the agent). */
    public static List<String> removeEverything(NodeKernel kernel, StateDirectory state, Clock clock) {
        List<String> problems = new ArrayList<>();
        try {
            AddressReconciler.Result a = new AddressReconciler(kernel.rtnl(), state).apply(Set.of());
            a.failures().forEach((addr, why) -> problems.add("address " + AddressReconciler.describe(addr) + ": " + why));
        } catch (RuntimeException e) {
            problems.add("removing addresses failed: " + e.getMessage());
        }
        try {
            IpvsReconciler.Result r = new IpvsReconciler(state, Duration.ZERO, Duration.ZERO).apply(kernel.ipvs(), IpvsTable.empty(),
                    clock.instant());
            r.failures().forEach((k, v) -> problems.add("IPVS service " + k + ": " + v));
            if (kernel.ipvs().isEmpty() && !state.ledger().services().isEmpty()) {
                problems.add("the ledger names IPVS services but this kernel has no IPVS now; they were left recorded");
            }
        } catch (RuntimeException e) {
            problems.add("removing IPVS entries failed: " + e.getMessage());
        }
        try {
            SyncReconciler.Result d = new SyncReconciler(state).apply(kernel.ipvs(), List.of());
            problems.addAll(d.problems());
        } catch (RuntimeException e) {
            problems.add("stopping IPVS sync daemons failed: " + e.getMessage());
        }
        try {
            SysctlReconciler.Result s = new SysctlReconciler(kernel.sysctls(), state).restoreUnwanted(List.of());
            s.failures().forEach((k, v) -> problems.add(v));
        } catch (RuntimeException e) {
            problems.add("restoring sysctls failed: " + e.getMessage());
        }
        try {
            TunnelReconciler.Result t = new TunnelReconciler(TunnelKernel.of(kernel), state).removeUnwanted(Set.of());
            problems.addAll(t.problems());
        } catch (RuntimeException e) {
            problems.add("removing tunnel devices and FOU ports failed: " + e.getMessage());
        }
        return problems;
    }
}
