package io.lvs.agent.node;

import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.fou.FouPort;
import io.lvs.agent.kernel.rtnl.FallbackTunnel;
import io.lvs.agent.kernel.rtnl.Link;
import io.lvs.agent.kernel.rtnl.TunnelPayload;
import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.model.NodeDesired.TunnelDecap;
import io.lvs.agent.state.Owned;
import io.lvs.agent.state.StateDirectory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Decapsulation on a Tunnel real server's node: the kernel's fallback tunnel device for each kind of tunnel up, and a
 * FOU port for each GUE port. A device that is down is brought up and one that does not exist is created (the kernel
 * loads its module, which makes the fallback device), each recorded in the state directory before it happens; when no
 * longer wanted, a device this agent brought up goes down, one it created is deleted (or taken down when the kernel
 * keeps it: a fallback device lives as long as its module, and this agent never unloads modules), and its FOU ports
 * close. A device or port that was already up or open is somebody else's and is never touched.
 *
 * <p>Two steps, like the sysctls: {@link #applyWanted} before the devices' sysctls are set (a sysctl of a missing device
 * cannot be read), {@link #removeUnwanted} after they have been restored and the VIP has left lo.
 */
final class TunnelReconciler {
    private final TunnelKernel kernel;
    private final StateDirectory state;

    TunnelReconciler(TunnelKernel kernel, StateDirectory state) {
        this.kernel = kernel;
        this.state = state;
    }

    /**
     * What one step did.
     *
     * @param ops      kernel changes made
     * @param drift    devices or ports of this agent found down, deleted or closed by someone else, and put back
     * @param byDecap  per wanted decapsulation, what keeps it from working (empty lists are left out)
     * @param problems every problem of the step, as sentences
     * @param absent   wanted devices that do not exist after the step (their sysctls cannot be set)
     */
    record Result(int ops, int drift, Map<TunnelDecap, List<String>> byDecap, List<String> problems,
                  Set<FallbackTunnel> absent) {
        Result {
            byDecap = Map.copyOf(byDecap);
            problems = List.copyOf(problems);
            absent = Set.copyOf(absent);
        }

        static Result none() {
            return new Result(0, 0, Map.of(), List.of(), Set.of());
        }

        /** The problems of the decapsulation one VirtualService needs, in a stable order, for its NodeReport. */
        List<String> problemsOf(Set<TunnelDecap> decaps) {
            List<String> out = new ArrayList<>();
            decaps.stream().sorted(Comparator.comparing(TunnelDecap::toString))
                    .forEach(d -> byDecap.getOrDefault(d, List.of()).stream().filter(p -> !out.contains(p)).forEach(out::add));
            return out;
        }
    }

    /** Brings up the devices and opens the FOU ports {@code wanted} needs. */
    Result applyWanted(Set<TunnelDecap> wanted) {
        Map<FallbackTunnel, String> deviceProblems = new LinkedHashMap<>();
        Map<Owned.FouPort, String> portProblems = new LinkedHashMap<>();
        Set<FallbackTunnel> absent = EnumSet.noneOf(FallbackTunnel.class);
        int ops = 0;
        int drift = 0;
        for (FallbackTunnel d : devices(wanted)) {
            try {
                Step s = bringUp(d);
                ops += s.ops();
                drift += s.drift();
                s.problem().ifPresent(p -> deviceProblems.put(d, p));
            } catch (KernelException e) {
                deviceProblems.put(d, cannotBringUp(d, e));
                if (stillAbsent(d)) {
                    absent.add(d);
                }
            }
        }
        Optional<String> ip6tnlMode = Optional.empty();
        if (wanted.stream().anyMatch(t -> t.device() == FallbackTunnel.IP6TNL0 && t.ipv4Inside())
                && !absent.contains(FallbackTunnel.IP6TNL0) && !deviceProblems.containsKey(FallbackTunnel.IP6TNL0)) {
            ip6tnlMode = ip6tnlCarriesOnlyIpv6();
        }
        Set<Owned.FouPort> ports = ports(wanted);
        if (!ports.isEmpty()) {
            List<FouPort> present = null;
            try {
                present = kernel.fouPorts();
            } catch (KernelException e) {
                for (Owned.FouPort p : ports) {
                    portProblems.put(p, p + " cannot be opened: " + e.getMessage());
                }
            }
            if (present != null) {
                for (Owned.FouPort p : ports) {
                    Step s = open(p, present);
                    ops += s.ops();
                    drift += s.drift();
                    s.problem().ifPresent(x -> portProblems.put(p, x));
                }
            }
        }
        Map<TunnelDecap, List<String>> byDecap = new LinkedHashMap<>();
        for (TunnelDecap t : wanted) {
            List<String> p = new ArrayList<>();
            Optional.ofNullable(deviceProblems.get(t.device())).ifPresent(p::add);
            if (t.needsFouPort()) {
                Optional.ofNullable(portProblems.get(port(t))).ifPresent(p::add);
            }
            if (t.device() == FallbackTunnel.IP6TNL0 && t.ipv4Inside()) {
                ip6tnlMode.ifPresent(p::add);
            }
            if (!p.isEmpty()) {
                byDecap.put(t, p);
            }
        }
        List<String> problems = new ArrayList<>(deviceProblems.values());
        problems.addAll(portProblems.values());
        ip6tnlMode.ifPresent(problems::add);
        return new Result(ops, drift, byDecap, problems, absent);
    }

    /**
     * Closes the FOU ports and takes down or deletes the devices this agent opened, brought up or created that
     * {@code wanted} no longer needs, and forgets them.
     */
    Result removeUnwanted(Set<TunnelDecap> wanted) {
        Owned owned = state.owned();
        List<String> problems = new ArrayList<>();
        int ops = 0;
        Set<Owned.FouPort> keepPorts = ports(wanted);
        List<Owned.FouPort> closing = owned.fouPorts().stream().filter(p -> !keepPorts.contains(p)).sorted().toList();
        if (!closing.isEmpty()) {
            ops += close(closing, problems);
        }
        Set<String> keepDevices = devices(wanted).stream().map(FallbackTunnel::device).collect(Collectors.toSet());
        for (String name : new TreeSet<>(state.owned().linksUp())) {
            if (keepDevices.contains(name)) {
                continue;
            }
            try {
                Optional<Link> l = kernel.link(name);
                if (l.isPresent() && l.get().isUp()) {
                    kernel.setUp(l.get(), false);
                    ops++;
                }
                state.save(state.owned().withLinkUp(name, false));
            } catch (KernelException e) {
                problems.add("taking " + name + " down again: " + e.getMessage());
            }
        }
        for (String name : new TreeSet<>(state.owned().linksCreated())) {
            if (keepDevices.contains(name)) {
                continue;
            }
            try {
                Optional<Link> l = kernel.link(name);
                if (l.isPresent()) {
                    kernel.delete(l.get());
                    ops++;
                    // A fallback device outlives a deletion (it goes with its module): leave it down, as it came.
                    Optional<Link> kept = kernel.link(name);
                    if (kept.isPresent() && kept.get().isUp()) {
                        kernel.setUp(kept.get(), false);
                        ops++;
                    }
                }
                state.save(state.owned().withLinkCreated(name, false));
            } catch (KernelException e) {
                problems.add("removing " + name + ": " + e.getMessage());
            }
        }
        return new Result(ops, 0, Map.of(), problems, Set.of());
    }

    /** What one device or port step did. */
    private record Step(int ops, int drift, Optional<String> problem) {
        static Step nothing() {
            return new Step(0, 0, Optional.empty());
        }

        static Step failed(String why) {
            return new Step(0, 0, Optional.of(why));
        }
    }

    private Step bringUp(FallbackTunnel d) {
        String name = d.device();
        Owned owned = state.owned();
        boolean ours = owned.linksUp().contains(name) || owned.linksCreated().contains(name);
        Optional<Link> link = kernel.link(name);
        if (link.isPresent()) {
            Link l = link.get();
            if (!l.kind().equals(Optional.of(d.kind()))) {
                return Step.failed("a link called " + name + " exists, but it is " + l.kind().map(k -> "a " + k + " link")
                        .orElse("a link of no kind") + ", not the " + d.kind() + " tunnel device: left alone, so "
                        + "tunnelled packets it should receive are dropped");
            }
            if (l.isUp()) {
                return Step.nothing(); // ours already, or somebody's doing just what we need
            }
            if (!ours) {
                state.save(owned.withLinkUp(name, true)); // before the kernel changes
            }
            kernel.setUp(l, true);
            return new Step(1, ours ? 1 : 0, Optional.empty());
        }
        boolean created = owned.linksCreated().contains(name);
        if (!created || owned.linksUp().contains(name)) {
            state.save(owned.withLinkCreated(name, true).withLinkUp(name, false)); // before the kernel changes
        }
        try {
            kernel.addUp(d);
        } catch (KernelException e) {
            if (!created && kernel.link(name).isEmpty()) {
                state.save(state.owned().withLinkCreated(name, false)); // nothing was made: nothing to own
            }
            throw e;
        }
        return new Step(1, created ? 1 : 0, Optional.empty());
    }

    private boolean stillAbsent(FallbackTunnel d) {
        try {
            return kernel.link(d.device()).isEmpty();
        } catch (KernelException e) {
            return true; // cannot tell: its sysctls would fail the same way
        }
    }

    private static String cannotBringUp(FallbackTunnel d, KernelException e) {
        String hint = e.is(Errno.EOPNOTSUPP)
                ? "; this kernel has no " + d.kind() + " tunnels: load the " + d.module() + " module (modprobe "
                + d.module() + ", and list it in /etc/modules-load.d/ to survive reboots) or use a kernel built with it"
                : "";
        return "the tunnel device " + d.device() + " (" + d.kind() + ") cannot be brought up: " + e.getMessage() + hint;
    }

    /** ip6tnl0 as its module makes it takes only IPv6 inside; IPv4 VIPs tunnelled over IPv6 need its mode "any". */
    private Optional<String> ip6tnlCarriesOnlyIpv6() {
        Optional<TunnelPayload> proto = kernel.tunnelProtocol(FallbackTunnel.IP6TNL0.device());
        if (proto.isPresent() && proto.get() == TunnelPayload.IPV6) {
            return Optional.of("ip6tnl0 takes only IPv6 inside (mode ip6ip6, as its module creates it), so IPv4 "
                    + "packets tunnelled to this node over IPv6 are dropped: set its mode to any (ip -6 tunnel change "
                    + "ip6tnl0 mode any); this agent does not change the mode of the kernel's fallback device");
        }
        return Optional.empty();
    }

    private Step open(Owned.FouPort p, List<FouPort> present) {
        List<FouPort> same = present.stream().filter(x -> x.port() == p.port() && x.ipv6() == p.ipv6()).toList();
        if (same.stream().anyMatch(FouPort::receivesGue)) {
            return Step.nothing(); // ours already, or somebody's that does just what we need
        }
        if (!same.isEmpty()) {
            return Step.failed(p + ": UDP port " + p.port() + " is already a " + same.getFirst() + " that this agent did "
                    + "not open, so GUE datagrams to it are not decapsulated; left alone");
        }
        boolean ours = state.owned().fouPorts().contains(p);
        if (!ours) {
            state.save(state.owned().withFouPort(p, true)); // before the kernel changes
        }
        try {
            kernel.openFou(FouPort.gue(p.port(), p.ipv6()));
        } catch (KernelException e) {
            if (!ours) {
                state.save(state.owned().withFouPort(p, false)); // nothing was opened: nothing to own
            }
            String why = e.is(Errno.EADDRINUSE) ? ": another socket on this node has UDP port " + p.port()
                    + " (" + (p.ipv6() ? "IPv6" : "IPv4") + "), so GUE datagrams to it cannot be decapsulated" : "";
            return Step.failed(p + " cannot be opened: " + e.getMessage() + why);
        }
        return new Step(1, ours ? 1 : 0, Optional.empty());
    }

    /** Closes ports of this agent that are open and forgets each; returns the ports closed. */
    private int close(List<Owned.FouPort> closing, List<String> problems) {
        List<FouPort> present;
        try {
            present = kernel.fouPorts();
        } catch (KernelException e) {
            if (e.is(Errno.ENOENT)) {
                // No fou module now: its ports went with it.
                closing.forEach(p -> state.save(state.owned().withFouPort(p, false)));
            } else {
                problems.add("listing FOU ports to close " + closing + ": " + e.getMessage());
            }
            return 0;
        }
        int ops = 0;
        for (Owned.FouPort p : closing) {
            try {
                boolean open = present.stream().anyMatch(x -> x.port() == p.port() && x.ipv6() == p.ipv6()
                        && x.receivesGue());
                if (open && kernel.closeFou(FouPort.gue(p.port(), p.ipv6()))) {
                    ops++;
                }
                state.save(state.owned().withFouPort(p, false));
            } catch (KernelException e) {
                problems.add("closing " + p + ": " + e.getMessage());
            }
        }
        return ops;
    }

    private static Set<FallbackTunnel> devices(Set<TunnelDecap> wanted) {
        Set<FallbackTunnel> out = EnumSet.noneOf(FallbackTunnel.class);
        wanted.forEach(t -> out.add(t.device()));
        return out;
    }

    private static Set<Owned.FouPort> ports(Set<TunnelDecap> wanted) {
        Set<Owned.FouPort> out = new TreeSet<>();
        wanted.stream().filter(TunnelDecap::needsFouPort).forEach(t -> out.add(port(t)));
        return out;
    }

    private static Owned.FouPort port(TunnelDecap t) {
        return new Owned.FouPort(t.guePort(), t.ipv6Outer());
    }
}
