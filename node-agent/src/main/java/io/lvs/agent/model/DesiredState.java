package io.lvs.agent.model;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.lvs.agent.kernel.InetText;
import io.lvs.agent.kernel.ipvs.AddressFamily;
import io.lvs.agent.kernel.ipvs.Destination;
import io.lvs.agent.kernel.ipvs.Persistence;
import io.lvs.agent.kernel.ipvs.Service;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.SyncDaemon;
import io.lvs.agent.kernel.ipvs.reconcile.DestinationRef;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsTable;
import io.lvs.agent.kernel.sysctl.ConfScope;
import io.lvs.agent.kernel.sysctl.Sysctl;
import io.lvs.agent.model.NodeDesired.Announce;
import io.lvs.agent.model.NodeDesired.DeviceVip;
import io.lvs.agent.model.NodeDesired.DirectorGroup;
import io.lvs.agent.model.NodeDesired.DirectorVip;
import io.lvs.agent.model.NodeDesired.Peer;
import io.lvs.agent.model.NodeDesired.ProbeSpec;
import io.lvs.agent.model.NodeDesired.SysctlWant;
import io.lvs.agent.model.NodeDesired.TunnelDecap;
import io.lvs.agent.model.NodeDesired.VsPlan;
import io.lvs.api.v1alpha1.ConnectionLimits;
import io.lvs.api.v1alpha1.ConnectionSyncSpec;
import io.lvs.api.v1alpha1.DirectorsSpec;
import io.lvs.api.v1alpha1.FailoverSpec;
import io.lvs.api.v1alpha1.ForwardingMethod;
import io.lvs.api.v1alpha1.GoDuration;
import io.lvs.api.v1alpha1.HealthCheckSpec;
import io.lvs.api.v1alpha1.HealthCheckType;
import io.lvs.api.v1alpha1.IpLiteral;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.ServicePort;
import io.lvs.api.v1alpha1.TunnelSpec;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.VirtualServiceSpec;
import io.lvs.api.v1alpha1.validation.RealServerValidator;
import io.lvs.api.v1alpha1.validation.VirtualServiceValidator;
import io.lvs.api.v1alpha1.rules.MemberCheck;
import io.lvs.api.v1alpha1.rules.Membership;
import io.lvs.api.v1alpha1.rules.NodeAddresses;
import io.lvs.api.v1alpha1.rules.Problem;
import io.lvs.api.v1alpha1.rules.Selectors;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Computes what this node must hold from a {@link Snapshot}. Each VirtualService is computed on its own: one that
 * cannot be served here yields a plan with problems (for its NodeReport) and contributes nothing half-made; it never
 * stops the others.
 *
 * <p>What is programmed is the <em>accepted</em> spec ({@code status.acceptedSpec}): an edit the operator refused
 * changes nothing; a VirtualService never accepted, or being deleted, is not served.
 */
public final class DesiredState {
    private DesiredState() {
    }

    /** The accepted spec of {@code vs}, or empty when nothing of it is to be served. */
    public static Optional<VirtualServiceSpec> acceptedSpec(VirtualService vs) {
        if (vs.getMetadata().getDeletionTimestamp() != null || vs.getStatus() == null
                || vs.getStatus().getAcceptedGeneration() == null) {
            return Optional.empty();
        }
        if (vs.getStatus().getAcceptedSpec() != null) {
            return Optional.of(vs.getStatus().getAcceptedSpec());
        }
        // An operator that does not record acceptedSpec yet: the spec is the accepted one only at that generation.
        return Objects.equals(vs.getStatus().getAcceptedGeneration(), vs.getMetadata().getGeneration())
                ? Optional.ofNullable(vs.getSpec()) : Optional.empty();
    }

    public static NodeDesired compute(Snapshot s) {
        Builder b = new Builder(s);
        List<VirtualService> ordered = new ArrayList<>(s.virtualServices());
        // Oldest first, so that if two ever claimed one IPVS service, the older keeps it (as the operator decides).
        ordered.sort(Comparator.comparing((VirtualService v) -> Objects.requireNonNullElse(
                v.getMetadata().getCreationTimestamp(), "")).thenComparing(VsRef::of));
        for (VirtualService vs : ordered) {
            Optional<VirtualServiceSpec> spec = acceptedSpec(vs);
            if (spec.isEmpty()) {
                continue;
            }
            try {
                b.add(vs, spec.get());
            } catch (RuntimeException e) {
                b.failed(vs, spec.get(), "the agent could not compute what to program: " + e);
            }
        }
        return b.build();
    }

    /** Collects one node's desired state, VirtualService by VirtualService. */
    private static final class Builder {
        private final Snapshot s;
        private final Optional<Node> self;
        private final IpvsTable.Builder ipvs = IpvsTable.builder();
        private final Map<ServiceKey, VsRef> serviceOwners = new HashMap<>();
        private final Map<InetAddress, DirectorVip> directorVips = new LinkedHashMap<>();
        private final Map<InetAddress, DirectorGroup> groups = new LinkedHashMap<>();
        private final List<SyncWant> syncWants = new ArrayList<>(); // VirtualServices that want the sync daemons here
        private final Set<InetAddress> loopback = new LinkedHashSet<>();
        private final Map<Sysctl, SysctlWant> sysctls = new LinkedHashMap<>();
        private final Set<TunnelDecap> tunnels = new LinkedHashSet<>();
        private final Set<DeviceVip> tunnelVips = new LinkedHashSet<>();
        private final List<ProbeSpec> probes = new ArrayList<>();
        private final Map<VsRef, VsPlan> plans = new TreeMap<>();
        private final MemberIndex index;

        Builder(Snapshot s) {
            this.s = s;
            this.self = s.self();
            this.index = new MemberIndex(s.realServers());
        }

        void failed(VirtualService vs, VirtualServiceSpec spec, String why) {
            failed(vs, spec, why, false, false);
        }

        /** A plan that serves nothing here, saying why; {@code director}/{@code realServer}: the part this node has. */
        void failed(VirtualService vs, VirtualServiceSpec spec, String why, boolean director, boolean realServer) {
            plans.put(VsRef.of(vs), new VsPlan(VsRef.of(vs), vs.getStatus().getAcceptedGeneration(),
                    IpLiteral.parse(spec.getVip()).orElse(InetAddress.getLoopbackAddress()), director, realServer && !director,
                    director ? spec.getDirectors().priorityOf(s.nodeName()) : 0, Optional.empty(),
                    Optional.empty(), Set.of(), Map.of(), List.of(why), List.of(), Map.of(), Set.of(), false, Set.of()));
        }

        void add(VirtualService vs, VirtualServiceSpec spec) {
            VsRef ref = VsRef.of(vs);
            long generation = vs.getStatus().getAcceptedGeneration();
            var violations = VirtualServiceValidator.validate(spec);
            if (!violations.isEmpty()) {
                failed(vs, spec, "the accepted spec does not validate: " + violations.getFirst());
                return;
            }
            InetAddress vip = IpLiteral.parse(spec.getVip()).orElseThrow();
            VirtualService view = withSpec(vs, spec);
            ForwardingMethod method = spec.getForwarding().getMethod();
            List<RealServer> members = Membership.members(view, index.candidates(view)).stream()
                    .filter(rs -> RealServerValidator.validate(rs.getSpec()).isEmpty() && MemberCheck.check(view, rs).isEmpty())
                    .toList();
            boolean director = self.isPresent()
                    && Selectors.matches(spec.getDirectors().getNodeSelector(), self.get().getMetadata().getLabels());
            List<RealServer> hosted = method == ForwardingMethod.DirectRouting || method == ForwardingMethod.Tunnel
                    ? members.stream().filter(rs -> NodeAddresses.hostOf(rs, s.nodes())
                    .filter(h -> h.exists() && h.nodeName().equals(s.nodeName())).isPresent()).toList()
                    : List.of();
            if (!director && hosted.isEmpty()) {
                return; // nothing of this VirtualService lives here
            }
            // The operator withdraws a VIP no pool allows; an agent checks too, so that a status written by anyone
            // else cannot make it take an address or change a node's ARP settings.
            Optional<Problem> refused = s.vips().check(vs.getMetadata().getNamespace(), spec.getVip());
            if (refused.isPresent()) {
                failed(vs, spec, "not served on this node: " + refused.get().message(), director, !hosted.isEmpty());
                return;
            }
            List<String> problems = new ArrayList<>();
            int priority = spec.getDirectors().priorityOf(s.nodeName());
            Optional<String> link = Optional.empty();
            Optional<String> vipNetwork = Optional.empty();
            Set<ServiceKey> owned = new LinkedHashSet<>();
            Map<String, List<String>> probeKeys = new TreeMap<>();
            Map<DestinationRef, String> realServers = new HashMap<>();
            Set<Sysctl> mine = new LinkedHashSet<>();
            boolean syncs = false;
            if (director) {
                Optional<NodeNetwork.LinkAddress> carrier = vipLink(spec, vip, problems);
                link = carrier.map(NodeNetwork.LinkAddress::link);
                vipNetwork = carrier.filter(c -> c.prefix().contains(vip)).map(c -> c.prefix().network());
                carrier.ifPresent(c -> {
                    directorVips.putIfAbsent(vip, new DirectorVip(vip, c.link(), announce(spec.getFailover())));
                    group(ref, spec, vip, c, priority);
                });
                if (method == ForwardingMethod.NAT) {
                    if (vip.getAddress().length == 4) {
                        want(SysctlWant.exactly(Sysctl.ipForward(), 1), mine);
                    } else {
                        want(SysctlWant.exactly(Sysctl.ipv6Forwarding(ConfScope.ALL), 1), mine);
                    }
                }
                if (method != ForwardingMethod.Local) {
                    ipvsFor(ref, spec, vip, members, owned, probeKeys, realServers, problems);
                    ConnectionSyncSpec sync = spec.getFailover().getConnectionSync();
                    if (sync != null && carrier.isPresent() && s.kernel().ipvsProblem().isEmpty()
                            && !Boolean.FALSE.equals(sync.getEnabled())) {
                        Optional<SyncWant> wish = SyncWant.of(ref, vip, carrier.get().link(), sync);
                        wish.ifPresentOrElse(syncWants::add,
                                () -> problems.add("connectionSync.group " + sync.getGroup() + " is not a multicast "
                                        + "address, so connections are not synced for this VirtualService"));
                        syncs = wish.isPresent();
                    }
                    if (method == ForwardingMethod.NAT && s.kernel().ipvsProblem().isEmpty()) {
                        want(SysctlWant.exactly(Sysctl.vsConntrack(), 1), mine);
                    }
                }
            }
            Set<TunnelDecap> decaps = Set.of();
            if (!hosted.isEmpty()) {
                if (director) {
                    problems.add("this node is a director of VIP " + InetText.of(vip) + " and also hosts its real server"
                            + (hosted.size() == 1 ? " " : "s ") + names(hosted) + "; a node cannot be both: the real-server "
                            + "part is not prepared here");
                } else {
                    decaps = realServerHost(spec, vip, hosted, problems, mine);
                }
            }
            plans.put(ref, new VsPlan(ref, generation, vip, director, !hosted.isEmpty() && !director, priority, link,
                    vipNetwork, owned, probeKeys, problems, List.of(), realServers, mine, syncs, decaps));
        }

        /** The link that carries the VIP on this director, or empty after recording why none does. */
        private Optional<NodeNetwork.LinkAddress> vipLink(VirtualServiceSpec spec, InetAddress vip, List<String> problems) {
            String named = spec.getDirectors().getInterfaceName();
            int family = vip.getAddress().length;
            if (named != null) {
                Optional<NodeNetwork.LinkInfo> l = s.network().link(named);
                if (l.isEmpty()) {
                    problems.add("spec.directors.interface " + named + " does not exist on this node");
                    return Optional.empty();
                }
                Optional<NodeNetwork.Prefix> local = l.get().addresses().stream()
                        .filter(p -> p.address().getAddress().length == family && !p.address().equals(vip))
                        .filter(p -> p.contains(vip)).findFirst()
                        .or(() -> l.get().addresses().stream().filter(p -> p.address().getAddress().length == family
                                && !p.address().equals(vip) && !p.address().isLinkLocalAddress()).findFirst());
                return Optional.of(new NodeNetwork.LinkAddress(named, local.orElse(new NodeNetwork.Prefix(vip,
                        family * 8))));
            }
            Optional<NodeNetwork.LinkAddress> bySubnet = s.network().linkForSubnetOf(vip);
            if (bySubnet.isPresent()) {
                return bySubnet;
            }
            // No address next to the VIP: the link of the node's own address of that family.
            for (InetAddress a : nodeAddresses(self.orElse(null), family)) {
                Optional<NodeNetwork.LinkAddress> holding = s.network().linkHolding(a);
                if (holding.isPresent() && !s.network().link(holding.get().link()).map(NodeNetwork.LinkInfo::loopback)
                        .orElse(false)) {
                    return holding;
                }
            }
            problems.add("no link of this node has an address in the subnet of VIP " + InetText.of(vip)
                    + ", nor the node's own IPv" + (family == 4 ? "4" : "6") + " address; set spec.directors.interface");
            return Optional.empty();
        }

        private void group(VsRef ref, VirtualServiceSpec spec, InetAddress vip, NodeNetwork.LinkAddress carrier, int priority) {
            boolean eligible = localServiceHealthy(ref, spec, vip);
            DirectorGroup existing = groups.get(vip);
            if (existing != null) {
                List<VsRef> vss = new ArrayList<>(existing.virtualServices());
                vss.add(ref);
                groups.put(vip, new DirectorGroup(existing.vip(), existing.link(), existing.localAddress(), existing.priority(),
                        existing.peers(), existing.advertInterval(), existing.preempt(), existing.preemptDelay(), vss,
                        existing.heldNow(), existing.eligible() && eligible));
                return;
            }
            int family = vip.getAddress().length;
            List<Peer> peers = new ArrayList<>();
            DirectorsSpec d = spec.getDirectors();
            for (Node n : s.nodes()) {
                String name = n.getMetadata().getName();
                if (!name.equals(s.nodeName()) && Selectors.matches(d.getNodeSelector(), n.getMetadata().getLabels())) {
                    peers.add(new Peer(name, d.priorityOf(name), nodeAddresses(n, family)));
                }
            }
            peers.sort(Comparator.comparing(Peer::node));
            FailoverSpec f = spec.getFailover();
            Optional<InetAddress> local = carrier.prefix().address().equals(vip) ? Optional.empty()
                    : Optional.of(carrier.prefix().address());
            boolean held = s.network().link(carrier.link()).map(l -> l.addresses().stream()
                    .anyMatch(p -> p.address().equals(vip))).orElse(false);
            groups.put(vip, new DirectorGroup(vip, carrier.link(), local, priority, peers, GoDuration.parse(f.getAdvertInterval()),
                    !Boolean.FALSE.equals(f.getPreempt()), GoDuration.parse(f.getPreemptDelay()), List.of(ref), held,
                    eligible));
        }

        /**
         * Local mode: the proxy on this director is probed with the VirtualService's health check on the loopback
         * address of the VIP's family (a proxy listening on all addresses answers there whether or not this node
         * holds the VIP), on the check's port or the first port. While it fails, this director may not be active.
         * Other modes, and check type None: always eligible.
         */
        private boolean localServiceHealthy(VsRef ref, VirtualServiceSpec spec, InetAddress vip) {
            HealthCheckSpec hc = spec.getHealthCheck();
            if (spec.getForwarding().getMethod() != ForwardingMethod.Local || hc == null
                    || hc.getType() == HealthCheckType.None) {
                return true;
            }
            int port = hc.getType() == HealthCheckType.ICMP ? 0
                    : hc.getPort() != null ? hc.getPort() : spec.getPorts().getFirst().getPort();
            InetAddress loopback = InetAddress.ofLiteral(vip.getAddress().length == 4 ? "127.0.0.1" : "::1");
            String key = "local/" + ref.namespace() + "/" + ref.name() + "/" + port;
            boolean startsUp = !Boolean.TRUE.equals(hc.getStartDown());
            if (initial.putIfAbsent(key, startsUp) == null) {
                probes.add(new ProbeSpec(key, ref, ref, loopback, port, hc, startsUp));
            }
            return s.health().healthy(key).orElse(startsUp);
        }

        private void ipvsFor(VsRef ref, VirtualServiceSpec spec, InetAddress vip, List<RealServer> members,
                             Set<ServiceKey> owned, Map<String, List<String>> probeKeys,
                             Map<DestinationRef, String> realServers, List<String> problems) {
            if (s.kernel().ipvsProblem().isPresent()) {
                problems.add(s.kernel().ipvsProblem().get());
                return;
            }
            io.lvs.agent.kernel.ipvs.Scheduler scheduler = ApiToKernel.scheduler(spec.getScheduler().getName());
            Optional<String> missing = s.kernel().schedulerProblem().apply(scheduler);
            if (missing.isPresent()) {
                problems.add(missing.get());
                return;
            }
            AddressFamily family = AddressFamily.of(vip);
            for (ServicePort p : spec.getPorts()) {
                ServiceKey key = new ServiceKey.Inet(ApiToKernel.protocol(p.getProtocol()), vip, p.getPort());
                VsRef holder = serviceOwners.get(key);
                if (holder != null) {
                    problems.add("IPVS service " + key + " is already programmed for VirtualService " + holder);
                    continue;
                }
                Service service = new Service(key, scheduler, ApiToKernel.flags(spec.getScheduler().getFlags()),
                        persistence(spec, family), Boolean.TRUE.equals(spec.getScheduler().getOnePacket()), Optional.empty());
                List<Destination> destinations = new ArrayList<>();
                for (RealServer rs : members) {
                    Destination d = destination(spec, rs, p);
                    String probe = probe(ref, spec, rs, d, key, probeKeys);
                    boolean healthy = probe == null || s.health().healthy(probe).orElse(initiallyHealthy(probe));
                    destinations.add(healthy ? d : d.withWeight(0));
                    realServers.putIfAbsent(new DestinationRef(key, d.key()), rs.getMetadata().getName());
                }
                ipvs.service(service, destinations);
                serviceOwners.put(key, ref);
                owned.add(key);
            }
        }

        private final Map<String, Boolean> initial = new HashMap<>();

        private boolean initiallyHealthy(String probeKey) {
            return initial.getOrDefault(probeKey, true);
        }

        /** Registers the probe for {@code rs} on {@code d}'s port; returns its key, or null for check type None. */
        private String probe(VsRef vs, VirtualServiceSpec spec, RealServer rs, Destination d, ServiceKey service,
                             Map<String, List<String>> probeKeys) {
            HealthCheckSpec hc = rs.getSpec().getHealthCheck() != null ? rs.getSpec().getHealthCheck() : spec.getHealthCheck();
            List<String> keys = probeKeys.computeIfAbsent(rs.getMetadata().getName(), k -> new ArrayList<>());
            if (hc == null || hc.getType() == HealthCheckType.None) {
                return null; // not probed: counts as healthy
            }
            int port = hc.getType() == HealthCheckType.ICMP ? 0 : hc.getPort() != null ? hc.getPort() : d.port();
            String key = rs.getMetadata().getNamespace() + "/" + rs.getMetadata().getName() + "/" + vs.name() + "/" + port;
            if (!keys.contains(key)) {
                keys.add(key);
                // A probe new to the monitor starts down with startDown, or when the kernel shows its destination
                // drained although its weight is not 0 (an agent restart adopts the previous agent's verdict).
                Optional<Destination> inKernel = s.observedIpvs().get(new DestinationRef(service, d.key()));
                boolean drained = inKernel.isPresent() && inKernel.get().weight() == 0 && d.weight() > 0;
                boolean startsUp = !Boolean.TRUE.equals(hc.getStartDown()) && !drained;
                initial.put(key, startsUp);
                probes.add(new ProbeSpec(key, VsRef.of(rs), vs, d.address(), port, hc, startsUp));
            }
            return key;
        }

        private static Destination destination(VirtualServiceSpec spec, RealServer rs, ServicePort p) {
            ForwardingMethod method = spec.getForwarding().getMethod();
            InetAddress address = IpLiteral.parse(rs.getSpec().getAddress()).orElseThrow();
            int port = method == ForwardingMethod.NAT && rs.getSpec().getPort() != null ? rs.getSpec().getPort() : p.getPort();
            Destination d = Destination.of(address, port, ApiToKernel.forwarding(method));
            if (method == ForwardingMethod.Tunnel) {
                d = d.withTunnel(ApiToKernel.tunnel(spec.getForwarding().effectiveTunnel()));
            }
            d = d.withWeight(rs.getSpec().getWeight() == null ? 1 : rs.getSpec().getWeight());
            ConnectionLimits limits = rs.getSpec().getConnectionLimits();
            if (limits != null && limits.getUpper() != null && limits.getUpper() > 0) {
                int upper = limits.getUpper();
                int lower = limits.getLower() != null ? limits.getLower() : upper * 3 / 4;
                d = d.withThresholds(upper, Math.min(lower, upper));
            }
            return d;
        }

        private static Optional<Persistence> persistence(VirtualServiceSpec spec, AddressFamily family) {
            if (spec.getPersistence() == null) {
                return Optional.empty();
            }
            Duration timeout = GoDuration.parse(spec.getPersistence().getTimeout());
            int bits = spec.getPersistence().getPrefixLength() != null ? spec.getPersistence().getPrefixLength()
                    : family.addressBytes() * 8;
            return Optional.of(new Persistence(Duration.ofSeconds(Math.max(1, timeout.toSeconds())), bits));
        }

        /** Prepares this node for its real servers of one VirtualService; returns the decapsulation they need. */
        private Set<TunnelDecap> realServerHost(VirtualServiceSpec spec, InetAddress vip, List<RealServer> hosted,
                                                List<String> problems, Set<Sysctl> mine) {
            Set<TunnelDecap> decaps = new LinkedHashSet<>();
            loopback.add(vip);
            boolean ipv4Vip = vip.getAddress().length == 4;
            for (RealServer rs : hosted) {
                InetAddress address = IpLiteral.parse(rs.getSpec().getAddress()).orElseThrow();
                Optional<NodeNetwork.LinkAddress> link = s.network().linkHolding(address);
                if (link.isEmpty()) {
                    problems.add("RealServer " + rs.getMetadata().getName() + ": address " + rs.getSpec().getAddress()
                            + " is on no link of this node, so ARP is silenced on all links");
                }
                if (ipv4Vip) {
                    // IPv4 only: IPv6 answers neighbour solicitations only for addresses on the receiving link.
                    ConfScope scope = link.map(l -> ConfScope.of(l.link())).orElse(ConfScope.ALL);
                    want(SysctlWant.exactly(Sysctl.arpIgnore(scope), 1), mine);
                    want(SysctlWant.exactly(Sysctl.arpAnnounce(scope), 2), mine);
                }
                if (spec.getForwarding().getMethod() == ForwardingMethod.Tunnel) {
                    TunnelSpec t = spec.getForwarding().effectiveTunnel();
                    boolean v6Outer = address.getAddress().length == 16;
                    TunnelDecap decap = ApiToKernel.decap(t, v6Outer, !ipv4Vip);
                    tunnels.add(decap);
                    decaps.add(decap);
                    if (decap.ipv4Inside()) {
                        // Decapsulated packets arrive on the tunnel device with the client as source, routed back
                        // through another link: strict reverse-path filtering drops them, and so does any filtering
                        // on a device without an IPv4 address; with the VIP on it, loose lets them through.
                        tunnelVips.add(new DeviceVip(decap.device().device(), vip));
                        want(SysctlWant.looseReversePath(decap.device().device()), mine);
                    }
                }
            }
            return decaps;
        }

        /** Wants {@code w} on this node, for the VirtualService whose parameters are {@code mine}. */
        private void want(SysctlWant w, Set<Sysctl> mine) {
            mine.add(w.key());
            SysctlWant before = sysctls.get(w.key());
            if (before == null) {
                sysctls.put(w.key(), w);
            } else if (before.mode() != SysctlWant.Mode.EXACTLY && w.mode() == SysctlWant.Mode.EXACTLY) {
                sysctls.put(w.key(), w); // an exact value wins
            }
        }

        NodeDesired build() {
            return new NodeDesired(ipvs.build(), directorVips, loopback, List.copyOf(sysctls.values()), tunnels, tunnelVips,
                    probes,
                    List.copyOf(groups.values()), plans, syncDaemons());
        }

        /**
         * A master and a backup, sync id 0 (a backup with 0 takes any master's), on the link of the lowest VIP that
         * wants them, with that VirtualService's group, port and TTL: the kernel runs one of each per node and syncs
         * every connection through it, whatever its VIP. A VirtualService that asks for other settings is told which
         * ones this node runs and why.
         */
        private List<SyncDaemon> syncDaemons() {
            Optional<SyncWant> chosen = syncWants.stream().min(Comparator
                    .comparing((SyncWant w) -> w.vip().getAddress().length)
                    .thenComparing(w -> w.vip().getAddress(), java.util.Arrays::compareUnsigned)
                    .thenComparing(SyncWant::ref));
            if (chosen.isEmpty()) {
                return List.of();
            }
            SyncWant c = chosen.get();
            for (SyncWant w : syncWants) {
                if (!w.sameSettings(c)) {
                    plans.computeIfPresent(w.ref(), (ref, plan) -> plan.withNote("connection sync on this node runs with "
                            + c.settings() + " (from " + c.ref() + ", the lowest VIP here), not the " + w.settings()
                            + " this VirtualService asks for: a node has one sync daemon, so give every VirtualService "
                            + "whose directors share a node the same connectionSync group, port and ttl"));
                }
            }
            return List.of(SyncDaemon.master(c.link(), 0).withMulticast(c.group(), c.port(), c.ttl()),
                    SyncDaemon.backup(c.link(), 0).withMulticast(c.group(), c.port(), c.ttl()));
        }
    }

    /** A VirtualService's wish for the node's connection-sync daemons. */
    private record SyncWant(VsRef ref, InetAddress vip, String link, InetAddress group, int port, int ttl) {
        /** The wish, or empty for a group that is no multicast address (validation refuses it; never trusted here). */
        static Optional<SyncWant> of(VsRef ref, InetAddress vip, String link, ConnectionSyncSpec spec) {
            return IpLiteral.parse(spec.getGroup() == null ? ConnectionSyncSpec.DEFAULT_GROUP : spec.getGroup())
                    .filter(InetAddress::isMulticastAddress)
                    .map(group -> new SyncWant(ref, vip, link, group,
                            Objects.requireNonNullElse(spec.getPort(), ConnectionSyncSpec.DEFAULT_PORT),
                            Objects.requireNonNullElse(spec.getTtl(), ConnectionSyncSpec.DEFAULT_TTL)));
        }

        boolean sameSettings(SyncWant o) {
            return group.equals(o.group) && port == o.port && ttl == o.ttl;
        }

        String settings() {
            return "group " + InetText.of(group) + " port " + port + " ttl " + ttl;
        }
    }

    private static Announce announce(FailoverSpec f) {
        var g = f.getGratuitousArp();
        return new Announce(g.getBurst() == null ? 5 : g.getBurst(), GoDuration.parse(g.getRepeatDelay()),
                GoDuration.parse(g.getRefreshInterval()));
    }

    /** The node's InternalIP (then ExternalIP) addresses of one family (4 or 16 bytes). */
    static List<InetAddress> nodeAddresses(Node n, int familyBytes) {
        List<InetAddress> out = new ArrayList<>();
        if (n == null || n.getStatus() == null || n.getStatus().getAddresses() == null) {
            return out;
        }
        for (String type : List.of("InternalIP", "ExternalIP")) {
            for (NodeAddress a : n.getStatus().getAddresses()) {
                if (type.equals(a.getType())) {
                    IpLiteral.parse(a.getAddress()).filter(x -> x.getAddress().length == familyBytes && !out.contains(x))
                            .ifPresent(out::add);
                }
            }
        }
        return out;
    }

    private static VirtualService withSpec(VirtualService vs, VirtualServiceSpec spec) {
        VirtualService view = new VirtualService();
        view.setMetadata(vs.getMetadata());
        view.setSpec(spec);
        view.setStatus(vs.getStatus());
        return view;
    }

    private static String names(List<RealServer> rss) {
        return String.join(", ", rss.stream().map(r -> r.getMetadata().getName()).toList());
    }
}
