package io.lvs.agent.node;

import io.lvs.agent.kernel.sysctl.Sysctl;
import io.lvs.agent.kernel.sysctl.SysctlException;
import io.lvs.agent.kernel.sysctl.Sysctls;
import io.lvs.agent.model.NodeDesired.SysctlWant;
import io.lvs.agent.state.Owned;
import io.lvs.agent.state.StateDirectory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Kernel parameters: sets what is wanted (recording the previous value before its first change) and puts back, exactly,
 * what is no longer wanted. A parameter that already has a wanted value is not written and not owned, so it is never
 * "restored" to anything. Setting and restoring are separate steps, so the loop can set ARP sysctls before a VIP goes on
 * lo and restore them only after it has left.
 */
final class SysctlReconciler {
    private final Sysctls sysctls;
    private final StateDirectory state;

    SysctlReconciler(Sysctls sysctls, StateDirectory state) {
        this.sysctls = sysctls;
        this.state = state;
    }

    /** What one step did: parameters written, written again after someone changed them (drift), and failures by key. */
    record Result(int written, int drift, Map<Sysctl, String> failures) {
        static Result none() {
            return new Result(0, 0, Map.of());
        }
    }

    Result applyWanted(List<SysctlWant> wants) {
        int written = 0;
        int drift = 0;
        Map<Sysctl, String> failures = new LinkedHashMap<>();
        for (SysctlWant w : wants) {
            try {
                int current = sysctls.read(w.key());
                OptionalInt target = w.target(current, () -> sysctls.read(w.allKey()));
                Owned owned = state.owned();
                Owned.SysctlChangeRecord mine = owned.sysctls().get(w.key());
                if (target.isEmpty()) {
                    continue;
                }
                if (mine == null) {
                    state.save(owned.withSysctl(w.key(), new Owned.SysctlChangeRecord(current, target.getAsInt())));
                } else {
                    if (current != mine.set()) {
                        drift++; // we had set it, someone changed it since
                    }
                    if (mine.set() != target.getAsInt()) {
                        state.save(owned.withSysctl(w.key(), new Owned.SysctlChangeRecord(mine.previous(), target.getAsInt())));
                    }
                }
                sysctls.set(w.key(), target.getAsInt());
                written++;
            } catch (SysctlException e) {
                failures.put(w.key(), e.getMessage());
            }
        }
        return new Result(written, drift, failures);
    }

    Result restoreUnwanted(List<SysctlWant> wants) {
        Set<Sysctl> wanted = wants.stream().map(SysctlWant::key).collect(Collectors.toSet());
        int written = 0;
        Map<Sysctl, String> failures = new LinkedHashMap<>();
        for (Map.Entry<Sysctl, Owned.SysctlChangeRecord> e : state.owned().sysctls().entrySet()) {
            if (wanted.contains(e.getKey())) {
                continue;
            }
            try {
                if (sysctls.readIfPresent(e.getKey()).isPresent()) {
                    if (sysctls.set(e.getKey(), e.getValue().previous()).changed()) {
                        written++;
                    }
                } // a parameter that vanished (its interface is gone) has nothing to restore
                state.save(state.owned().withoutSysctl(e.getKey()));
            } catch (SysctlException x) {
                failures.put(e.getKey(), x.getMessage());
            }
        }
        return new Result(written, 0, failures);
    }
}
