package io.lvs.agent.election;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lvs.agent.election.VrrpInstance.Action;
import io.lvs.agent.election.VrrpInstance.State;
import io.lvs.agent.election.VrrpInstance.Step;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Instances exchanging adverts through an in-memory link with a fake clock: adverts arrive at once, in order; a
 * node can die silently (no more adverts) or the link can split into two halves.
 */
class VrrpLinkTest {
    static final InetAddress A = InetAddress.ofLiteral("192.0.2.1");
    static final InetAddress B = InetAddress.ofLiteral("192.0.2.2");
    static final InetAddress C = InetAddress.ofLiteral("192.0.2.3");
    static final InetAddress VIP = InetAddress.ofLiteral("203.0.113.10");
    static final InstanceId ID = new InstanceId(51, Set.of(A, B, C), List.of(VIP));

    /** A node on the link: its instance, whether it runs, which half of a split it is in, and when it became master. */
    static final class Node {
        final VrrpInstance instance;
        boolean alive = true;
        int half;
        final List<Long> becameMaster = new ArrayList<>();
        int vipHolds; // BECOME_MASTER minus BECOME_BACKUP: 1 while it holds the VIP

        Node(InetAddress address, int priority) {
            instance = new VrrpInstance(ID, address, priority, 100, true, Duration.ZERO);
        }
    }

    record Advert(Node from, int priority) {
    }

    static final class Link {
        final List<Node> nodes = new ArrayList<>();
        long now;

        Node add(InetAddress address, int priority) {
            Node n = new Node(address, priority);
            nodes.add(n);
            return n;
        }

        void startAll() {
            for (Node n : nodes) {
                apply(n, n.instance.startup(now));
            }
        }

        /** Runs every timer due up to {@code until}, earliest first, delivering the adverts each one sends. */
        void runUntil(long until) {
            while (true) {
                Node next = null;
                long at = Long.MAX_VALUE;
                for (Node n : nodes) {
                    OptionalLong d = n.instance.deadline();
                    if (n.alive && d.isPresent() && d.getAsLong() <= until && d.getAsLong() < at) {
                        next = n;
                        at = d.getAsLong();
                    }
                }
                if (next == null) {
                    now = until;
                    return;
                }
                now = at;
                apply(next, next.instance.timer(now));
            }
        }

        void shutdown(Node n) {
            apply(n, n.instance.shutdown(now));
            n.alive = false;
        }

        private void apply(Node from, Step step) {
            Deque<Advert> queue = new ArrayDeque<>();
            collect(from, step, queue);
            while (!queue.isEmpty()) {
                Advert a = queue.poll();
                for (Node to : nodes) {
                    if (to != a.from && to.alive && to.half == a.from.half) {
                        collect(to, to.instance.advert(now, a.priority, a.from.instance.primaryAddress(),
                                a.from.instance.advertIntervalCentis()), queue);
                    }
                }
            }
        }

        private void collect(Node n, Step step, Deque<Advert> queue) {
            for (Action action : step.actions()) {
                switch (action) {
                    case SEND_ADVERT -> queue.add(new Advert(n, n.instance.priority()));
                    case SEND_PRIORITY_ZERO -> queue.add(new Advert(n, 0));
                    case BECOME_MASTER -> {
                        n.becameMaster.add(now);
                        n.vipHolds++;
                    }
                    case BECOME_BACKUP -> n.vipHolds = Math.max(0, n.vipHolds - 1);
                }
            }
        }

        List<Node> masters() {
            return nodes.stream().filter(n -> n.alive && n.instance.state() == State.MASTER).toList();
        }

        /** Runs to {@code until} one interval at a time, asserting every interval that only {@code only} holds it. */
        void assertOnlyMasterThrough(Node only, long until) {
            while (now < until) {
                runUntil(Math.min(until, now + 1000));
                assertEquals(List.of(only), masters(), "at " + now);
                for (Node n : nodes) {
                    assertEquals(n == only ? 1 : 0, n.vipHolds, "VIP holds of " + n.instance + " at " + now);
                }
            }
        }
    }

    @Test
    void twoInstancesReachExactlyOneMasterTheHigherPriority() {
        Link link = new Link();
        Node a = link.add(A, 200);
        Node b = link.add(B, 100);
        link.startAll();
        link.runUntil(10_000);
        assertEquals(List.of(a), link.masters());
        assertEquals(List.of(a.instance.masterDownIntervalMillis()), a.becameMaster, "once, after its own MDI");
        assertEquals(List.of(), b.becameMaster, "the backup never took over");
        link.assertOnlyMasterThrough(a, 60_000);
    }

    @Test
    void twoInstancesOfEqualPriorityReachExactlyOneMasterTheHigherAddress() {
        Link link = new Link();
        Node a = link.add(A, 100);
        Node b = link.add(B, 100);
        link.startAll();
        link.runUntil(10_000);
        assertEquals(1, link.masters().size());
        link.assertOnlyMasterThrough(link.masters().getFirst(), 60_000);
        // both Master_Down_Timers run out together; whichever fires first wins, the other accepts (equal priority)
        assertEquals(1, a.becameMaster.size() + b.becameMaster.size(), "one take-over in all");
    }

    @Test
    void killingTheMasterMakesTheBackupMasterAfterMasterDownInterval() {
        Link link = new Link();
        Node a = link.add(A, 200);
        Node b = link.add(B, 100);
        link.startAll();
        link.runUntil(10_000);
        assertEquals(List.of(a), link.masters());
        long lastAdvert = a.instance.deadline().getAsLong() - 1000; // A's adverts are 1000 ms apart
        a.alive = false; // dies: no shutdown, no more adverts
        link.runUntil(lastAdvert + b.instance.masterDownIntervalMillis() - 1);
        assertEquals(State.BACKUP, b.instance.state(), "not before Master_Down_Interval");
        link.runUntil(30_000);
        assertEquals(List.of(lastAdvert + 3609), b.becameMaster); // 3 * 1000 + (256 - 100) * 1000 / 256
        assertEquals(List.of(b), link.masters());
    }

    @Test
    void priorityZeroMakesTheBackupMasterAfterSkewTime() {
        Link link = new Link();
        Node a = link.add(A, 200);
        Node b = link.add(B, 100);
        link.startAll();
        link.runUntil(10_500);
        link.shutdown(a);
        assertEquals(0, a.vipHolds, "the leaving master gave the VIP up");
        link.runUntil(30_000);
        assertEquals(List.of(10_500 + b.instance.skewTimeMillis()), b.becameMaster);
        assertEquals(List.of(10_500L + 609), b.becameMaster);
    }

    @Test
    void theOldMasterComingBackPreemptsTheNewOne() {
        Link link = new Link();
        Node a = link.add(A, 200);
        Node b = link.add(B, 100);
        link.startAll();
        link.runUntil(10_500);
        link.shutdown(a);
        link.runUntil(20_000);
        assertEquals(List.of(b), link.masters());
        a.alive = true;
        link.now = 20_000;
        link.apply(a, a.instance.startup(link.now));
        link.runUntil(30_000);
        assertEquals(List.of(a), link.masters());
        link.assertOnlyMasterThrough(a, 60_000);
    }

    @Test
    void aHealedSplitBrainLeavesTheHigherPriority() {
        Link link = new Link();
        Node a = link.add(A, 100);
        Node b = link.add(B, 200);
        Node c = link.add(C, 150);
        link.startAll();
        link.runUntil(10_000);
        assertEquals(List.of(b), link.masters());
        b.half = 1; // B alone on one side; A and C on the other
        link.runUntil(30_000);
        assertEquals(List.of(b, c), link.masters(), "split brain: a master on each side");
        b.half = 0;
        link.runUntil(32_000); // one advert from either side is enough
        assertEquals(List.of(b), link.masters());
        link.assertOnlyMasterThrough(b, 60_000);
        assertEquals(State.BACKUP, a.instance.state());
    }

    @Test
    void aHealedSplitBrainOfEqualPrioritiesLeavesTheHigherAddress() {
        Link link = new Link();
        Node a = link.add(A, 100);
        Node b = link.add(B, 100);
        link.startAll();
        link.runUntil(10_000);
        Node first = link.masters().getFirst();
        Node other = first == a ? b : a;
        other.half = 1;
        link.runUntil(30_000);
        assertEquals(2, link.masters().size(), "split brain: both masters");
        other.half = 0;
        link.runUntil(32_000);
        assertEquals(List.of(b), link.masters(), "192.0.2.2 is the higher address");
        link.assertOnlyMasterThrough(b, 60_000);
    }
}
