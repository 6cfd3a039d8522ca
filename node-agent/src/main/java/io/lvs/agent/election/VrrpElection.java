package io.lvs.agent.election;

import io.lvs.agent.kernel.InetText;
import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import io.lvs.agent.kernel.vrrp.AdvertSigner;
import io.lvs.agent.kernel.vrrp.AdvertVerifier;
import io.lvs.agent.kernel.vrrp.DropReason;
import io.lvs.agent.kernel.vrrp.ReceivedAdvert;
import io.lvs.agent.kernel.vrrp.ReceivedAdvert.Accepted;
import io.lvs.agent.kernel.vrrp.ReceivedAdvert.Dropped;
import io.lvs.agent.kernel.vrrp.VrrpAdvert;
import io.lvs.agent.kernel.vrrp.VrrpKey;
import io.lvs.agent.kernel.vrrp.VrrpSocket;
import io.lvs.agent.model.NodeDesired.DirectorGroup;
import io.lvs.agent.model.NodeDesired.Peer;
import io.lvs.agent.node.ActiveDirectors;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The director election on the data path: one VRRPv3 instance ({@link VrrpInstance}) per VIP this node directs,
 * adverts unicast to the other directors' node addresses on the VIP's link, each sealed with the key ring's HMAC
 * (plain RFC 5798 adverts are accepted only from the compatibility peers, which take part in every election of
 * their family and are sent plain adverts). No API server is involved: once
 * configured, an election keeps running with the API server gone.
 *
 * <p>The VRID of a VIP is its last byte (0 becomes 255): a keepalived router sharing the VIP during a migration uses
 * that {@code virtual_router_id}. Adverts of different VIPs with one VRID are told apart by sender and VIP list
 * ({@link InstanceId}), so a group of directors can carry any number of VIPs.
 *
 * <p>One thread runs every instance's timers and handles what the receivers (one thread per link) hand it;
 * {@link #configure} runs on the caller's thread under the same lock, so the roles it returns right after already
 * count (an adopted VIP stays ACTIVE: an agent restart moves nothing).
 */
public final class VrrpElection implements ActiveDirectors {
    private static final Logger LOG = LoggerFactory.getLogger(VrrpElection.class);
    private static final Duration RECEIVE_SLICE = Duration.ofMillis(500);
    /**
     * The interval the last advert of a restarting agent announces: standbys then wait 3 times as long (15 s and a
     * skew) for the next agent before they take the VIP. A node that dies during a restart fails over that late.
     */
    static final int RESTART_HOLD_CENTIS = 500;
    /**
     * How long a newly started instance listens before it may take the VIP for want of a master (and, when the
     * VirtualService sets a longer preempt delay, that): a starting agent may not have heard its peers yet.
     */
    static final Duration STARTUP_GRACE = Duration.ofSeconds(2);

    /** Where adverts go out and come in: a socket per link and source address (a seam for tests). */
    public interface Links {
        Link open(String device, InetAddress source);
    }

    /** One link's socket. */
    public interface Link extends AutoCloseable {
        void send(byte[] message, InetAddress destination);

        /** The next packet, or empty after {@code timeout} or once closed. */
        Optional<VrrpSocket.Packet> receive(Duration timeout);

        boolean isClosed();

        @Override
        void close();
    }

    /** Raw VRRP sockets in {@code namespace}, bound to the link. */
    public static Links sockets(NetworkNamespace namespace) {
        return (device, source) -> {
            VrrpSocket s = VrrpSocket.open(namespace, VrrpSocket.Options.from(source).onDevice(device));
            return new Link() {
                @Override
                public void send(byte[] message, InetAddress destination) {
                    s.send(message, destination);
                }

                @Override
                public Optional<VrrpSocket.Packet> receive(Duration timeout) {
                    return s.receive(timeout);
                }

                @Override
                public boolean isClosed() {
                    return s.isClosed();
                }

                @Override
                public void close() {
                    s.close();
                }
            };
        };
    }

    /** What the election counts, for /metrics. */
    public record Counters(long advertsSent, long advertsReceived, long sendErrors, Map<DropReason, Long> dropped,
                           long notOurs, long transitions, long conflicts) {
    }

    /** One VIP's state, for /metrics and reports. */
    public record VipState(InetAddress vip, Role role, VrrpInstance.State state, int priority, long transitions) {
    }

    private record LinkKey(String device, InetAddress source) {
    }

    private sealed interface Event {
    }

    private record Arrived(LinkKey link, VrrpSocket.Packet packet) implements Event {
    }

    private record Wake() implements Event {
    }

    /** One VIP's election. */
    private static final class Entry {
        final DirectorGroup group;
        final VrrpInstance instance;
        final LinkKey link;
        final List<InetAddress> destinations;
        Role role = Role.STANDBY;
        Instant since;
        long transitions;
        long epoch;

        Entry(DirectorGroup group, VrrpInstance instance, LinkKey link, List<InetAddress> destinations) {
            this.group = group;
            this.instance = instance;
            this.link = link;
            this.destinations = destinations;
        }
    }

    private final Links links;
    private final Clock clock;
    private final Set<InetAddress> compatibilityPeers;
    private final Supplier<VrrpKeyRing> keys;
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Map<InetAddress, Role> roles = new ConcurrentHashMap<>();
    private final Map<InetAddress, Instant> since = new ConcurrentHashMap<>();
    private final Map<InetAddress, Long> epochs = new ConcurrentHashMap<>();

    // guarded by this
    private final Map<InetAddress, Entry> entries = new HashMap<>();
    private final Map<LinkKey, Link> open = new HashMap<>();
    private final Map<LinkKey, Set<InetAddress>> warned = new HashMap<>();
    private final AdvertSigner signer;
    private final AdvertVerifier verifier;
    private volatile VrrpKeyRing ring;
    private boolean stopped;

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private final AtomicLong notOurs = new AtomicLong();
    private final AtomicLong transitions = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private final Map<DropReason, AtomicLong> dropped = new EnumMap<>(DropReason.class);
    private final Thread thread;
    private long nextKeyCheck;

    /**
     * @param links              the sockets adverts use
     * @param keys               the key ring, read again every few seconds (a rotated Secret takes effect without a
     *                           restart); an exception keeps the ring in use
     * @param compatibilityPeers senders whose plain RFC 5798 adverts are accepted (keepalived during a migration)
     */
    public VrrpElection(Links links, Supplier<VrrpKeyRing> keys, Set<InetAddress> compatibilityPeers, Clock clock) {
        this.links = Objects.requireNonNull(links);
        this.keys = Objects.requireNonNull(keys);
        this.clock = Objects.requireNonNull(clock);
        this.compatibilityPeers = Set.copyOf(compatibilityPeers);
        this.ring = keys.get();
        this.signer = new AdvertSigner(ring.signing(), clock.millis() * 1000); // rises across restarts
        this.verifier = new AdvertVerifier(ring.signing(), this.compatibilityPeers);
        verifier.accept(ring.keys());
        for (DropReason r : DropReason.values()) {
            dropped.put(r, new AtomicLong());
        }
        this.thread = Thread.ofPlatform().daemon().name("lvs-vrrp").start(this::run);
    }

    @Override
    public List<Integer> keyIds() {
        return ring.keys().stream().map(VrrpKey::id).toList();
    }

    /** The VRID adverts for {@code vip} carry: its last byte, 0 becoming 255. */
    public static int vrid(InetAddress vip) {
        byte[] b = vip.getAddress();
        int last = b[b.length - 1] & 0xff;
        return last == 0 ? 255 : last;
    }

    /** An advert interval in the RFC's centiseconds (10 ms to 40.95 s). */
    static int centis(Duration interval) {
        long c = interval.toMillis() / 10;
        return (int) Math.max(1, Math.min(VrrpAdvert.MAX_INTERVAL_CENTIS, c));
    }

    private static long now() {
        return System.nanoTime() / 1_000_000;
    }

    @Override
    public void configure(Collection<DirectorGroup> groups) {
        synchronized (this) {
            if (stopped) {
                return;
            }
            long now = now();
            Map<InetAddress, DirectorGroup> wanted = new HashMap<>();
            Set<InetAddress> ineligible = new HashSet<>();
            for (DirectorGroup g : groups) {
                if (g.eligible()) {
                    wanted.put(g.vip(), g);
                } else {
                    ineligible.add(g.vip()); // its local service fails: out of the election until it passes again
                }
            }
            Map<InetAddress, Entry> changed = new HashMap<>();
            for (Iterator<Map.Entry<InetAddress, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<InetAddress, Entry> e = it.next();
                DirectorGroup g = wanted.get(e.getKey());
                if (g == null || !sameElection(e.getValue().group, g)) {
                    Entry old = e.getValue();
                    // Gone: hand the VIP over at once. Changed: the new instance takes over from this one below.
                    perform(old, g == null ? old.instance.shutdown(now) : silentShutdown(old, now), now);
                    it.remove();
                    if (ineligible.contains(old.group.vip())) {
                        LOG.info("the local service of VIP {} fails its health check: standing down",
                                InetText.of(old.group.vip()));
                    } else if (g == null) {
                        roles.remove(old.group.vip());
                        since.remove(old.group.vip());
                        epochs.remove(old.group.vip());
                    } else {
                        changed.put(g.vip(), old);
                    }
                }
            }
            for (DirectorGroup g : wanted.values()) {
                Entry old = changed.get(g.vip());
                if (old != null) {
                    start(g, old.role == Role.ACTIVE, old.transitions, now);
                } else if (!entries.containsKey(g.vip())) {
                    start(g, g.heldNow() || roles.get(g.vip()) == Role.ACTIVE, 0, now);
                }
            }
            closeUnusedLinks();
        }
        events.offer(new Wake());
    }

    /** A changed instance stops without priority 0: its successor (same node) carries on from its role. */
    private static VrrpInstance.Step silentShutdown(Entry old, long now) {
        old.instance.shutdown(now);
        return new VrrpInstance.Step(List.of(), VrrpInstance.State.INITIALIZE, OptionalLong.empty());
    }

    private static boolean sameElection(DirectorGroup a, DirectorGroup b) {
        return a.link().equals(b.link()) && a.localAddress().equals(b.localAddress()) && a.priority() == b.priority()
                && a.peers().equals(b.peers()) && a.advertInterval().equals(b.advertInterval())
                && a.preempt() == b.preempt() && a.preemptDelay().equals(b.preemptDelay());
    }

    private void start(DirectorGroup g, boolean active, long transitionsSoFar, long now) {
        if (g.localAddress().isEmpty()) {
            warnOnce(new LinkKey(g.link(), g.vip()), g.vip(), "VIP " + InetText.of(g.vip()) + ": this node has no "
                    + "address of its family on " + g.link() + " to send adverts from; it stays standby");
            setRole(g.vip(), Role.STANDBY, null);
            return;
        }
        InetAddress local = g.localAddress().get();
        List<InetAddress> destinations = new ArrayList<>();
        Set<InetAddress> members = new LinkedHashSet<>();
        members.add(local);
        for (Peer p : g.peers()) {
            for (InetAddress a : p.addresses()) {
                if ((a instanceof Inet6Address) == (g.vip() instanceof Inet6Address) && !a.equals(local)) {
                    destinations.add(a);
                    members.add(a);
                }
            }
        }
        for (InetAddress a : compatibilityPeers) {
            if ((a instanceof Inet6Address) == (g.vip() instanceof Inet6Address) && !a.equals(local)
                    && members.add(a)) {
                destinations.add(a); // a keepalived router of this VIP during a migration: plain adverts both ways
            }
        }
        int priority = Math.max(1, Math.min(VrrpInstance.OWNER_PRIORITY - 1, g.priority()));
        VrrpInstance instance = new VrrpInstance(new InstanceId(vrid(g.vip()), members, List.of(g.vip())), local,
                priority, centis(g.advertInterval()), g.preempt(), g.preemptDelay());
        LinkKey key = new LinkKey(g.link(), local);
        Entry e = new Entry(g, instance, key, List.copyOf(destinations));
        e.transitions = transitionsSoFar;
        e.epoch = epochs.getOrDefault(g.vip(), 0L);
        if (!destinations.isEmpty() && link(key) == null) {
            setRole(g.vip(), Role.STANDBY, null);
            return; // the link cannot be opened (warned): nothing to elect over; configure tries again
        }
        entries.put(g.vip(), e);
        if (active) {
            e.role = Role.ACTIVE;
            e.since = since.getOrDefault(g.vip(), clock.instant());
        }
        perform(e, active ? instance.adopt(now) : instance.startup(now, Math.max(STARTUP_GRACE.toMillis(),
                g.preemptDelay().toMillis())), now);
    }

    private Link link(LinkKey key) {
        Link l = open.get(key);
        if (l != null && !l.isClosed()) {
            return l;
        }
        try {
            Link opened = links.open(key.device(), key.source());
            open.put(key, opened);
            Thread.ofPlatform().daemon().name("lvs-vrrp-rx-" + key.device()).start(() -> receive(key, opened));
            warned.remove(key);
            return opened;
        } catch (RuntimeException e) {
            warnOnce(key, key.source(), "cannot open a VRRP socket on " + key.device() + " from "
                    + InetText.of(key.source()) + ": " + e.getMessage());
            return null;
        }
    }

    private void warnOnce(LinkKey key, InetAddress what, String message) {
        if (warned.computeIfAbsent(key, k -> new HashSet<>()).add(what)) {
            LOG.warn(message);
        }
    }

    private void closeUnusedLinks() {
        Set<LinkKey> used = new HashSet<>();
        entries.values().forEach(e -> used.add(e.link));
        for (Iterator<Map.Entry<LinkKey, Link>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<LinkKey, Link> l = it.next();
            if (!used.contains(l.getKey())) {
                l.getValue().close();
                it.remove();
            }
        }
    }

    private void receive(LinkKey key, Link link) {
        while (!link.isClosed()) {
            try {
                link.receive(RECEIVE_SLICE).ifPresent(p -> events.offer(new Arrived(key, p)));
            } catch (RuntimeException e) {
                if (!link.isClosed()) {
                    LOG.warn("receiving VRRP adverts on {} failed: {}", key.device(), e.toString());
                    sleepQuietly();
                }
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (true) {
            long wait;
            synchronized (this) {
                if (stopped) {
                    return;
                }
                wait = Math.max(0, nextDeadline() - now());
            }
            Event ev;
            try {
                ev = events.poll(Math.min(wait, 1000), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (stopped) {
                    return;
                }
                try {
                    long now = now();
                    if (ev instanceof Arrived a) {
                        arrived(a, now);
                    }
                    for (Entry e : List.copyOf(entries.values())) {
                        OptionalLong d = e.instance.deadline();
                        if (d.isPresent() && d.getAsLong() <= now) {
                            perform(e, e.instance.timer(now), now);
                        }
                    }
                    if (now >= nextKeyCheck) {
                        nextKeyCheck = now + 5_000;
                        reloadKeys();
                    }
                } catch (RuntimeException e) {
                    LOG.warn("the VRRP election failed to handle an event: {}", e.toString());
                }
            }
        }
    }

    private long nextDeadline() {
        long at = nextKeyCheck;
        for (Entry e : entries.values()) {
            OptionalLong d = e.instance.deadline();
            if (d.isPresent()) {
                at = Math.min(at, d.getAsLong());
            }
        }
        return at;
    }

    private void reloadKeys() {
        VrrpKeyRing next;
        try {
            next = keys.get();
        } catch (RuntimeException e) {
            LOG.warn("keeping the VRRP keys in use: {}", e.getMessage());
            return;
        }
        if (!next.equals(ring)) {
            ring = next;
            signer.rotate(next.signing());
            verifier.accept(next.keys());
            LOG.info("VRRP keys changed: signing with key {}, accepting {}", next.signing().id(),
                    next.keys().stream().map(k -> k.id()).toList());
        }
    }

    private void arrived(Arrived a, long now) {
        VrrpSocket.Packet p = a.packet();
        if (!p.destination().equals(a.link().source()) && !p.destination().isMulticastAddress()) {
            return; // another address's socket on this link takes it
        }
        ReceivedAdvert r = verifier.verify(p.payload(), p.source(), p.destination(), p.ttl());
        if (r instanceof Dropped d) {
            dropped.get(d.reason()).incrementAndGet();
            LOG.debug("dropped a VRRP packet: {} ({})", d.reason(), d.detail());
            return;
        }
        VrrpAdvert advert = ((Accepted) r).advert();
        received.incrementAndGet();
        for (Entry e : entries.values()) {
            if (e.link.equals(a.link()) && e.instance.id().matches(advert.vrid(), advert.addresses(), p.source())) {
                boolean wasMaster = e.instance.state() == VrrpInstance.State.MASTER;
                perform(e, e.instance.advert(now, advert.priority(), p.source(), advert.maxAdvertIntervalCentis()),
                        now);
                boolean isMaster = e.instance.state() == VrrpInstance.State.MASTER;
                if (wasMaster && !isMaster) {
                    // We held it too and yield: tell the winner at once, so it announces the VIP again.
                    send(e, 0, List.of(p.source()));
                } else if (wasMaster) {
                    // Another director held the VIP too (a partition healed): it yields, we announce again.
                    e.epoch++;
                    conflicts.incrementAndGet();
                    epochs.put(e.group.vip(), e.epoch);
                    listeners.forEach(Runnable::run);
                }
                return;
            }
        }
        notOurs.incrementAndGet();
    }

    private void perform(Entry e, VrrpInstance.Step step, long now) {
        for (VrrpInstance.Action action : step.actions()) {
            switch (action) {
                case SEND_ADVERT -> send(e, e.instance.priority(), e.destinations);
                case SEND_PRIORITY_ZERO -> send(e, 0, e.destinations);
                case BECOME_MASTER -> {
                    if (e.role != Role.ACTIVE) {
                        e.role = Role.ACTIVE;
                        e.since = clock.instant();
                        e.transitions++;
                        transitions.incrementAndGet();
                        LOG.info("active for VIP {} (priority {})", InetText.of(e.group.vip()), e.instance.priority());
                    }
                    setRole(e.group.vip(), Role.ACTIVE, e.since);
                }
                case BECOME_BACKUP -> {
                    if (e.role == Role.ACTIVE) {
                        e.transitions++;
                        transitions.incrementAndGet();
                        LOG.info("standby for VIP {}", InetText.of(e.group.vip()));
                    }
                    e.role = Role.STANDBY;
                    e.since = null;
                    setRole(e.group.vip(), Role.STANDBY, null);
                }
            }
        }
    }

    private void send(Entry e, int priority, List<InetAddress> destinations) {
        send(e, priority, destinations, e.instance.advertIntervalCentis());
    }

    private void send(Entry e, int priority, List<InetAddress> destinations, int intervalCentis) {
        if (destinations.isEmpty()) {
            return; // the only director: nobody to tell
        }
        Link l = link(e.link);
        if (l == null) {
            sendErrors.incrementAndGet();
            return;
        }
        VrrpAdvert advert = new VrrpAdvert(e.instance.id().vrid(), priority, intervalCentis, List.of(e.group.vip()));
        for (InetAddress to : destinations) {
            try {
                byte[] m = compatibilityPeers.contains(to) ? AdvertSigner.unsigned(advert, e.link.source(), to)
                        : signer.seal(advert, e.link.source(), to);
                l.send(m, to);
                sent.incrementAndGet();
            } catch (KernelException ex) {
                sendErrors.incrementAndGet();
                LOG.debug("sending a VRRP advert to {} failed: {}", InetText.of(to), ex.getMessage());
            }
        }
    }

    private void setRole(InetAddress vip, Role role, Instant at) {
        Role before = roles.put(vip, role);
        if (at != null) {
            since.put(vip, at);
        } else {
            since.remove(vip);
        }
        if (before != role) {
            listeners.forEach(Runnable::run);
        }
    }

    @Override
    public Role role(InetAddress vip) {
        return roles.getOrDefault(vip, Role.STANDBY);
    }

    @Override
    public Optional<Instant> activeSince(InetAddress vip) {
        return Optional.ofNullable(since.get(vip));
    }

    @Override
    public long announceEpoch(InetAddress vip) {
        return epochs.getOrDefault(vip, 0L);
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** What the election has counted since it started. */
    public Counters counters() {
        Map<DropReason, Long> d = new EnumMap<>(DropReason.class);
        dropped.forEach((k, v) -> d.put(k, v.get()));
        return new Counters(sent.get(), received.get(), sendErrors.get(), d, notOurs.get(), transitions.get(),
                conflicts.get());
    }

    /** Each VIP's election, in no particular order. */
    public synchronized List<VipState> vips() {
        return entries.values().stream().map(e -> new VipState(e.group.vip(), e.role, e.instance.state(),
                e.instance.priority(), e.transitions)).toList();
    }

    @Override
    public void stop(boolean handOver) {
        synchronized (this) {
            if (stopped) {
                return;
            }
            long now = now();
            for (Entry e : entries.values()) {
                if (handOver) {
                    perform(e, e.instance.shutdown(now), now); // priority 0: a standby takes over after Skew_Time
                } else if (e.instance.state() == VrrpInstance.State.MASTER) {
                    // A restart: the standbys learn a long interval from this last advert (RFC 5798 6.4.2), so they
                    // wait out the restart instead of taking the VIP; the next agent's adverts set it back.
                    send(e, e.instance.priority(), e.destinations, RESTART_HOLD_CENTIS);
                }
            }
            stopped = true;
            entries.clear();
            open.values().forEach(Link::close);
            open.clear();
        }
        events.offer(new Wake());
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
