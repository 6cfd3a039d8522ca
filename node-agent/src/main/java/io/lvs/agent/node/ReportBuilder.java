package io.lvs.agent.node;

import io.lvs.agent.kernel.InetText;
import io.lvs.agent.kernel.ipvs.AddressFamily;
import io.lvs.agent.kernel.ipvs.Addresses;
import io.lvs.agent.kernel.ipvs.DestinationKey;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.reconcile.Conflict;
import io.lvs.agent.kernel.ipvs.reconcile.DestinationRef;
import io.lvs.agent.kernel.sysctl.Sysctl;
import io.lvs.agent.model.NodeDesired.VsPlan;
import io.lvs.agent.model.VsRef;
import io.lvs.agent.state.Owned.OwnedAddress;
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
 * writer has nothing to write at steady state. Everything the pass could not do for a VirtualService lands in that
 * VirtualService's report: refused IPVS operations, IPVS entries held by someone else, sysctls and addresses the kernel
 * refused, the sync daemons' trouble.
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
     * @param shortfalls      what the kernel steps could not do, to be told to the VirtualServices concerned
     * @param otherProblems   problems of the pass that concern every VirtualService here (a step that failed as a whole,
     *                        the state directory)
     * @param warnings        what a person should know although everything is programmed (drift that keeps coming
     *                        back and is repaired each time): in the message, without making the report unprogrammed
     * @param verdicts        the health verdict per probe key (absent: not decided yet)
     * @param initial         the initial state of each probe (for those not decided yet)
     * @param nodeName        this node
     * @param tunnelProblems  what keeps a plan's decapsulation (a Tunnel real server's) from working
     */
    record Observed(Function<InetAddress, ActiveDirectors.Role> roles, Function<InetAddress, Optional<Instant>> activeSince,
                    Set<InetAddress> heldVips, Set<InetAddress> loopbackVips, Shortfalls shortfalls,
                    List<String> otherProblems, List<String> warnings,
                    Function<String, Optional<HealthChecks.Verdict>> verdicts,
                    Map<String, Boolean> initial, String nodeName, Function<VsPlan, List<String>> tunnelProblems) {
    }

    /**
     * What the kernel steps of one pass could not do.
     *
     * @param ipvsFailures   refused IPVS operations by service, with the kernel's answer
     * @param held           desired IPVS entries that someone else's entries hold (left alone by the planner)
     * @param kept           services this agent created and no longer wants, kept because someone else's destinations
     *                       are in them
     * @param formerOwners   the VirtualService each IPVS service of this agent was last programmed for (to tell a kept
     *                       service's VirtualService; without a name, the VirtualServices on its VIP are told)
     * @param sysctlFailures parameters the kernel would not set, with its answer
     * @param addressFailures addresses the kernel would not add, with its answer
     * @param syncProblems   the connection-sync daemons' trouble (told to VirtualServices that sync connections here)
     */
    record Shortfalls(Map<ServiceKey, String> ipvsFailures, List<Conflict> held, List<Conflict> kept,
                      Map<ServiceKey, VsRef> formerOwners, Map<Sysctl, String> sysctlFailures,
                      Map<OwnedAddress, String> addressFailures, List<String> syncProblems) {
        static final Shortfalls NONE = new Shortfalls(Map.of(), List.of(), List.of(), Map.of(), Map.of(), Map.of(), List.of());

        Shortfalls {
            ipvsFailures = Map.copyOf(ipvsFailures);
            held = List.copyOf(held);
            kept = List.copyOf(kept);
            formerOwners = Map.copyOf(formerOwners);
            sysctlFailures = Map.copyOf(sysctlFailures);
            addressFailures = Map.copyOf(addressFailures);
            syncProblems = List.copyOf(syncProblems);
        }
    }

    static NodeReportStatus report(VsPlan plan, Observed o) {
        NodeReportStatus st = new NodeReportStatus();
        st.setVirtualServiceGeneration(plan.generation());
        Shortfalls sf = o.shortfalls();
        List<String> problems = new ArrayList<>(plan.problems());
        problems.addAll(plan.notes());
        for (ServiceKey k : plan.services()) {
            String failed = sf.ipvsFailures().get(k);
            if (failed != null) {
                problems.add("IPVS service " + k + ": " + failed);
            }
        }
        boolean conflict = false;
        for (Conflict c : sf.held()) {
            if (plan.services().contains(c.service())) {
                problems.add(heldMessage(c, plan));
                conflict = true;
            }
        }
        for (Sysctl k : plan.sysctls().stream().sorted(Comparator.comparing(Sysctl::name)).toList()) {
            String failed = sf.sysctlFailures().get(k);
            if (failed != null) {
                problems.add("sysctl " + k.name() + " could not be set: " + failed);
            }
        }
        if (plan.connectionSync()) {
            problems.addAll(sf.syncProblems());
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
                    problems.add(addressFailure(sf, plan.link().get(), plan.vip())
                            .orElse("active, but VIP " + InetText.of(plan.vip()) + " is not on " + plan.link().get() + " yet"));
                }
            }
            st.setRealServers(realServers(plan, o));
        } else {
            st.setRole(DirectorRole.RealServer);
            // A plan that cannot be served here says why; "not on lo" would only repeat it.
            if (plan.programmable() && !o.loopbackVips().contains(plan.vip())) {
                problems.add(addressFailure(sf, "lo", plan.vip())
                        .orElse("VIP " + InetText.of(plan.vip()) + " is not on lo yet"));
            }
            problems.addAll(o.tunnelProblems().apply(plan));
        }
        List<String> news = kept(plan.ref(), Optional.of(plan.vip()), sf);
        st.setProgrammed(problems.isEmpty());
        st.setReason(problems.isEmpty() ? null : conflict ? NodeReportStatus.CONFLICT : NodeReportStatus.NOT_PROGRAMMED);
        problems.addAll(news);
        problems.addAll(o.warnings());
        st.setMessage(problems.isEmpty() ? null : String.join("; ", problems));
        st.setKernelStatePresent(true);
        return st;
    }

    /**
     * The report of a VirtualService this node no longer serves but still holds kernel state for (draining, leaving).
     * {@code vip}: its VIP as last accepted, when known.
     */
    static NodeReportStatus leaving(VsRef ref, Optional<InetAddress> vip, long generation, boolean statePresent,
                                    Shortfalls shortfalls) {
        NodeReportStatus st = new NodeReportStatus();
        st.setVirtualServiceGeneration(generation);
        st.setRole(DirectorRole.Standby);
        st.setProgrammed(false);
        st.setReason(NodeReportStatus.NOT_PROGRAMMED);
        st.setVipHeld(false);
        st.setKernelStatePresent(statePresent);
        List<String> message = new ArrayList<>();
        message.add(statePresent ? "this node no longer serves this VirtualService; removing its kernel state"
                : "this node no longer serves this VirtualService; its kernel state is removed");
        message.addAll(kept(ref, vip, shortfalls));
        st.setMessage(String.join("; ", message));
        return st;
    }

    /** What to tell about a desired entry someone else's entry holds: who may hold it and what to do. */
    private static String heldMessage(Conflict c, VsPlan plan) {
        if (c.destination().isPresent()) {
            DestinationKey d = c.destination().get();
            String rs = plan.realServers().get(new DestinationRef(c.service(), d));
            return "destination " + d + (rs == null ? "" : " (RealServer " + rs + ")") + " of IPVS service " + c.service()
                    + " was added by someone else, not lvs-operator, so it is left as they set it (weight, forwarding "
                    + "method) instead of as its spec says: remove it (ipvsadm -d " + ipvsadmService(c.service()) + " -r "
                    + d + ") and the agent adds its own";
        }
        return "IPVS service " + c.service() + " is held by an entry lvs-operator did not create, so it is left alone and "
                + "this port is not served here: kube-proxy in IPVS mode makes one for a Kubernetes Service that uses "
                + "this address (externalIPs, loadBalancerIP; the address is then on its kube-ipvs0 device), keepalived "
                + "or an administrator's ipvsadm may too; give one of them another address, or remove the entry "
                + "(ipvsadm -D " + ipvsadmService(c.service()) + ") and the agent creates its own; list the VIP ranges "
                + "in kube-proxy's --ipvs-exclude-cidrs so that it never removes lvs-operator's entries";
    }

    /** The services this agent keeps for someone else's destinations that belonged to {@code ref} (or its VIP). */
    private static List<String> kept(VsRef ref, Optional<InetAddress> vip, Shortfalls sf) {
        List<String> out = new ArrayList<>();
        for (Conflict c : sf.kept()) {
            VsRef owner = sf.formerOwners().get(c.service());
            boolean mine = owner != null ? owner.equals(ref)
                    : c.service() instanceof ServiceKey.Inet i && vip.isPresent() && i.address().equals(vip.get());
            if (mine) {
                out.add("IPVS service " + c.service() + " is " + c.reason() + " (ipvsadm -D "
                        + ipvsadmService(c.service()) + " removes it with theirs)");
            }
        }
        return out;
    }

    private static Optional<String> addressFailure(Shortfalls sf, String link, InetAddress vip) {
        return sf.addressFailures().entrySet().stream()
                .filter(e -> e.getKey().link().equals(link) && e.getKey().address().equals(vip))
                .map(e -> "VIP " + InetText.of(vip) + " could not be put on " + link + ": " + e.getValue()).findFirst();
    }

    /** The service as ipvsadm's options name it. */
    private static String ipvsadmService(ServiceKey k) {
        return switch (k) {
            case ServiceKey.Inet i -> switch (i.protocol()) {
                case TCP -> "-t ";
                case UDP -> "-u ";
                case SCTP -> "--sctp-service ";
            } + Addresses.format(i.address(), i.port());
            case ServiceKey.FwMark f -> "-f " + Integer.toUnsignedString(f.mark())
                    + (f.family() == AddressFamily.INET6 ? " -6" : "");
        };
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
