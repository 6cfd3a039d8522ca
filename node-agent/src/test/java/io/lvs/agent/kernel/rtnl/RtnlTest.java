package io.lvs.agent.kernel.rtnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.kernel.testing.Netns;
import io.lvs.agent.kernel.testing.Root;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Links and addresses for real, in fresh network namespaces on the host kernel; {@code ip -j addr} is the oracle. */
class RtnlTest {
    private static final InetAddress VIP4 = InetAddress.ofLiteral("203.0.113.10");
    private static final InetAddress VIP6 = InetAddress.ofLiteral("2001:db8::10");

    private Netns.Pair hosts;
    private Netns ns;
    private Netns peer;
    private Rtnl rtnl;

    @BeforeEach
    void namespaces() {
        Root.assume("creating network namespaces");
        hosts = Netns.pair("rtnl", "veth0", "veth1");
        ns = hosts.a();
        peer = hosts.b();
        rtnl = Rtnl.open(ns.namespace());
    }

    @AfterEach
    void cleanUp() {
        if (rtnl != null) {
            rtnl.close();
        }
        if (hosts != null) {
            hosts.close();
        }
    }

    @Test
    void aFreshNamespaceListsLoopbackAndTheVeth() {
        List<Link> links = rtnl.links();
        assertEquals(List.of("lo", "veth0"), links.stream().map(Link::name).toList());
        Link lo = rtnl.link("lo").orElseThrow();
        assertEquals(links.get(0), lo);
        assertEquals(1, lo.index());
        assertTrue(lo.isLoopback() && lo.isUp() && lo.isRunning());
        assertEquals(65536, lo.mtu());

        Link veth = rtnl.link("veth0").orElseThrow();
        assertEquals(Optional.of("veth"), veth.kind());
        assertEquals(Link.ARPHRD_ETHER, veth.type());
        assertTrue(veth.isUp());
        assertFalse(veth.isLoopback());
        String mac = ns.ip("-br", "link", "show", "dev", "veth0").split("\\s+")[2];
        assertEquals(HardwareAddress.parse(mac), veth.hardwareAddress().orElseThrow());
        assertEquals(Optional.of(veth), rtnl.link(veth.index()));

        assertEquals(Optional.empty(), rtnl.link("nosuch0"));
        assertEquals(Optional.empty(), rtnl.link(99999));
        KernelException e = assertThrows(KernelException.class, () -> rtnl.requireLink("nosuch0"));
        assertTrue(e.is(Errno.ENODEV) && e.getMessage().contains("nosuch0") && e.getMessage().contains(ns.name()), e.getMessage());
    }

    @Test
    void anIpv4VipAppearsOnLoopbackAndDisappearsAgain() {
        Link lo = rtnl.requireLink("lo");

        assertInstanceOf(AddressChange.Applied.class, rtnl.addAddress(lo, VIP4));
        Netns.OracleAddress seen = ns.address("lo", VIP4).orElseThrow(() -> new AssertionError("ip addr does not show the VIP"));
        assertEquals(32, seen.prefixLength());
        assertEquals("global", seen.scope());
        InterfaceAddress mine = rtnl.addresses(lo).stream().filter(a -> a.address().equals(VIP4)).findFirst().orElseThrow();
        assertEquals(new InterfaceAddress(lo.index(), VIP4, 32, Rtnetlink.RT_SCOPE_UNIVERSE,
                java.util.Set.of(AddressFlag.IFA_F_PERMANENT), Optional.of("lo")), mine);

        assertInstanceOf(AddressChange.Applied.class, rtnl.removeAddress(lo, VIP4));
        assertEquals(Optional.empty(), ns.address("lo", VIP4));
        assertTrue(ns.address("lo", InetAddress.ofLiteral("127.0.0.1")).isPresent(), "the rest of lo is untouched");
    }

    @Test
    void anIpv6VipOnTheVethIsUsableAtOnceNotTentative() {
        Link veth = rtnl.requireLink("veth0");

        assertInstanceOf(AddressChange.Applied.class, rtnl.addAddress(veth, VIP6));
        Netns.OracleAddress seen = ns.address("veth0", VIP6).orElseThrow(() -> new AssertionError("ip addr does not show the VIP"));
        assertEquals(128, seen.prefixLength());
        assertTrue(seen.flags().contains("nodad"), seen.toString());
        assertFalse(seen.flags().contains("tentative"), seen.toString());
        InterfaceAddress mine = rtnl.addresses(veth).stream().filter(a -> a.address().equals(VIP6)).findFirst().orElseThrow();
        assertFalse(mine.isTentative());
        assertTrue(mine.flags().contains(AddressFlag.IFA_F_NODAD));

        // usable at once: the peer namespace reaches it without waiting for DAD
        peer.ip("addr", "add", "2001:db8::11/64", "dev", "veth1", "nodad");
        peer.ip("-6", "route", "add", "2001:db8::10/128", "dev", "veth1");
        ns.ip("-6", "route", "add", "2001:db8::11/128", "dev", "veth0");
        assertEquals(0, peer.exec("ping", "-6", "-c", "1", "-W", "2", "2001:db8::10").exitCode(), "ping the VIP");

        assertInstanceOf(AddressChange.Applied.class, rtnl.removeAddress(veth, VIP6));
        assertEquals(Optional.empty(), ns.address("veth0", VIP6));
    }

    @Test
    void anIpv4VipOnTheVethAndAnIpv6VipOnLoopback() {
        Link veth = rtnl.requireLink("veth0");
        Link lo = rtnl.requireLink("lo");
        rtnl.addAddress(veth, VIP4);
        rtnl.addAddress(lo, VIP6);
        assertEquals(32, ns.address("veth0", VIP4).orElseThrow().prefixLength());
        assertEquals(128, ns.address("lo", VIP6).orElseThrow().prefixLength());
        assertFalse(ns.address("lo", VIP6).orElseThrow().flags().contains("tentative"));
        rtnl.removeAddress(veth, VIP4);
        rtnl.removeAddress(lo, VIP6);
        assertEquals(Optional.empty(), ns.address("veth0", VIP4));
        assertEquals(Optional.empty(), ns.address("lo", VIP6));
    }

    @Test
    void reApplyingChangesNothingAndIpMonitorSeesNoEvent() throws Exception {
        Link lo = rtnl.requireLink("lo");
        Link veth = rtnl.requireLink("veth0");
        rtnl.addAddress(lo, VIP4);
        rtnl.addAddress(veth, VIP6);
        List<InterfaceAddress> before = rtnl.addresses();

        Path events = Files.createTempFile("lvs-ipmon", ".txt");
        Process monitor = new ProcessBuilder("ip", "-n", ns.name(), "monitor", "address")
                .redirectErrorStream(true).redirectOutput(events.toFile()).start();
        try {
            // the monitor is listening once it reports a change of ours: a sentinel address
            InetAddress sentinel = InetAddress.ofLiteral("198.51.100.99");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.readString(events).contains("198.51.100.99")) {
                rtnl.addAddress(lo, sentinel);
                rtnl.removeAddress(lo, sentinel);
                assertTrue(System.nanoTime() < deadline, "ip monitor never reported the sentinel");
                Thread.sleep(50);
            }
            Thread.sleep(200);
            int linesBefore = lines(events).size();

            long requests = rtnl.requestsSent();
            assertInstanceOf(AddressChange.Unchanged.class, rtnl.addAddress(lo, VIP4));
            assertInstanceOf(AddressChange.Unchanged.class, rtnl.addAddress(veth, VIP6));
            assertInstanceOf(AddressChange.Unchanged.class, rtnl.removeAddress(lo, InetAddress.ofLiteral("203.0.113.11")));
            assertInstanceOf(AddressChange.Unchanged.class, rtnl.removeAddress(veth, InetAddress.ofLiteral("2001:db8::11")));
            // an add answered EEXIST is confirmed by one dump; a remove answered EADDRNOTAVAIL needs nothing more
            assertEquals(2 * 2 + 2, rtnl.requestsSent() - requests);

            Thread.sleep(300); // give a stray event time to arrive
            assertEquals(List.of(), lines(events).subList(linesBefore, lines(events).size()), "address events after the re-apply");
        } finally {
            monitor.destroy();
            monitor.waitFor(5, TimeUnit.SECONDS);
            Files.deleteIfExists(events);
        }
        assertEquals(before, rtnl.addresses(), "the address table is the same");
    }

    private static List<String> lines(Path p) throws IOException {
        return Files.readAllLines(p, StandardCharsets.UTF_8);
    }

    @Test
    void aBatchOfVipsIsPipelinedAndReportsEachOutcome() {
        Link lo = rtnl.requireLink("lo");
        List<AddressOp> adds = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            adds.add(AddressOp.Add.host(lo, InetAddress.ofLiteral("198.51.100." + i)));
        }
        for (int i = 1; i <= 50; i++) {
            adds.add(AddressOp.Add.host(lo, InetAddress.ofLiteral("2001:db8::1:" + Integer.toHexString(i))));
        }
        long requests = rtnl.requestsSent();
        List<AddressChange> first = rtnl.apply(adds);
        assertEquals(250, first.size());
        assertTrue(first.stream().allMatch(AddressChange::changed), "every add applied");
        assertEquals(250, rtnl.requestsSent() - requests);
        assertEquals(250 + 2, ns.addresses("lo").size(), "ip addr shows the 250 VIPs besides 127.0.0.1 and ::1");

        // half present again, half new: only the new half changes anything
        List<AddressOp> mixed = new ArrayList<>(adds.subList(0, 100));
        mixed.add(AddressOp.Add.host(lo, InetAddress.ofLiteral("192.0.2.200")));
        List<AddressChange> second = rtnl.apply(mixed);
        assertEquals(1, second.stream().filter(AddressChange::changed).count());
        assertTrue(second.subList(0, 100).stream().allMatch(c -> c instanceof AddressChange.Unchanged));

        List<AddressOp> removes = adds.stream().<AddressOp>map(a -> AddressOp.Remove.host(a.link(), a.address())).toList();
        assertTrue(rtnl.apply(removes).stream().allMatch(AddressChange::changed));
        assertTrue(rtnl.apply(removes).stream().allMatch(c -> c instanceof AddressChange.Unchanged));
        assertEquals(1, ns.addresses("lo").stream().filter(a -> a.local().startsWith("19")).count(), "only 192.0.2.200 is left");
    }

    @Test
    void anIpv4AddressPresentUnderAnotherPrefixIsAddedAndThenUnchanged() {
        // IPv4 keeps 192.0.2.50/24 and 192.0.2.50/32 apart; EEXIST for the /32 must not be confused by the /24
        Link veth = rtnl.requireLink("veth0");
        ns.ip("addr", "add", "192.0.2.50/24", "dev", "veth0");
        InetAddress a = InetAddress.ofLiteral("192.0.2.50");
        assertInstanceOf(AddressChange.Applied.class, rtnl.addAddress(veth, a));
        assertInstanceOf(AddressChange.Unchanged.class, rtnl.addAddress(veth, a));
        assertEquals(List.of(24, 32), ns.addresses("veth0").stream().filter(o -> o.address().equals(a))
                .map(Netns.OracleAddress::prefixLength).sorted().toList());
    }

    @Test
    void refusalsNameTheErrnoTheAddressAndTheLink() {
        Link ghost = new Link(4242, "ghost0", 0, Link.ARPHRD_ETHER, 1500, Optional.empty(), Optional.empty());
        KernelException e = assertThrows(KernelException.class, () -> rtnl.addAddress(ghost, VIP4));
        assertTrue(e.is(Errno.ENODEV), e.getMessage());
        assertTrue(e.getMessage().startsWith("RTM_NEWADDR 203.0.113.10/32 on ghost0 (index 4242): ENODEV"), e.getMessage());

        // IPv6 allows an address once per link whatever its prefix: EEXIST is not "unchanged" here
        Link veth = rtnl.requireLink("veth0");
        ns.ip("addr", "add", "2001:db8::10/64", "dev", "veth0", "nodad");
        List<AddressChange> r = rtnl.apply(List.of(AddressOp.Add.host(veth, VIP6), AddressOp.Add.host(veth, VIP4)));
        AddressChange.Failed failed = assertInstanceOf(AddressChange.Failed.class, r.get(0));
        assertTrue(failed.error().is(Errno.EEXIST));
        assertTrue(failed.error().getMessage().contains("2001:db8::10/128 on veth0")
                && failed.error().getMessage().contains("prefix length 64"), failed.error().getMessage());
        assertInstanceOf(AddressChange.Applied.class, r.get(1), "a failure does not stop the batch");
    }

    @Test
    void aLinkIsAddedUpTakenDownFoundAgainByNameAndDeleted() {
        // veth is the kind this host kernel offers (no dummy, no tunnel modules); with no peer named, it makes one
        Link v = rtnl.addLink("lvstest0", "veth", true);
        assertEquals(Optional.of("veth"), v.kind());
        assertTrue(v.isUp());
        assertTrue(ns.ip("-br", "link", "show", "dev", "lvstest0").contains("lvstest0"), "ip sees it");

        rtnl.setLinkUp(v, false);
        assertFalse(rtnl.requireLink("lvstest0").isUp());
        assertTrue(ns.ip("-o", "link", "show", "dev", "lvstest0").contains("state DOWN"));

        Link again = rtnl.addLink("lvstest0", "veth", true);
        assertEquals(v.index(), again.index(), "the same link, found by name and set up: no second one");
        assertTrue(again.isUp());
        assertEquals(Optional.empty(), rtnl.tunnelProtocol("lvstest0"), "a veth carries no tunnel protocol");

        assertTrue(rtnl.deleteLink(again));
        assertEquals(Optional.empty(), rtnl.link("lvstest0"));
        assertFalse(rtnl.deleteLink(again), "gone already");
    }

    @Test
    void aKindThisKernelCannotProvideIsRefusedWithEopnotsupp() {
        KernelException e = assertThrows(KernelException.class, () -> rtnl.addLink("tunl0", "nosuchkind", true));
        assertTrue(e.is(Errno.EOPNOTSUPP), e.getMessage());
        assertTrue(e.getMessage().startsWith("RTM_NEWLINK tunl0 (nosuchkind, up): EOPNOTSUPP"), e.getMessage());
        assertEquals(Optional.empty(), rtnl.link("tunl0"));
    }
}
