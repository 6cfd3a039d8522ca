package io.lvs.agent.kernel.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.rtnl.HardwareAddress;
import io.lvs.agent.kernel.rtnl.Link;
import io.lvs.agent.kernel.rtnl.Rtnl;
import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.kernel.testing.Capture;
import io.lvs.agent.kernel.testing.Netns;
import io.lvs.agent.kernel.testing.Root;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Namespace A announces a VIP on a veth; namespace B, at the other end, sees the frames in a raw
 * capture (tcpdump) and its kernel moves its neighbour entry for the VIP to A's MAC.
 */
class AnnouncerTest {
    private static final Inet4Address VIP4 = (Inet4Address) InetAddress.ofLiteral("192.0.2.10");
    private static final Inet6Address VIP6 = (Inet6Address) InetAddress.ofLiteral("2001:db8::10");
    /** The MAC B believes the VIP has before the announcement (the old active director). */
    private static final String OLD_MAC = "02:00:5e:00:53:99";

    private Netns.Pair hosts;
    private Netns a;
    private Netns b;
    private Link link;
    private HardwareAddress macA;

    @BeforeEach
    void twoNamespacesOnAVeth() {
        Root.assume("AF_PACKET sockets and network namespaces");
        hosts = Netns.pair("garp", "eth-a", "eth-b");
        a = hosts.a();
        b = hosts.b();
        b.ip("addr", "add", "192.0.2.2/24", "dev", "eth-b");
        b.ip("addr", "add", "2001:db8::2/64", "dev", "eth-b", "nodad");
        try (Rtnl rtnl = Rtnl.open(a.namespace())) {
            link = rtnl.requireLink("eth-a");
            rtnl.addAddress(link, VIP4);
            rtnl.addAddress(link, VIP6);
        }
        macA = link.hardwareAddress().orElseThrow();
    }

    @AfterEach
    void cleanUp() {
        if (hosts != null) {
            hosts.close();
        }
    }

    /** B's neighbour entry for the VIP: "lladdr MAC STATE", or "" when it has none. */
    private String neighbour(InetAddress vip) {
        return b.ip("neigh", "show", vip.getHostAddress(), "dev", "eth-b").strip();
    }

    @Test
    void aGratuitousArpRequestReachesTheOtherNamespaceAndMovesItsArpEntry() {
        b.ip("neigh", "replace", "192.0.2.10", "lladdr", OLD_MAC, "dev", "eth-b", "nud", "reachable");
        try (Capture capture = Capture.start(b, "eth-b", 1, "arp");
             Announcer announcer = Announcer.open(a.namespace())) {
            Announcement sent = announcer.announce(link, VIP4);
            assertEquals(new Announcement(link, VIP4, 1), sent);

            List<Capture.Frame> frames = capture.frames();
            assertEquals(1, frames.size());
            Capture.Frame f = frames.get(0);
            assertTrue(f.summary().contains(macA + " > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806)"), f.summary());
            assertTrue(f.summary().contains("Request who-has 192.0.2.10 (ff:ff:ff:ff:ff:ff) tell 192.0.2.10"), f.summary());
            assertArrayEquals(ArpAnnouncement.request(macA, VIP4), f.bytes(), "the frame on the wire is the one built");
        }
        assertTrue(neighbour(VIP4).contains("lladdr " + macA), "B's ARP entry now points at A: " + neighbour(VIP4));
    }

    @Test
    void theReplyFormCanBeSentToo() {
        try (Capture capture = Capture.start(b, "eth-b", 2, "arp");
             Announcer announcer = Announcer.open(a.namespace(), new Announcer.Options(GarpForm.REQUEST_AND_REPLY, false))) {
            assertEquals(2, announcer.announce(link, VIP4).frames());
            List<Capture.Frame> frames = capture.frames();
            assertTrue(frames.get(0).summary().contains("Request who-has 192.0.2.10 (ff:ff:ff:ff:ff:ff) tell 192.0.2.10"),
                    frames.get(0).summary());
            assertTrue(frames.get(1).summary().contains("Reply 192.0.2.10 is-at " + macA), frames.get(1).summary());
            assertArrayEquals(ArpAnnouncement.reply(macA, VIP4), frames.get(1).bytes());
            assertEquals(2, announcer.framesSent());
        }
    }

    @Test
    void anUnsolicitedNeighbourAdvertisementReachesTheOtherNamespaceAndMovesItsNeighbourEntry() {
        b.ip("-6", "neigh", "replace", "2001:db8::10", "lladdr", OLD_MAC, "dev", "eth-b", "nud", "reachable");
        // neighbour advertisements only: B's own solicitations and reports are left out
        try (Capture capture = Capture.start(b, "eth-b", 1, "icmp6 and ip6[40] == 136");
             Announcer announcer = Announcer.open(a.namespace())) {
            announcer.announce(link, VIP6);
            Capture.Frame f = capture.frames().get(0);
            assertTrue(f.summary().contains(macA + " > 33:33:00:00:00:01, ethertype IPv6 (0x86dd)"), f.summary());
            assertTrue(f.summary().contains("hlim 255"), f.summary());
            assertTrue(f.summary().contains("2001:db8::10 > ff02::1: [icmp6 sum ok] ICMP6, neighbor advertisement"), f.summary());
            assertTrue(f.summary().contains("tgt is 2001:db8::10, Flags [override]"), f.summary());
            assertTrue(f.summary().contains("destination link-address option (2), length 8 (1): " + macA), f.summary());
            assertArrayEquals(NeighborAdvertisement.unsolicited(macA, VIP6, false), f.bytes());
        }
        assertTrue(neighbour(VIP6).contains("lladdr " + macA), "B's neighbour entry now points at A: " + neighbour(VIP6));
    }

    @Test
    void loopbackIsNeverAnnouncedAndADownLinkIsENETDOWN() {
        try (Rtnl rtnl = Rtnl.open(a.namespace()); Announcer announcer = Announcer.open(a.namespace())) {
            IllegalArgumentException lo = assertThrows(IllegalArgumentException.class,
                    () -> announcer.announce(rtnl.requireLink("lo"), VIP4));
            assertTrue(lo.getMessage().contains("on lo (index 1)"), lo.getMessage());

            a.ip("link", "set", "eth-a", "down");
            KernelException down = assertThrows(KernelException.class, () -> announcer.announce(link, VIP4));
            assertTrue(down.is(Errno.ENETDOWN), down.getMessage());
            assertTrue(down.getMessage().contains("gratuitous ARP request 192.0.2.10 on eth-a"), down.getMessage());
        }
    }
}
