package io.lvs.agent.node;

import io.lvs.agent.kernel.InetText;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.model.NodeDesired.VsPlan;
import io.lvs.api.v1alpha1.DirectorRole;
import io.lvs.api.v1alpha1.NodeReportStatus;
import io.lvs.api.v1alpha1.ProbeResult;
import io.lvs.api.v1alpha1.ReportedRealServer;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns one pass's plans and observations into NodeReport statuses. Pure, and stable: a report changes only when
 * something a person would want to know changed (a role, a verdict, a problem), never because time passed, so the
 * writer has nothing to write at steady state.
 */
final class ReportBuilder {
    private ReportBuilder() {
    }

    /**
     * What the pass observed, as the reports need it.
     *
     * @param roles           the election's role per VIP
     * @param activeSince     when this node became active per VIP
     * @param heldVips        director VIPs on their link now
     * @param loopbackVips    VIPs on lo now
     * @param ipvsFailures    refused IPVS operations by service
     * @param otherProblems   problems of the pass that concern every VirtualService here (sysctls, state directory, drift)
     * @param verdicts        the health verdict per probe key (absent: not decided yet)
     * @param initial         the initial state of each probe (for those not decided yet)
     * @param nodeName        this node
     * @param tunnelProblems  what keeps a plan's decapsulation (a Tunnel real server's) from working
     */
    record Observed(Function<InetAddress, ActiveDirectors.Role> roles, Function<InetAddress, Optional<Instant>> activeSince,
                    Set<InetAddress> heldVips, Set<InetAddress> loopbackVips, Map<ServiceKey, String> ipvsFailures,
                    List<String> otherProblems, Function<String, Optional<HealthChecks.Verdict>> verdicts,
                    Map<String, Boolean> initial, String nodeName,
                    Function<VsPlan, List<String>> tunnelProblems) {
    }

    static NodeReportStatus report(VsPlan plan, Observed o) {
        NodeReportStatus st = new NodeReportStatus();
        st.setVirtualServiceGeneration(plan.generation());
        List<String> problems = new ArrayList<>(plan.problems());
        problems.addAll(plan.notes());
        for (ServiceKey k : plan.services()) {
            String failed = o.ipvsFailures().get(k);
            if (failed != null) {
                problems.add("IPVS service " + k + ": " + failed);
            }
        }
        problems.addAll(o.otherProblems());
        boolean held = plan.director() && o.heldVips().contains(plan.vip());
        ActiveDirectors.Role role = o.roles().apply(plan.vip());
        if (plan.director()) {
            st.setPriority(plan.priority());
            st.setInterfaceName(plan.link().orElse(null));
            st.setVipNetwork(plan.vipNetwork().orElse(null));
            st.setVipHeld(held);
            if (!plan.programmable() || plan.link().isEmpty()) {
                st.setRole(DirectorRole.Fault);
            } else {
                st.setRole(role == ActiveDirectors.Role.ACTIVE ? DirectorRole.Active : DirectorRole.Standby);
            }
            if (role == ActiveDirectors.Role.ACTIVE) {
                o.activeSince().apply(plan.vip()).ifPresent(t -> st.setActiveSince(t.toString()));
                if (!held && plan.link().isPresent()) {
                    problems.add("active, but VIP " + InetText.of(plan.vip()) + " is not on " + plan.link().get() + " yet");
                }
            }
            st.setRealServers(realServers(plan, o));
        } else {
            st.setRole(DirectorRole.RealServer);
            if (!o.loopbackVips().contains(plan.vip())) {
                problems.add("VIP " + InetText.of(plan.vip()) + " is not on lo yet");
            }
            problems.addAll(o.tunnelProblems().apply(plan));
        }
        st.setProgrammed(problems.isEmpty());
        st.setMessage(problems.isEmpty() ? null : String.join("; ", problems));
        st.setKernelStatePresent(true);
        return st;
    }

    /** The report of a VirtualService this node no longer serves but still holds kernel state for (draining, leaving). */
    static NodeReportStatus leaving(long generation, boolean statePresent) {
        NodeReportStatus st = new NodeReportStatus();
        st.setVirtualServiceGeneration(generation);
        st.setRole(DirectorRole.Standby);
        st.setProgrammed(false);
        st.setVipHeld(false);
        st.setKernelStatePresent(statePresent);
        st.setMessage(statePresent ? "this node no longer serves this VirtualService; removing its kernel state"
                : "this node no longer serves this VirtualService; its kernel state is removed");
        return st;
    }

    private static List<ReportedRealServer> realServers(VsPlan plan, Observed o) {
        List<ReportedRealServer> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : plan.probes().entrySet()) {
            boolean healthy = true;
            Instant since = null;
            ProbeResult deciding = null;
            for (String key : e.getValue()) {
                Optional<HealthChecks.Verdict> v = o.verdicts().apply(key);
                boolean up = v.map(HealthChecks.Verdict::healthy).orElse(o.initial().getOrDefault(key, true));
                if (v.isPresent()) {
                    if (since == null || v.get().since().isAfter(since)) {
                        since = v.get().since();
                    }
                    if (!up || deciding == null) {
                        deciding = v.get().decidingProbe().orElse(deciding);
                    }
                }
                if (!up && healthy) {
                    healthy = false;
                    deciding = v.flatMap(HealthChecks.Verdict::decidingProbe).orElse(deciding);
                }
            }
            if (e.getValue().isEmpty()) {
                ProbeResult none = new ProbeResult();
                none.setResult("Success");
                none.setNodeName(o.nodeName());
                none.setMessage("not probed (health check type None)");
                deciding = none;
            }
            out.add(new ReportedRealServer(e.getKey(), healthy, since == null ? null : since.toString(), deciding));
        }
        out.sort(Comparator.comparing(ReportedRealServer::getName));
        return out;
    }
}
