package io.lvs.agent.node;

import io.lvs.agent.kernel.InetText;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsTable;
import io.lvs.agent.kernel.rtnl.AddressWatcher;
import io.lvs.agent.kernel.rtnl.InterfaceAddress;
import io.lvs.agent.kernel.rtnl.Link;
import io.lvs.agent.model.DesiredState;
import io.lvs.agent.model.KernelSupport;
import io.lvs.agent.model.NodeDesired;
import io.lvs.agent.kernel.rtnl.FallbackTunnel;
import io.lvs.agent.model.NodeDesired.DeviceVip;
import io.lvs.agent.model.NodeDesired.DirectorVip;
import io.lvs.agent.model.NodeDesired.SysctlWant;
import io.lvs.agent.model.NodeDesired.TunnelDecap;
import io.lvs.agent.model.NodeDesired.VsPlan;
import io.lvs.agent.model.NodeNetwork;
import io.lvs.agent.model.Snapshot;
import io.lvs.agent.model.VsRef;
import io.lvs.agent.state.Owned.OwnedAddress;
import io.lvs.agent.state.StateDirectory;
import io.lvs.api.v1alpha1.IpLiteral;
import io.lvs.api.v1alpha1.NodeReportStatus;
import io.lvs.api.v1alpha1.ServicePort;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.VirtualServiceSpec;
import io.lvs.api.v1alpha1.rules.VipPolicy;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent's control loop: one thread, one coalescing queue. Anything that may change what this node must hold
 * (an object, a health verdict, an election role, a kernel change, the resync timer) asks for a pass; requests that
 * arrive while a pass runs are served by the next one. A role change is served first by a VIP-only step from the
 * last desired state (a takeover moves the VIP at once, without recomputing anything), then by a full pass.
 *
 * <p>A full pass: snapshot → desired state (pure) → election configured → tunnel devices up and FOU ports open (their
 * sysctls need them) → sysctls set → IPVS reconciled → sync daemons → addresses reconciled → sysctls no longer wanted
 * restored → tunnel devices and FOU ports no longer wanted given back → probes handed to the health monitor →
 * NodeReports published. Each step fails on its own: a refused IPVS operation does not keep a VIP off its link. Nothing is done before the
 * informers have synced: an empty cache would otherwise look like "delete everything".
 */
public final class ControlLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlLoop.class);
    /** Repairs in this window that make the agent say someone keeps changing what it programs. */
    private static final Duration DRIFT_WINDOW = Duration.ofMinutes(10);
    private static final int DRIFT_WARN = 3;

    /**
     * @param resync       the longest time between passes: the bound on how long drift (an IPVS entry or an address
     *                     removed by hand) stays unrepaired
     * @param drainTimeout the longest a leaving real server drains before it is deleted
     * @param ipvsFullRead how often every IPVS service is dumped whole (see {@code TableReader}); the other passes read
     *                     {@code /proc/net/ip_vs} and dump only the services that differ
     */
    public record Options(Duration resync, Duration drainTimeout, Duration ipvsFullRead) {
        public static Options defaults() {
            return new Options(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(30));
        }
    }

    /**
     * What the last full pass found, for readiness, metrics and tests.
     *
     * @param synced    the pass ran on synced caches (false: it waited for them and did nothing)
     * @param converged the kernel was left as desired: no problem at all
     * @param problems  everything that was not as desired, per VirtualService ones included (those are in the
     *                  NodeReports too)
     * @param failures  what kept the pass from doing its work as a whole: a step that failed outright (the kernel could
     *                  not be read or written, the state directory could not be saved) or the pass itself; a subset of
     *                  {@code problems}
     */
    public record PassStatus(long pass, Instant finished, Duration took, boolean synced, boolean converged,
                             int kernelOps, List<String> problems, List<String> failures) {
        public PassStatus {
            problems = List.copyOf(problems);
            failures = List.copyOf(failures);
        }

        static PassStatus initial() {
            return new PassStatus(0, Instant.EPOCH, Duration.ZERO, false, false, 0, List.of("no pass has run yet"), List.of());
        }
    }

    private final String nodeName;
    private final NodeKernel kernel;
    private final StateDirectory state;
    private final ObjectSource objects;
    private final HealthChecks health;
    private final ActiveDirectors election;
    private final ReportSink reports;
    private final Clock clock;
    private final Options options;
    private final SysctlReconciler sysctls;
    private final SyncReconciler syncs;
    private final AddressReconciler addresses;
    private final TunnelReconciler tunnels;
    private final IpvsReconciler ipvs;
    private final Announcements announcements;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean fullRequested = true;
    /** When the oldest change not yet served by a pass arrived (null: none waiting). */
    private Instant firstRequest;
    /** An input of desired state other than the objects changed (a verdict, a role) since it was last computed. */
    private volatile boolean modelDirty = true;
    /** The objects' version desired state was last computed at ({@link ObjectSource#version()}). */
    private long computedAtVersion = Long.MIN_VALUE;
    private NodeNetwork lastNetwork;
    private Optional<String> lastIpvsProblem;
    private boolean vipsRequested;
    /** When the last full pass started ({@link System#nanoTime()}). */
    private long lastFullNanos = System.nanoTime() - Long.MAX_VALUE / 2;
    private volatile boolean running;
    private Thread thread;
    private volatile PassStatus status = PassStatus.initial();
    /** The IPVS counters of this agent's entries as the last pass read them (published once per pass). */
    private volatile IpvsMetrics.Snapshot ipvsStats = IpvsMetrics.Snapshot.EMPTY;
    private NodeDesired lastDesired = NodeDesired.nothing();
    /** Whether a full pass has computed the desired state from synced caches (before that, nothing is known). */
    private boolean desiredKnown;
    private boolean briefWarned;
    private IpvsTable lastObserved;
    private final Map<InetAddress, Long> announced = new HashMap<>(); // VIP -> the announce epoch announced
    private final Deque<Instant> ipvsDrift = new ArrayDeque<>();
    private final Deque<Instant> otherDrift = new ArrayDeque<>();
    private final AgentCounters counters = new AgentCounters();
    private AddressWatcher watcher;
    /** The VIPs of the last desired state (on links and on lo): the addresses whose notifications matter. */
    private volatile Set<InetAddress> managedVips = Set.of();
    /** The steps of the current pass that failed as a whole (see {@link PassStatus#failures()}). */
    private final List<String> passFailures = new ArrayList<>();
    /** How long each step of the current pass took, in milliseconds. */
    private final Map<String, Long> stepMillis = new LinkedHashMap<>();

    public ControlLoop(String nodeName, NodeKernel kernel, StateDirectory state, ObjectSource objects, HealthChecks health,
                       ActiveDirectors election, ReportSink reports, Clock clock, Options options) {
        this.nodeName = nodeName;
        this.kernel = kernel;
        this.state = state;
        this.objects = objects;
        this.health = health;
        this.election = election;
        this.reports = reports;
        this.clock = clock;
        this.options = options;
        this.sysctls = new SysctlReconciler(kernel.sysctls(), state);
        this.syncs = new SyncReconciler(state);
        this.addresses = new AddressReconciler(kernel.rtnl(), state);
        this.tunnels = new TunnelReconciler(TunnelKernel.of(kernel), state);
        this.ipvs = new IpvsReconciler(state, options.drainTimeout(), options.ipvsFullRead());
        this.announcements = new Announcements(kernel::announcer, kernel.rtnl());
        objects.onChange(this::objectsChanged);
        health.onChange(this::request);
        election.onChange(this::roleChanged);
    }

    /** Starts the loop's thread, and the watch on this node's addresses that repairs a VIP removed by hand at once. */
    public synchronized void start() {
        running = true;
        try {
            watcher = kernel.watchAddresses(this::addressChanged);
        } catch (RuntimeException e) {
            LOG.warn("cannot follow address changes (rtnetlink notifications): {}; an address removed by hand is "
                    + "repaired by the next resync instead", e.getMessage());
        }
        thread = Thread.ofPlatform().name("lvs-control-loop").daemon().start(this::run);
    }

    /**
     * An address notification: when it concerns a VIP of the last desired state (removed by hand, added by someone
     * else, or the echo of the loop's own change), the addresses are reconciled at once, without a full pass.
     */
    private void addressChanged(AddressWatcher.AddressEvent event) {
        counters.addressNotifications.incrementAndGet();
        boolean relevant = switch (event) {
            case AddressWatcher.AddressEvent.AddressAdded a -> managedVips.contains(a.address().address());
            case AddressWatcher.AddressEvent.AddressRemoved r -> managedVips.contains(r.address().address());
            case AddressWatcher.AddressEvent.Lost l -> true;
        };
        if (!relevant) {
            return;
        }
        lock.lock();
        try {
            vipsRequested = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Asks for a full pass soon. */
    public void request() {
        modelDirty = true;
        objectsChanged();
    }

    /**
     * Objects changed: a full pass soon, which recomputes desired state if the caches' version moved (events that
     * change nothing stored, such as the initial list's adds delivered after the sync, cost no recomputation).
     */
    private void objectsChanged() {
        lock.lock();
        try {
            if (firstRequest == null) {
                firstRequest = clock.instant();
            }
            fullRequested = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    private void roleChanged() {
        modelDirty = true;
        lock.lock();
        try {
            if (firstRequest == null) {
                firstRequest = clock.instant();
            }
            vipsRequested = true;
            fullRequested = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /** What the last full pass found. */
    public PassStatus status() {
        return status;
    }

    /** What the last read of the IPVS table cost (services, destination dumps, bytes of /proc/net/ip_vs). */
    public io.lvs.agent.kernel.ipvs.reconcile.TableReader.Cost ipvsReadCost() {
        return ipvs.lastRead();
    }

    /** The IPVS counters per VirtualService and RealServer, as the last pass read them from the kernel. */
    public IpvsMetrics.Snapshot ipvsStats() {
        return ipvsStats;
    }

    /** The counters the loop keeps (passes, kernel operations, drift repairs, announcements). */
    public AgentCounters counters() {
        counters.announcementsSent.set(announcements.sent());
        return counters;
    }

    /** Whether the loop's thread is alive and has finished a pass recently (liveness). */
    public boolean alive() {
        Thread t = thread;
        return running && t != null && t.isAlive();
    }

    private void run() {
        while (running) {
            boolean full;
            boolean vips;
            Instant served;
            lock.lock();
            try {
                if (!fullRequested && !vipsRequested) {
                    wake.awaitNanos(options.resync().toNanos());
                }
                if (System.nanoTime() - lastFullNanos >= options.resync().toNanos()) {
                    fullRequested = true; // the resync timer: look at the kernel again even if nothing was asked
                }
                full = fullRequested;
                vips = vipsRequested;
                served = firstRequest;
                firstRequest = null;
                fullRequested = false;
                vipsRequested = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                // before the first full pass nothing is known: a VIP step would take down what a previous agent held
                if (vips && desiredKnown) {
                    AddressReconciler.Result r = vipStep(lastDesired, new ArrayList<>());
                    if (r.drift() > 0 && !full) {
                        full = true; // a repair: the reports and the drift warning are a full pass's to publish
                    }
                }
                if (full) {
                    lastFullNanos = System.nanoTime();
                    fullPass();
                    if (served != null && status.synced()) {
                        counters.programmingLatency.record(Duration.between(served, clock.instant()));
                    }
                }
            } catch (RuntimeException | Error e) {
                counters.passErrors.incrementAndGet();
                LOG.error("a pass of the control loop failed; the next one retries", e);
                List<String> failed = List.of("the last pass failed: " + e);
                status = new PassStatus(status.pass(), clock.instant(), Duration.ZERO, status.synced(), false, 0, failed,
                        failed);
            }
        }
    }

    private void fullPass() {
        Instant started = clock.instant();
        long n = counters.passes.incrementAndGet();
        if (!objects.synced()) {
            status = new PassStatus(n, clock.instant(), Duration.ZERO, false, false, 0,
                    List.of("waiting for the Kubernetes caches to sync"), List.of());
            return;
        }
        passFailures.clear();
        stepMillis.clear();
        List<String> problems = new ArrayList<>(state.problems());
        NodeNetwork network = readNetwork();
        KernelSupport support = kernel.support();
        if (lastObserved == null) {
            lastObserved = kernel.ipvs().map(i -> ipvs.read(i, clock.instant()).table()).orElse(IpvsTable.empty());
        }
        NodeDesired desired;
        long version = objects.version(); // read before the snapshot: a change after it is computed next time
        if (modelDirty || version != computedAtVersion || !network.equals(lastNetwork)
                || !support.ipvsProblem().equals(lastIpvsProblem)) {
            modelDirty = false; // a change arriving from now on marks it again
            computedAtVersion = version;
            Snapshot snap = new Snapshot(nodeName, objects.virtualServices(), objects.realServers(), objects.nodes(),
                    network, support, key -> health.verdict(key).map(HealthChecks.Verdict::healthy), lastObserved,
                    VipPolicy.of(objects.vipPools(), objects::namespaceLabels));
            long t0 = System.nanoTime();
            desired = DesiredState.compute(snap);
            stepMillis.put("computing the desired state", (System.nanoTime() - t0) / 1_000_000);
            counters.desiredComputations.incrementAndGet();
        } else {
            desired = lastDesired; // a resync: only the kernel is looked at again
        }
        lastNetwork = network;
        lastIpvsProblem = support.ipvsProblem();
        election.configure(desired.directorGroups());
        int ops = 0;

        TunnelReconciler.Result decap = step("preparing tunnel devices", problems,
                () -> tunnels.applyWanted(desired.tunnels()), TunnelReconciler.Result.none());
        problems.addAll(decap.problems());
        ops += decap.ops();
        countDrift(otherDrift, decap.drift());
        absentTunnels = decap.absent();
        // A device that could not be brought into being has no sysctls to set: its own problem says why.
        List<SysctlWant> sysctlWants = desired.sysctls().stream()
                .filter(w -> decap.absent().stream().noneMatch(d -> w.key().equals(
                        SysctlWant.looseReversePath(d.device()).key())))
                .toList();

        SysctlReconciler.Result set = step("setting sysctls", problems, () -> sysctls.applyWanted(sysctlWants),
                SysctlReconciler.Result.none());
        set.failures().forEach((k, v) -> problems.add(v));
        ops += set.written();
        countDrift(otherDrift, set.drift());

        IpvsReconciler.Result ipvsResult = step("reconciling IPVS", problems,
                () -> ipvs.apply(kernel.ipvs(), desired.ipvs(), clock.instant()), IpvsReconciler.Result.unavailable());
        lastObserved = ipvsResult.observed().table();
        IpvsMetrics.Snapshot previousStats = ipvsStats;
        ipvsStats = step("naming IPVS counters", problems,
                () -> IpvsMetrics.snapshot(desired, ipvsResult.observed(), state.ledger(), previousStats),
                IpvsMetrics.Snapshot.EMPTY);
        ops += ipvsResult.ops();
        counters.ipvsOps.addAndGet(ipvsResult.ops());
        countDrift(ipvsDrift, ipvsResult.drift());
        ipvs.lastRead().briefProblem().ifPresent(why -> {
            if (!briefWarned) {
                briefWarned = true;
                LOG.warn("reading /proc/net/ip_vs failed ({}): every IPVS service is dumped whole each pass", why);
            }
        });
        ipvsResult.conflicts().forEach(c -> problems.add("left alone: " + c));

        SyncReconciler.Result sync = step("reconciling IPVS sync daemons", problems,
                () -> syncs.apply(kernel.ipvs(), desired.syncDaemons()), SyncReconciler.Result.none());
        problems.addAll(sync.problems());
        ops += sync.ops();
        countDrift(ipvsDrift, sync.drift());

        AddressReconciler.Result addr = vipStep(desired, problems);
        ops += addr.added().size() + addr.removed().size();

        SysctlReconciler.Result restored = step("restoring sysctls", problems,
                () -> sysctls.restoreUnwanted(sysctlWants), SysctlReconciler.Result.none());
        restored.failures().forEach((k, v) -> problems.add(v));
        ops += restored.written();
        counters.sysctlWrites.addAndGet(set.written() + restored.written());

        // After the VIP has left lo and the devices' sysctls are restored: what is given back must be as it was.
        TunnelReconciler.Result undecap = step("removing tunnel devices no longer needed", problems,
                () -> tunnels.removeUnwanted(desired.tunnels()), TunnelReconciler.Result.none());
        problems.addAll(undecap.problems());
        ops += undecap.ops();

        step("updating health checks", problems, () -> {
            health.update(desired.probes());
            return null;
        }, null);

        List<String> driftWarnings = driftWarnings();
        // what keeps a Tunnel real server's decapsulation from working: the device and FOU port, and the VIP on the
        // device (its rp_filter is among the plan's sysctls, reported with them)
        Function<VsPlan, List<String>> tunnelProblems = plan -> {
            List<String> p = new ArrayList<>(decap.problemsOf(plan.tunnels()));
            plan.tunnels().stream().filter(TunnelDecap::ipv4Inside).map(d -> d.device().device()).distinct().forEach(d -> {
                OwnedAddress a = AddressReconciler.host(d, plan.vip());
                Optional.ofNullable(addr.failures().get(a)).ifPresent(why -> p.add("address " + AddressReconciler.describe(a)
                        + ": " + why));
            });
            return p;
        };
        long reportsStarted = System.nanoTime();
        Map<VsRef, NodeReportStatus> out = reports(desired, set, ipvsResult, sync, addr, driftWarnings, tunnelProblems);
        stepMillis.put("building NodeReports", (System.nanoTime() - reportsStarted) / 1_000_000);
        step("publishing NodeReports", problems, () -> {
            reports.publish(out);
            return null;
        }, null);
        lastDesired = desired;
        desiredKnown = true;
        Set<InetAddress> vips = new HashSet<>(desired.loopbackVips());
        desired.directorVips().values().forEach(dv -> vips.add(dv.vip()));
        desired.tunnelVips().forEach(tv -> vips.add(tv.vip()));
        managedVips = Set.copyOf(vips);
        counters.kernelOps.addAndGet(ops);
        boolean converged = problems.isEmpty() && ipvsResult.failures().isEmpty() && addr.failures().isEmpty();
        Duration took = Duration.between(started, clock.instant());
        counters.passDuration.record(took);
        if (ops > 0) {
            LOG.info("pass {} changed the kernel in {} ms: {} IPVS operation(s), {} address change(s), {} sysctl write(s) "
                    + "(slowest steps: {})", n, took.toMillis(), ipvsResult.ops(), addr.added().size()
                    + addr.removed().size(), set.written() + restored.written(), slowestSteps());
        } else if (took.compareTo(Duration.ofSeconds(1)) > 0) {
            LOG.info("pass {} took {} ms (slowest steps: {})", n, took.toMillis(), slowestSteps());
        }
        status = new PassStatus(n, clock.instant(), took, true, converged, ops, problems, passFailures);
    }

    /** Puts director VIPs where the election says and VIPs on lo, and announces the ones this node just took. */
    private AddressReconciler.Result vipStep(NodeDesired desired, List<String> problems) {
        Set<OwnedAddress> wanted = new HashSet<>();
        String lo = "lo";
        for (InetAddress v : desired.loopbackVips()) {
            wanted.add(AddressReconciler.host(lo, v));
        }
        for (DeviceVip dv : desired.tunnelVips()) {
            // A device that could not be brought into being cannot hold an address: its own problem says why.
            if (FallbackTunnel.ofDevice(dv.device()).filter(absentTunnels::contains).isEmpty()) {
                wanted.add(AddressReconciler.host(dv.device(), dv.vip()));
            }
        }
        Map<InetAddress, DirectorVip> active = new HashMap<>();
        for (DirectorVip dv : desired.directorVips().values()) {
            if (election.role(dv.vip()) == ActiveDirectors.Role.ACTIVE) {
                wanted.add(AddressReconciler.host(dv.link(), dv.vip()));
                active.put(dv.vip(), dv);
            }
        }
        AddressReconciler.Result r = step("reconciling addresses", problems, () -> addresses.apply(wanted),
                new AddressReconciler.Result(List.of(), List.of(), 0, Set.of(), Map.of()));
        countDrift(otherDrift, r.drift());
        r.failures().forEach((a, why) -> problems.add("address " + AddressReconciler.describe(a) + ": " + why));
        for (Map.Entry<InetAddress, DirectorVip> e : active.entrySet()) {
            boolean held = r.present().contains(AddressReconciler.host(e.getValue().link(), e.getKey()));
            long epoch = election.announceEpoch(e.getKey());
            Long before = announced.get(e.getKey());
            if (held && (before == null || before != epoch)) {
                announced.put(e.getKey(), epoch);
                announcements.acquired(e.getKey(), e.getValue().link(), e.getValue().announce());
                LOG.info("VIP {} is now held on {} and announced", InetText.of(e.getKey()), e.getValue().link());
            }
        }
        for (InetAddress v : new ArrayList<>(announced.keySet())) {
            if (!active.containsKey(v)) {
                announced.remove(v);
                announcements.released(v);
                LOG.info("VIP {} released", InetText.of(v));
            }
        }
        heldVips = active.keySet().stream().filter(v -> r.present().contains(AddressReconciler.host(active.get(v).link(), v)))
                .collect(java.util.stream.Collectors.toSet());
        loopbackHeld = desired.loopbackVips().stream().filter(v -> r.present().contains(AddressReconciler.host(lo, v)))
                .collect(java.util.stream.Collectors.toSet());
        return r;
    }

    private volatile Set<InetAddress> heldVips = Set.of();
    /** Wanted tunnel devices the last full pass could not bring into being. */
    private Set<FallbackTunnel> absentTunnels = Set.of();

    /** The director VIPs this node held on their links after the last pass. */
    public Set<InetAddress> heldVips() {
        return heldVips;
    }
    private Set<InetAddress> loopbackHeld = Set.of();

    /** Each VirtualService's report: what this pass did and could not do for it, and what concerns every one here. */
    private Map<VsRef, NodeReportStatus> reports(NodeDesired desired, SysctlReconciler.Result sysctlResult,
                                                 IpvsReconciler.Result ipvsResult, SyncReconciler.Result sync,
                                                 AddressReconciler.Result addr, List<String> driftWarnings,
                                                 Function<VsPlan, List<String>> tunnelProblems) {
        Map<String, Boolean> initial = new HashMap<>();
        desired.probes().forEach(p -> initial.put(p.key(), p.initiallyHealthy()));
        List<String> shared = new ArrayList<>(passFailures);
        shared.addAll(state.problems());
        Map<ServiceKey, VsRef> formerOwners = new HashMap<>();
        ipvsStats.services().forEach(sample -> formerOwners.put(sample.service(), sample.virtualService()));
        ReportBuilder.Shortfalls shortfalls = new ReportBuilder.Shortfalls(ipvsResult.failures(),
                ipvsResult.conflicts().stream().filter(c -> desired.ipvs().contains(c.service())).toList(),
                ipvsResult.conflicts().stream().filter(c -> !desired.ipvs().contains(c.service())).toList(),
                formerOwners, sysctlResult.failures(), addr.failures(), sync.problems());
        ReportBuilder.Observed o = new ReportBuilder.Observed(election::role, election::activeSince, heldVips, loopbackHeld,
                shortfalls, shared, driftWarnings, health::verdict, initial, nodeName, tunnelProblems);
        Map<VsRef, NodeReportStatus> out = new TreeMap<>();
        for (VsPlan plan : desired.plans().values()) {
            out.put(plan.ref(), ReportBuilder.report(plan, o));
        }
        // VirtualServices this node no longer serves but may still hold state for (deleted, relabelled, draining).
        for (VirtualService vs : objects.virtualServices()) {
            VsRef ref = VsRef.of(vs);
            if (out.containsKey(ref)) {
                continue;
            }
            Optional<Boolean> present = kernelStateOf(vs);
            if (present.isPresent() && present.get()) {
                Long gen = vs.getStatus() == null ? null : vs.getStatus().getAcceptedGeneration();
                out.put(ref, ReportBuilder.leaving(ref, acceptedVip(vs), gen == null ? 0 : gen, true, shortfalls));
            }
        }
        return out;
    }

    /** The VIP {@code vs} was last accepted with (its spec's before any acceptance), when it is an address. */
    private static Optional<InetAddress> acceptedVip(VirtualService vs) {
        VirtualServiceSpec spec = vs.getStatus() != null && vs.getStatus().getAcceptedSpec() != null
                ? vs.getStatus().getAcceptedSpec() : vs.getSpec();
        return spec == null ? Optional.empty() : IpLiteral.parse(spec.getVip());
    }

    /** Whether this node still holds IPVS services or a VIP that belonged to {@code vs}; empty when unknown. */
    private Optional<Boolean> kernelStateOf(VirtualService vs) {
        VirtualServiceSpec spec = vs.getStatus() != null && vs.getStatus().getAcceptedSpec() != null
                ? vs.getStatus().getAcceptedSpec() : vs.getSpec();
        if (spec == null) {
            return Optional.empty();
        }
        Optional<InetAddress> vip = IpLiteral.parse(spec.getVip());
        if (vip.isEmpty()) {
            return Optional.empty();
        }
        var ledger = state.ledger();
        for (ServicePort p : spec.getPorts() == null ? List.<ServicePort>of() : spec.getPorts()) {
            if (p == null || p.getPort() == null || p.getProtocol() == null) {
                continue;
            }
            ServiceKey k = new ServiceKey.Inet(io.lvs.agent.kernel.ipvs.Protocol.valueOf(p.getProtocol().name()), vip.get(),
                    p.getPort());
            if (ledger.owns(k) && lastObserved != null && lastObserved.contains(k)) {
                return Optional.of(true);
            }
        }
        boolean address = state.owned().addresses().stream().anyMatch(a -> a.address().equals(vip.get()));
        return Optional.of(address);
    }

    private NodeNetwork readNetwork() {
        Map<Integer, Link> byIndex = new LinkedHashMap<>();
        for (Link l : kernel.rtnl().links()) {
            byIndex.put(l.index(), l);
        }
        Map<Integer, List<NodeNetwork.Prefix>> prefixes = new HashMap<>();
        for (InterfaceAddress a : kernel.rtnl().addresses()) {
            prefixes.computeIfAbsent(a.linkIndex(), k -> new ArrayList<>())
                    .add(new NodeNetwork.Prefix(a.address(), a.prefixLength()));
        }
        List<NodeNetwork.LinkInfo> links = new ArrayList<>();
        byIndex.forEach((i, l) -> links.add(new NodeNetwork.LinkInfo(l.name(), l.isUp(), l.isLoopback(),
                prefixes.getOrDefault(i, List.of()))));
        return new NodeNetwork(links);
    }

    /** Counts the repairs of one step; the warning window counts steps that repaired something, not operations. */
    private void countDrift(Deque<Instant> log, int repairs) {
        if (repairs <= 0) {
            return;
        }
        counters.driftRepairs.addAndGet(repairs);
        log.addLast(clock.instant());
        LOG.warn("repaired {} change(s) somebody else made to what this agent programs", repairs);
    }

    private List<String> driftWarnings() {
        Instant cutoff = clock.instant().minus(DRIFT_WINDOW);
        List<String> out = new ArrayList<>();
        while (!ipvsDrift.isEmpty() && ipvsDrift.peekFirst().isBefore(cutoff)) {
            ipvsDrift.removeFirst();
        }
        while (!otherDrift.isEmpty() && otherDrift.peekFirst().isBefore(cutoff)) {
            otherDrift.removeFirst();
        }
        if (ipvsDrift.size() >= DRIFT_WARN) {
            out.add("someone keeps changing this node's IPVS table (repaired " + ipvsDrift.size() + " times in the last "
                    + DRIFT_WINDOW.toMinutes() + " minutes): kube-proxy in IPVS mode deletes IPVS services it did not "
                    + "create unless its --ipvs-exclude-cidrs covers the VIPs; other tools running ipvsadm -C do too");
        }
        if (otherDrift.size() >= DRIFT_WARN) {
            out.add("someone keeps removing VIP addresses or changing sysctls this agent set (repaired "
                    + otherDrift.size() + " times in the last " + DRIFT_WINDOW.toMinutes() + " minutes)");
        }
        return out;
    }

    private <T> T step(String what, List<String> problems, java.util.function.Supplier<T> work, T onFailure) {
        long t0 = System.nanoTime();
        try {
            return work.get();
        } catch (RuntimeException e) {
            LOG.warn("{} failed: {}", what, e.toString());
            problems.add(what + " failed: " + e.getMessage());
            passFailures.add(what + " failed: " + e.getMessage());
            return onFailure;
        } finally {
            stepMillis.merge(what, (System.nanoTime() - t0) / 1_000_000, Long::sum);
        }
    }

    /** The slowest steps of this pass, for the log line of a pass that changed the kernel or took long. */
    private String slowestSteps() {
        return stepMillis.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(4)
                .map(e -> e.getKey() + " " + e.getValue() + " ms").collect(java.util.stream.Collectors.joining(", "));
    }

    /**
     * After the election stopped (every role standby): takes this node's VIPs off their links at once, so a standby
     * that takes over meets no second holder. Call after {@link #close()}.
     */
    public void releaseVips() {
        List<String> problems = new ArrayList<>();
        vipStep(lastDesired, problems);
        problems.forEach(p -> LOG.warn("releasing VIPs: {}", p));
    }

    /**
     * Removes everything this agent added to the kernel and restores every sysctl it changed: what an uninstall must
     * leave. IPVS entries go at once (no drain: the VIPs are leaving too). Call after {@link #close()}. Returns what
     * could not be removed, as sentences.
     */
    public List<String> removeEverything() {
        announced.keySet().forEach(announcements::released);
        announced.clear();
        return KernelCleanup.removeEverything(kernel, state, clock);
    }

    @Override
    public void close() {
        // No interrupt: it would abort a state-directory write (NIO channels close on interrupt) mid-pass.
        lock.lock();
        try {
            running = false;
            wake.signal();
        } finally {
            lock.unlock();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        announcements.close();
        if (watcher != null) {
            watcher.close();
        }
    }

    /** Counters the loop keeps; rendered as Prometheus metrics. */
    public static final class AgentCounters {
        public final AtomicLong passes = new AtomicLong();
        public final AtomicLong passErrors = new AtomicLong();
        public final AtomicLong kernelOps = new AtomicLong();
        public final AtomicLong ipvsOps = new AtomicLong();
        public final AtomicLong sysctlWrites = new AtomicLong();
        public final AtomicLong driftRepairs = new AtomicLong();
        /** Address notifications the kernel sent (rtnetlink), whether or not they concerned a VIP. */
        public final AtomicLong addressNotifications = new AtomicLong();
        public final AtomicLong announcementsSent = new AtomicLong();
        /** Passes that recomputed desired state (the others only looked at the kernel again). */
        public final AtomicLong desiredComputations = new AtomicLong();
        /** How long full passes take. */
        public final LatencyHistogram passDuration = new LatencyHistogram();
        /** From the first change a pass serves (an object, a verdict, a role) to the end of that pass. */
        public final LatencyHistogram programmingLatency = new LatencyHistogram();
    }
}
