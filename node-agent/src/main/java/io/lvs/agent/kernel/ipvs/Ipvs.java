package io.lvs.agent.kernel.ipvs;

import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsOp;
import io.lvs.agent.kernel.ipvs.reconcile.ObservedTable;
import io.lvs.agent.kernel.netlink.GenericNetlink;
import io.lvs.agent.kernel.netlink.Netlink;
import io.lvs.agent.kernel.netlink.NetlinkException;
import io.lvs.agent.kernel.netlink.NetlinkMessage;
import io.lvs.agent.kernel.netlink.NetlinkProtocolException;
import io.lvs.agent.kernel.netlink.NetlinkRequest;
import io.lvs.agent.kernel.netlink.NetlinkSocket;
import io.lvs.agent.kernel.rtnl.InterfaceAddress;
import io.lvs.agent.kernel.rtnl.Rtnl;
import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * IPVS in one network namespace: one method per kernel verb, plus {@link #apply(List)} to send a whole
 * plan as one pipelined batch. Owns its netlink socket (resolved to the "IPVS" family once); one caller
 * at a time. Every request is acknowledged. A refusal is a {@link KernelException} naming the errno and
 * the object: a {@link NetlinkException} (or a subtype saying which module is missing) when the kernel refused
 * it, a plain {@code KernelException} with the kernel's errno when the library refused it before sending
 * because the kernel would (see {@link DestinationRules}).
 */
public final class Ipvs implements AutoCloseable {
    private static final Path CONN_TABLE = Path.of("/proc/thread-self/net/ip_vs_conn");
    private static final Path INFO_TABLE = Path.of("/proc/thread-self/net/ip_vs");

    private final NetlinkSocket socket;
    private final IpvsCodec codec;
    private final KernelModules modules;
    /** Reused between reads of {@code /proc/net/ip_vs}: a large table is megabytes of text every period. */
    private byte[] procBuffer = new byte[64 * 1024];
    private int briefBytes;

    private Ipvs(NetlinkSocket socket, IpvsCodec codec, KernelModules modules) {
        this.socket = socket;
        this.codec = codec;
        this.modules = modules;
    }

    /** Opens IPVS in {@code namespace}; {@link IpvsUnavailableException} when that kernel has none. */
    public static Ipvs open(NetworkNamespace namespace) {
        return open(namespace, NetlinkSocket.Options.defaults(), KernelModules.system());
    }

    /** Opens IPVS in {@code namespace}, looking for scheduler and persistence-engine modules in {@code modules}. */
    public static Ipvs open(NetworkNamespace namespace, KernelModules modules) {
        return open(namespace, NetlinkSocket.Options.defaults(), modules);
    }

    /** Opens IPVS with socket tuning and a place to look for scheduler modules. */
    public static Ipvs open(NetworkNamespace namespace, NetlinkSocket.Options options, KernelModules modules) {
        return GenericNetlink.open(namespace, options, IpvsConstants.IPVS_GENL_NAME,
                (s, f) -> new Ipvs(s, new IpvsCodec(f.id()), modules),
                e -> new IpvsUnavailableException(namespace.toString(), e));
    }

    public NetworkNamespace namespace() {
        return socket.namespace();
    }

    /** Netlink requests sent so far (each dump counts once); what proves a plan's size on the wire. */
    public long requestsSent() {
        return socket.requestsSent();
    }

    // ------------------------------------------------------------------ reading

    /** Version and connection-table size. */
    public Info info() {
        return IpvsCodec.decodeInfo(single(codec.getInfo()));
    }

    /** Every service of the namespace, with counters. */
    public List<ServiceEntry> services() {
        return dump(codec.dumpServices(), IpvsCodec::decodeService);
    }

    /** One service, or empty when the kernel has none with this key. */
    public Optional<ServiceEntry> service(ServiceKey key) {
        try {
            return Optional.of(IpvsCodec.decodeService(single(codec.getService(key))));
        } catch (NetlinkException e) {
            if (e.is(Errno.ESRCH)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The destinations of one service, with counters (none when the service does not exist). */
    public List<DestinationEntry> destinations(ServiceKey service) {
        return dump(codec.dumpDestinations(service), m -> IpvsCodec.decodeDestination(m, service.family()));
    }

    /** The whole table as the planner needs it: one service dump plus one destination dump per service. */
    public ObservedTable table() {
        List<ServiceEntry> services = services();
        Map<ServiceKey, List<DestinationEntry>> destinations = new HashMap<>();
        for (ServiceEntry s : services) {
            destinations.put(s.key(), destinations(s.key()));
        }
        return ObservedTable.of(services, destinations);
    }

    /**
     * The table as {@code /proc/net/ip_vs} shows it, read in one pass over one file: every destination's address,
     * forwarding method, weight and connection counts, without one netlink dump per service. Read on a thread in
     * this handle's namespace ({@code /proc/thread-self/net}).
     */
    public BriefTable brief() {
        return namespace().call(() -> {
            int n = 0;
            try (var in = Files.newInputStream(INFO_TABLE)) {
                while (true) {
                    if (n == procBuffer.length) {
                        procBuffer = java.util.Arrays.copyOf(procBuffer, procBuffer.length * 2);
                    }
                    int r = in.read(procBuffer, n, procBuffer.length - n);
                    if (r < 0) {
                        break;
                    }
                    n += r;
                }
            } catch (NoSuchFileException e) {
                throw new KernelException("reading the IPVS table: " + INFO_TABLE + " does not exist in " + namespace()
                        + " (is ip_vs loaded?)", Errno.ENOENT.number(), e);
            } catch (IOException e) {
                throw new KernelException("reading the IPVS table " + INFO_TABLE + ": " + e.getMessage(),
                        Errno.EIO.number(), e);
            }
            briefBytes = n;
            return BriefTable.parse(procBuffer, n);
        });
    }

    /** Bytes of {@code /proc/net/ip_vs} the last {@link #brief()} read. */
    public int briefBytes() {
        return briefBytes;
    }

    /** The TCP, TCP-FIN and UDP timeouts. */
    public Timeouts timeouts() {
        return IpvsCodec.decodeTimeouts(single(codec.getConfig()));
    }

    /** The running sync daemons (none, a master, a backup, or both). */
    public List<SyncDaemon> syncDaemons() {
        return dump(codec.dumpDaemons(), IpvsCodec::decodeDaemon);
    }

    /**
     * The connection table of this namespace. IPVS has no netlink verb for it, so this reads
     * {@code /proc/thread-self/net/ip_vs_conn} on a thread inside the namespace ({@code /proc/net}
     * would follow the process's namespace, not the thread's).
     */
    public List<Connection> connections() {
        List<Connection> out = new java.util.ArrayList<>();
        connections(out::add);
        return out;
    }

    /**
     * Each entry of the connection table handed to {@code sink} as it is read: a table of millions of connections is
     * never held as text (the kernel's proc file is read line by line).
     */
    public void connections(java.util.function.Consumer<Connection> sink) {
        namespace().call(() -> {
            try (var in = Files.newBufferedReader(CONN_TABLE)) {
                ConnectionTable.parse(in, sink);
                return null;
            } catch (NoSuchFileException e) {
                throw new KernelException("reading the IPVS connection table: " + CONN_TABLE + " does not exist in "
                        + namespace() + " (is ip_vs loaded?)", Errno.ENOENT.number(), e);
            } catch (IOException e) {
                throw new KernelException("reading the IPVS connection table " + CONN_TABLE + ": " + e.getMessage(),
                        Errno.EIO.number(), e);
            }
        });
    }

    /** Whether the kernel can provide a scheduler: ask before naming it in a service. */
    public KernelModules.State schedulerState(Scheduler scheduler) {
        return modules.state(scheduler);
    }

    // ------------------------------------------------------------------ changing

    public void newService(Service s) {
        execute(new IpvsOp.AddService(s));
    }

    public void updateService(Service s) {
        execute(new IpvsOp.UpdateService(s));
    }

    public void deleteService(ServiceKey key) {
        execute(new IpvsOp.DeleteService(key));
    }

    public void newDestination(ServiceKey service, Destination d) {
        execute(new IpvsOp.AddDestination(service, d));
    }

    public void updateDestination(ServiceKey service, Destination d) {
        execute(new IpvsOp.UpdateDestination(service, d));
    }

    public void deleteDestination(ServiceKey service, DestinationKey d) {
        execute(new IpvsOp.DeleteDestination(service, d));
    }

    /** Sets the timeouts; a zero duration keeps that timeout as it is. */
    public void setTimeouts(Timeouts t) {
        socket.execute(codec.setConfig(t));
    }

    /**
     * Starts a connection-sync daemon. The kernel refuses it (EINVAL) while a destination has another address family
     * than its service; the refusal then names one.
     */
    public void startSyncDaemon(SyncDaemon d) {
        try {
            socket.execute(codec.newDaemon(d));
        } catch (NetlinkException e) {
            if (!e.is(Errno.EINVAL)) {
                throw e;
            }
            throw mixedFamilyDestination().map(m -> e.withHint("the kernel starts no sync daemon while a destination "
                    + "has another address family than its service, as " + m + " has")).orElse(e);
        }
    }

    /** Stops the daemon in this role; ESRCH when none runs. */
    public void stopSyncDaemon(SyncState state) {
        socket.execute(codec.deleteDaemon(state));
    }

    /**
     * Sends every operation in order as one pipelined batch (many requests per datagram, acks read in
     * bulk) and reports each one's outcome. The kernel goes on after a refusal, so later operations are
     * still attempted; nothing is retried or reordered here. An operation the kernel would refuse whatever
     * the namespace holds (see {@link DestinationRules}) is not sent: it fails at once, naming the rule.
     */
    public ApplyResult apply(List<IpvsOp> ops) {
        SyncDaemonsRunning sync = new SyncDaemonsRunning();
        List<KernelException> refused = new ArrayList<>(ops.size());
        List<NetlinkRequest> requests = new ArrayList<>(ops.size());
        for (IpvsOp op : ops) {
            KernelException r = refusal(op, sync).orElse(null);
            refused.add(r);
            if (r == null) {
                requests.add(codec.request(op));
            }
        }
        NetlinkSocket.BatchResult r = requests.isEmpty()
                ? new NetlinkSocket.BatchResult(List.of(), 0) : socket.executeAll(requests);
        List<ApplyResult.Outcome> outcomes = new ArrayList<>(ops.size());
        int sent = 0;
        for (int i = 0; i < ops.size(); i++) {
            if (refused.get(i) != null) {
                outcomes.add(new ApplyResult.Failed(ops.get(i), refused.get(i)));
                continue;
            }
            NetlinkException failure = r.failures().get(sent++);
            outcomes.add(failure == null
                    ? new ApplyResult.Applied(ops.get(i))
                    : new ApplyResult.Failed(ops.get(i), explain(ops.get(i), failure)));
        }
        return new ApplyResult(outcomes, r.datagrams());
    }

    private void execute(IpvsOp op) {
        Optional<KernelException> refused = refusal(op, new SyncDaemonsRunning());
        if (refused.isPresent()) {
            throw refused.get();
        }
        try {
            socket.execute(codec.request(op));
        } catch (NetlinkException e) {
            throw explain(op, e);
        }
    }

    /** Whether a sync daemon runs, asked once per batch and only for a destination that mixes address families. */
    private final class SyncDaemonsRunning {
        private Boolean running;

        boolean get() {
            if (running == null) {
                running = !syncDaemons().isEmpty();
            }
            return running;
        }
    }

    /** The refusal, before sending, of a destination the kernel would not take (EINVAL, as the kernel would say). */
    private Optional<KernelException> refusal(IpvsOp op, SyncDaemonsRunning sync) {
        ServiceKey service;
        Destination d;
        switch (op) {
            case IpvsOp.AddDestination a -> {
                service = a.service();
                d = a.destination();
            }
            case IpvsOp.UpdateDestination u -> {
                service = u.service();
                d = u.destination();
            }
            default -> {
                return Optional.empty();
            }
        }
        boolean daemons = DestinationRules.mixesFamilies(service, d.address())
                && d.forwarding() == ForwardingMethod.TUNNEL && sync.get();
        return DestinationRules.refusal(service, d, daemons).map(rule -> new KernelException(
                codec.request(op).description() + ": refused before sending: " + rule + ": "
                        + Errno.describe(Errno.EINVAL.number()), Errno.EINVAL.number()));
    }

    /**
     * Makes two ambiguous kernel answers say what they mean: ENOENT to a service add or update is a missing scheduler
     * or persistence-engine module; EINVAL to an IPv4 destination add is, in a namespace without a single IPv4
     * address, the missing local routing table (ip_vs_new_dest then takes every IPv4 address for a broadcast one) -
     * said only when the namespace has no IPv4 address, since any other cause was refused before sending.
     */
    private NetlinkException explain(IpvsOp op, NetlinkException e) {
        Optional<Service> s = switch (op) {
            case IpvsOp.AddService a -> Optional.of(a.definition());
            case IpvsOp.UpdateService u -> Optional.of(u.definition());
            default -> Optional.empty();
        };
        if (s.isPresent() && e.is(Errno.ENOENT)) {
            Service svc = s.get();
            if (!modules.state(svc.scheduler()).available()) {
                return new SchedulerUnavailableException(e, svc.scheduler(), modules.moduleDir().toString());
            }
            if (svc.persistenceEngine().isPresent()
                    && !modules.state(PersistenceEngineUnavailableException.moduleName(svc.persistenceEngine().get())).available()) {
                return new PersistenceEngineUnavailableException(e, svc.persistenceEngine().get(),
                        modules.moduleDir().toString());
            }
        }
        if (op instanceof IpvsOp.AddDestination a && e.is(Errno.EINVAL)
                && AddressFamily.of(a.destination().address()) == AddressFamily.INET && noIpv4Address(namespace())) {
            return e.withHint(namespace() + " has no IPv4 address at all, so no IPv4 local routes, and the kernel then "
                    + "refuses every IPv4 destination: bring its loopback up (ip link set lo up)");
        }
        return e;
    }

    /** Whether {@code namespace} holds no IPv4 address on any interface (false when that cannot be read). */
    static boolean noIpv4Address(NetworkNamespace namespace) {
        try (Rtnl rtnl = Rtnl.open(namespace)) {
            return rtnl.addresses().stream().noneMatch(InterfaceAddress::isIpv4);
        } catch (KernelException x) {
            return false;
        }
    }

    /** A destination whose family differs from its service's, as "2001:db8::31:80 of TCP 192.0.2.10:80", if any. */
    private Optional<String> mixedFamilyDestination() {
        try {
            for (ServiceEntry s : services()) {
                for (DestinationEntry d : destinations(s.key())) {
                    if (DestinationRules.mixesFamilies(s.key(), d.destination().address())) {
                        return Optional.of(d.destination().key() + " of " + s.key());
                    }
                }
            }
        } catch (KernelException x) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private <T> List<T> dump(NetlinkRequest request, Function<NetlinkMessage, T> decoder) {
        List<NetlinkMessage> parts = socket.dump(request);
        List<T> out = new ArrayList<>(parts.size());
        for (NetlinkMessage m : parts) {
            out.add(decoder.apply(m));
        }
        return out;
    }

    private NetlinkMessage single(NetlinkRequest request) {
        List<NetlinkMessage> replies = socket.transact(request);
        if (replies.size() != 1) {
            throw new NetlinkProtocolException(request.description() + ": expected one reply, got " + replies.size());
        }
        return replies.get(0);
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "IPVS in " + namespace();
    }
}
