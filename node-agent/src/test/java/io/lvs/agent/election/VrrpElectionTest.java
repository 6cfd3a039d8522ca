package io.lvs.agent.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.vrrp.DropReason;
import io.lvs.agent.kernel.vrrp.ReceivedAdvert;
import io.lvs.agent.kernel.vrrp.VrrpAdvert;
import io.lvs.agent.kernel.vrrp.VrrpCodec;
import io.lvs.agent.kernel.vrrp.VrrpKey;
import io.lvs.agent.kernel.vrrp.VrrpSocket;
import io.lvs.agent.model.NodeDesired.DirectorGroup;
import io.lvs.agent.model.NodeDesired.Peer;
import io.lvs.agent.node.ActiveDirectors.Role;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Elections of two or three directors over an in-memory segment that delivers each unicast advert to the socket of
 * the address it is sent to, unless the segment is cut between the two. Real threads and real time (50 ms adverts);
 * every wait is on a condition with a generous deadline.
 */
class VrrpElectionTest {
    static final InetAddress A = InetAddress.ofLiteral("192.0.2.2");
    static final InetAddress B = InetAddress.ofLiteral("192.0.2.3");
    static final InetAddress C = InetAddress.ofLiteral("192.0.2.4");
    static final InetAddress VIP = InetAddress.ofLiteral("192.0.2.100");
    static final Duration INTERVAL = Duration.ofMillis(50);
    static final Duration DEADLINE = Duration.ofSeconds(20);
    static final VrrpKey K1 = new VrrpKey(1, "0123456789abcdef0123".getBytes(StandardCharsets.UTF_8));
    static final VrrpKey K2 = new VrrpKey(2, "fedcba9876543210fedc".getBytes(StandardCharsets.UTF_8));

    /** The shared segment: sockets by address; cut pairs drop what they send each other. */
    static final class Segment {
        final Map<InetAddress, FakeLink> sockets = new ConcurrentHashMap<>();
        final Set<Set<InetAddress>> cut = ConcurrentHashMap.newKeySet();

        VrrpElection.Links links() {
            return (device, source) -> {
                FakeLink l = new FakeLink(this, source);
                sockets.put(source, l);
                return l;
            };
        }

        void deliver(InetAddress from, InetAddress to, byte[] m, int ttl) {
            FakeLink l = sockets.get(to);
            if (l != null && !l.closed && !cut.contains(Set.of(from, to))) {
                l.inbox.offer(new VrrpSocket.Packet(from, to, ttl, 1, m));
            }
        }
    }

    static final class FakeLink implements VrrpElection.Link {
        final Segment segment;
        final InetAddress source;
        final LinkedBlockingQueue<VrrpSocket.Packet> inbox = new LinkedBlockingQueue<>();
        volatile boolean closed;
        volatile boolean silent; // a node that died: sends nothing

        FakeLink(Segment segment, InetAddress source) {
            this.segment = segment;
            this.source = source;
        }

        @Override
        public void send(byte[] message, InetAddress destination) {
            if (!closed && !silent) {
                segment.deliver(source, destination, message, VrrpCodec.TTL);
            }
        }

        @Override
        public Optional<VrrpSocket.Packet> receive(Duration timeout) {
            try {
                return Optional.ofNullable(closed ? null : inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                return Optional.empty();
            }
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final Segment segment = new Segment();
    private final List<VrrpElection> elections = new ArrayList<>();

    @AfterEach
    void stopAll() {
        elections.forEach(e -> e.stop(false));
    }

    private VrrpElection election(AtomicReference<VrrpKeyRing> ring) {
        VrrpElection e = new VrrpElection(segment.links(), ring::get, Set.of(), Clock.systemUTC());
        elections.add(e);
        return e;
    }

    private VrrpElection election() {
        return election(new AtomicReference<>(new VrrpKeyRing(List.of(K1))));
    }

    static DirectorGroup group(InetAddress vip, InetAddress self, int priority, Map<InetAddress, Integer> peers,
                               boolean heldNow) {
        return group(vip, self, priority, peers, heldNow, true);
    }

    static DirectorGroup group(InetAddress vip, InetAddress self, int priority, Map<InetAddress, Integer> peers,
                               boolean heldNow, boolean eligible) {
        List<Peer> p = peers.entrySet().stream()
                .map(e -> new Peer("node-" + e.getKey().getHostAddress(), e.getValue(), List.of(e.getKey()))).toList();
        return new DirectorGroup(vip, "eth0", Optional.of(self), priority, p, INTERVAL, true, Duration.ZERO, List.of(),
                heldNow, eligible);
    }

    static void await(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + DEADLINE + ": " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Two directors, A at 150 and B at 100, each configured with the other as its peer. */
    private VrrpElection[] pair() {
        VrrpElection a = election();
        VrrpElection b = election();
        a.configure(List.of(group(VIP, A, 150, Map.of(B, 100), false)));
        b.configure(List.of(group(VIP, B, 100, Map.of(A, 150), false)));
        await("A active, B standby", () -> a.role(VIP) == Role.ACTIVE && b.role(VIP) == Role.STANDBY);
        return new VrrpElection[] {a, b};
    }

    @Test
    void theHigherPriorityBecomesActiveAndTheOtherStaysStandby() throws InterruptedException {
        VrrpElection[] ab = pair();
        assertTrue(ab[0].activeSince(VIP).isPresent());
        assertTrue(ab[1].activeSince(VIP).isEmpty());
        long received = ab[1].counters().advertsReceived();
        await("B hears A's adverts", () -> ab[1].counters().advertsReceived() > received + 5);
        assertEquals(Role.STANDBY, ab[1].role(VIP));
        assertEquals(0, ab[1].counters().dropped().values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void aSilentActiveIsReplacedAndTakesTheVipBackWhenItReturns() {
        VrrpElection[] ab = pair();
        AtomicInteger changes = new AtomicInteger();
        ab[1].onChange(changes::incrementAndGet);
        segment.sockets.get(A).silent = true; // node loss: A sends nothing more
        await("B takes over", () -> ab[1].role(VIP) == Role.ACTIVE);
        assertTrue(changes.get() >= 1);
        assertTrue(ab[1].activeSince(VIP).isPresent());
        segment.sockets.get(A).silent = false; // A is back and still believes it is active
        await("A, the higher priority, keeps it; B yields", () -> ab[1].role(VIP) == Role.STANDBY);
        assertEquals(Role.ACTIVE, ab[0].role(VIP));
    }

    @Test
    void aGracefulStopHandsTheVipOverWithPriorityZero() {
        VrrpElection[] ab = pair();
        ab[0].stop(true);
        assertEquals(Role.STANDBY, ab[0].role(VIP), "the leaving node gives the VIP up at once");
        await("B takes over", () -> ab[1].role(VIP) == Role.ACTIVE);
    }

    @Test
    void aRestartedAgentAdoptsTheVipItHoldsWithoutAStandbyTakingIt() throws InterruptedException {
        VrrpElection[] ab = pair();
        long heard = ab[1].counters().advertsReceived();
        ab[0].stop(false); // the agent process ends; the kernel keeps the VIP; its last advert asks for patience
        await("B hears the last advert", () -> ab[1].counters().advertsReceived() > heard);
        Thread.sleep(1_500); // ten Master_Down_Intervals of the usual timers
        assertEquals(Role.STANDBY, ab[1].role(VIP), "B waits out the restart");
        VrrpElection again = election();
        again.configure(List.of(group(VIP, A, 150, Map.of(B, 100), true)));
        assertEquals(Role.ACTIVE, again.role(VIP), "adopted at once, inside configure");
        long transitions = ab[1].counters().transitions();
        long received = ab[1].counters().advertsReceived();
        await("B hears the new agent", () -> ab[1].counters().advertsReceived() > received + 10);
        assertEquals(Role.STANDBY, ab[1].role(VIP));
        assertEquals(transitions, ab[1].counters().transitions(), "B never took the VIP");
        // the new agent's adverts carry the usual interval again: a node loss now fails over as fast as ever
        segment.sockets.get(A).silent = true;
        await("B takes over", () -> ab[1].role(VIP) == Role.ACTIVE);
    }

    @Test
    void aPartitionMakesBothActiveAndHealingLeavesExactlyOne() {
        VrrpElection[] ab = pair();
        segment.cut.add(Set.of(A, B));
        await("both active while cut off", () -> ab[0].role(VIP) == Role.ACTIVE && ab[1].role(VIP) == Role.ACTIVE);
        long epoch = ab[0].announceEpoch(VIP);
        segment.cut.clear();
        await("one active after healing", () -> ab[1].role(VIP) == Role.STANDBY);
        assertEquals(Role.ACTIVE, ab[0].role(VIP));
        assertTrue(ab[0].announceEpoch(VIP) > epoch, "the winner announces the VIP again");
        assertTrue(ab[0].counters().conflicts() >= 1);
    }

    @Test
    void advertsFromStrangersOrUnderUnknownKeysAreDroppedAndCounted() {
        VrrpElection[] ab = pair();
        VrrpAdvert forged = new VrrpAdvert(VrrpElection.vrid(VIP), 254, 5, List.of(VIP));
        segment.deliver(C, B, VrrpCodec.encode(forged, C, B), VrrpCodec.TTL);
        VrrpKey stranger = new VrrpKey(9, "not-the-directors-key".getBytes(StandardCharsets.UTF_8));
        segment.deliver(C, B, VrrpCodec.encode(forged, C, B, stranger, 1), VrrpCodec.TTL);
        segment.deliver(A, B, VrrpCodec.encode(forged.withPriority(254), A, B, K1, Long.MAX_VALUE - 5), 64);
        await("three drops counted", () -> {
            Map<DropReason, Long> d = ab[1].counters().dropped();
            return d.get(DropReason.UNAUTHENTICATED) == 1 && d.get(DropReason.UNKNOWN_KEY) == 1
                    && d.get(DropReason.BAD_TTL) == 1;
        });
        assertEquals(Role.ACTIVE, ab[0].role(VIP));
        assertEquals(Role.STANDBY, ab[1].role(VIP));
    }

    @Test
    void anAuthenticatedAdvertOfAnotherGroupIsNotOurs() {
        VrrpElection[] ab = pair();
        InetAddress other = InetAddress.ofLiteral("198.51.100.100"); // same last byte, so the same VRID
        VrrpAdvert advert = new VrrpAdvert(VrrpElection.vrid(other), 254, 5, List.of(other));
        // C, a director of other VIPs with the same key: neither its sender nor its VIP list is this group's
        segment.deliver(C, B, VrrpCodec.encode(advert, C, B, K1, 1), VrrpCodec.TTL);
        await("counted as not ours", () -> ab[1].counters().notOurs() == 1);
        assertEquals(Role.STANDBY, ab[1].role(VIP));
    }

    @Test
    void keysRotateInThreeStepsWithoutAFailover() {
        AtomicReference<VrrpKeyRing> ringA = new AtomicReference<>(new VrrpKeyRing(List.of(K1)));
        AtomicReference<VrrpKeyRing> ringB = new AtomicReference<>(new VrrpKeyRing(List.of(K1)));
        VrrpElection a = election(ringA);
        VrrpElection b = election(ringB);
        a.configure(List.of(group(VIP, A, 150, Map.of(B, 100), false)));
        b.configure(List.of(group(VIP, B, 100, Map.of(A, 150), false)));
        await("A active", () -> a.role(VIP) == Role.ACTIVE && b.role(VIP) == Role.STANDBY);
        // Step by step, and between steps the keys are read again (every 5 s) before the next one lands.
        for (List<VrrpKey> step : List.of(List.of(K1, K2), List.of(K2, K1), List.of(K2))) {
            ringA.set(new VrrpKeyRing(step));
            ringB.set(new VrrpKeyRing(step));
            long received = b.counters().advertsReceived();
            await("adverts keep arriving over a reload", () -> b.counters().advertsReceived() > received + 150);
        }
        assertEquals(0, b.counters().transitions(), "B never took over");
        assertEquals(0, b.counters().dropped().get(DropReason.UNKNOWN_KEY));
    }

    @Test
    void manyVipsSpreadAcrossTwoDirectorsEachGoToItsHigherPriority() {
        VrrpElection a = election();
        VrrpElection b = election();
        List<DirectorGroup> ga = new ArrayList<>();
        List<DirectorGroup> gb = new ArrayList<>();
        List<InetAddress> vips = new ArrayList<>();
        for (int i = 0; i < 300; i++) { // more than the 255 VRIDs
            InetAddress vip = InetAddress.ofLiteral((i < 250 ? "203.0.113." : "198.51.100.") + (i % 250 + 1));
            vips.add(vip);
            boolean aWins = i % 2 == 0;
            ga.add(group(vip, A, aWins ? 150 : 100, Map.of(B, aWins ? 100 : 150), false));
            gb.add(group(vip, B, aWins ? 100 : 150, Map.of(A, aWins ? 150 : 100), false));
        }
        a.configure(ga);
        b.configure(gb);
        await("every VIP on its higher-priority director", () -> {
            for (int i = 0; i < vips.size(); i++) {
                Role wantA = i % 2 == 0 ? Role.ACTIVE : Role.STANDBY;
                Role wantB = wantA == Role.ACTIVE ? Role.STANDBY : Role.ACTIVE;
                if (a.role(vips.get(i)) != wantA || b.role(vips.get(i)) != wantB) {
                    return false;
                }
            }
            return true;
        });
        assertEquals(300, a.vips().size());
    }

    @Test
    void aVipNoLongerDirectedIsGivenUpAndForgotten() {
        VrrpElection[] ab = pair();
        ab[0].configure(List.of());
        assertEquals(Role.STANDBY, ab[0].role(VIP));
        assertTrue(ab[0].vips().isEmpty());
        await("B takes over at once (priority 0)", () -> ab[1].role(VIP) == Role.ACTIVE);
        assertTrue(segment.sockets.get(A).isClosed(), "the unused socket is closed");
    }

    @Test
    void aKeepalivedRouterListedAsACompatibilityPeerTakesPartWithPlainAdverts() {
        InetAddress keepalived = InetAddress.ofLiteral("192.0.2.9");
        FakeLink k = (FakeLink) segment.links().open("eth0", keepalived); // what keepalived's socket receives
        VrrpElection a = new VrrpElection(segment.links(), () -> new VrrpKeyRing(List.of(K1)), Set.of(keepalived),
                Clock.systemUTC());
        elections.add(a);
        a.configure(List.of(group(VIP, A, 150, Map.of(), false)));
        await("A active: nobody else speaks yet", () -> a.role(VIP) == Role.ACTIVE);
        VrrpSocket.Packet p = assertDoesNotThrowPoll(k);
        ReceivedAdvert r = VrrpCodec.decode(p.payload(), A, keepalived);
        assertTrue(r instanceof ReceivedAdvert.Accepted acc && acc.trailer().isEmpty() && acc.advert().priority() == 150,
                "keepalived gets plain RFC 5798 adverts: " + r);
        VrrpAdvert stronger = new VrrpAdvert(VrrpElection.vrid(VIP), 200, 20, List.of(VIP));
        segment.deliver(keepalived, A, VrrpCodec.encode(stronger, keepalived, A), VrrpCodec.TTL);
        await("A yields to the stronger keepalived router", () -> a.role(VIP) == Role.STANDBY);
    }

    private static VrrpSocket.Packet assertDoesNotThrowPoll(FakeLink link) {
        try {
            VrrpSocket.Packet p = link.inbox.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            if (p == null) {
                throw new AssertionError("no advert reached " + link.source);
            }
            return p;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aDirectorWhoseLocalServiceFailsStandsDownAndReturnsWhenItPasses() {
        VrrpElection[] ab = pair();
        ab[0].configure(List.of(group(VIP, A, 150, Map.of(B, 100), true, false)));
        assertEquals(Role.STANDBY, ab[0].role(VIP), "A gives the VIP up at once");
        await("B takes over (priority 0 from A)", () -> ab[1].role(VIP) == Role.ACTIVE);
        ab[0].configure(List.of(group(VIP, A, 150, Map.of(B, 100), false)));
        await("A, passing again, preempts", () -> ab[0].role(VIP) == Role.ACTIVE && ab[1].role(VIP) == Role.STANDBY);
    }

    @Test
    void keyFilesAreReadWithTheirLinesNamedInErrors() {
        String k = Base64.getEncoder().encodeToString("0123456789abcdef0123".getBytes(StandardCharsets.UTF_8));
        VrrpKeyRing ring = VrrpKeyRing.parse("# directors' keys\n\n2:" + k + "\n1:" + k + "\n", "f");
        assertEquals(2, ring.signing().id());
        assertEquals(2, ring.keys().size());
        assertEquals("f line 1: expected <id>:<base64 secret>",
                assertThrows(IllegalArgumentException.class, () -> VrrpKeyRing.parse("nonsense", "f")).getMessage());
        assertEquals("f line 1: the secret is not base64",
                assertThrows(IllegalArgumentException.class, () -> VrrpKeyRing.parse("1:***", "f")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VrrpKeyRing.parse("1:YWJj", "f"))
                .getMessage().startsWith("f line 1: a VRRP key needs at least 16 bytes"));
        assertEquals("f: key id 1 is listed twice", assertThrows(IllegalArgumentException.class,
                () -> VrrpKeyRing.parse("1:" + k + "\n1:" + k, "f")).getMessage());
        assertEquals("f lists no key",
                assertThrows(IllegalArgumentException.class, () -> VrrpKeyRing.parse("# none\n", "f")).getMessage());
    }
}
