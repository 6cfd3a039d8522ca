package io.lvs.agent.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.testing.Netns;
import io.lvs.agent.kernel.testing.Root;
import io.lvs.agent.kernel.vrrp.DropReason;
import io.lvs.agent.kernel.vrrp.VrrpKey;
import io.lvs.agent.model.NodeDesired.DirectorGroup;
import io.lvs.agent.model.NodeDesired.Peer;
import io.lvs.agent.node.ActiveDirectors.Role;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two elections over real raw sockets between two network namespaces (a veth pair), an IPv4 and an IPv6 VIP:
 * adverts go unicast between the node addresses, the higher priority is active for each family, a hand-over
 * moves both, and adverts sealed under another key are dropped by the kernel-facing receiver and counted.
 */
class VrrpElectionOnNetnsTest {
    private static final InetAddress A4 = InetAddress.ofLiteral("192.0.2.2");
    private static final InetAddress B4 = InetAddress.ofLiteral("192.0.2.3");
    private static final InetAddress A6 = InetAddress.ofLiteral("2001:db8::2");
    private static final InetAddress B6 = InetAddress.ofLiteral("2001:db8::3");
    private static final InetAddress VIP4 = InetAddress.ofLiteral("192.0.2.100");
    private static final InetAddress VIP6 = InetAddress.ofLiteral("2001:db8::100");
    private static final VrrpKeyRing RING = new VrrpKeyRing(List.of(
            new VrrpKey(1, "a key both directors share".getBytes(StandardCharsets.UTF_8))));

    private Netns.Pair hosts;
    private final List<VrrpElection> elections = new ArrayList<>();

    @BeforeEach
    void twoNodes() {
        Root.assume("VRRP raw sockets and network namespaces");
        hosts = Netns.pair("vrel", "veth-a", "veth-b");
        hosts.a().ip("addr", "add", "192.0.2.2/24", "dev", "veth-a");
        hosts.b().ip("addr", "add", "192.0.2.3/24", "dev", "veth-b");
        hosts.a().ip("addr", "add", "2001:db8::2/64", "dev", "veth-a", "nodad");
        hosts.b().ip("addr", "add", "2001:db8::3/64", "dev", "veth-b", "nodad");
    }

    @AfterEach
    void cleanUp() {
        elections.forEach(e -> e.stop(false));
        if (hosts != null) {
            hosts.close();
        }
    }

    private VrrpElection election(Netns ns, VrrpKeyRing ring) {
        VrrpElection e = new VrrpElection(VrrpElection.sockets(ns.namespace()), () -> ring, Set.of(),
                Clock.systemUTC());
        elections.add(e);
        return e;
    }

    private static DirectorGroup group(InetAddress vip, String link, InetAddress self, int priority, InetAddress peer,
                                       int peerPriority) {
        return new DirectorGroup(vip, link, Optional.of(self), priority,
                List.of(new Peer("peer", peerPriority, List.of(peer))), Duration.ofMillis(50), true, Duration.ZERO,
                List.of(), false, true);
    }

    @Test
    void bothFamiliesElectOverUnicastAdvertsAndHandOver() {
        VrrpElection a = election(hosts.a(), RING);
        VrrpElection b = election(hosts.b(), RING);
        a.configure(List.of(group(VIP4, "veth-a", A4, 150, B4, 100), group(VIP6, "veth-a", A6, 100, B6, 150)));
        b.configure(List.of(group(VIP4, "veth-b", B4, 100, A4, 150), group(VIP6, "veth-b", B6, 150, A6, 100)));
        VrrpElectionTest.await("A active for the IPv4 VIP, B for the IPv6 one", () -> a.role(VIP4) == Role.ACTIVE
                && b.role(VIP4) == Role.STANDBY && b.role(VIP6) == Role.ACTIVE && a.role(VIP6) == Role.STANDBY);
        long heard = b.counters().advertsReceived();
        VrrpElectionTest.await("adverts keep flowing", () -> b.counters().advertsReceived() > heard + 20
                && a.counters().advertsReceived() > 20);
        assertEquals(Role.ACTIVE, a.role(VIP4));
        assertEquals(Role.ACTIVE, b.role(VIP6));
        a.stop(true);
        VrrpElectionTest.await("B takes the IPv4 VIP over", () -> b.role(VIP4) == Role.ACTIVE);
        assertEquals(Role.ACTIVE, b.role(VIP6));
    }

    @Test
    void advertsUnderAnotherKeyAreDroppedAndBothStayActive() {
        VrrpKeyRing other = new VrrpKeyRing(List.of(
                new VrrpKey(2, "somebody else's key entirely".getBytes(StandardCharsets.UTF_8))));
        VrrpElection a = election(hosts.a(), RING);
        VrrpElection b = election(hosts.b(), other);
        a.configure(List.of(group(VIP4, "veth-a", A4, 150, B4, 100)));
        b.configure(List.of(group(VIP4, "veth-b", B4, 100, A4, 150)));
        VrrpElectionTest.await("the intruder's adverts dropped as of an unknown key",
                () -> a.counters().dropped().get(DropReason.UNKNOWN_KEY) > 5);
        assertEquals(Role.ACTIVE, a.role(VIP4), "nothing unauthenticated takes the VIP from A");
        assertTrue(b.counters().dropped().get(DropReason.UNKNOWN_KEY) > 0);
    }
}
