package io.lvs.agent.kernel.vrrp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.sys.Libc;
import io.lvs.agent.kernel.testing.Cmd;
import io.lvs.agent.kernel.testing.Netns;
import io.lvs.agent.kernel.testing.Root;
import io.lvs.agent.kernel.vrrp.ReceivedAdvert.Accepted;
import io.lvs.agent.kernel.vrrp.ReceivedAdvert.Dropped;
import io.lvs.agent.kernel.vrrp.VrrpSocket.Options;
import io.lvs.agent.kernel.vrrp.VrrpSocket.Packet;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * VRRP adverts over a veth pair between two namespaces, for real: A (192.0.2.2 on veth-a) sends, B (192.0.2.3 on
 * veth-b) receives; what arrives decodes with {@link VrrpCodec}, with the TTL it was sent with.
 */
class VrrpSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final InetAddress A4 = InetAddress.ofLiteral("192.0.2.2");
    private static final InetAddress B4 = InetAddress.ofLiteral("192.0.2.3");
    private static final InetAddress VIP4 = InetAddress.ofLiteral("192.0.2.10");
    private static final InetAddress A6 = InetAddress.ofLiteral("fe80::a");
    private static final InetAddress B6 = InetAddress.ofLiteral("fe80::b");
    private static final InetAddress VIP6 = InetAddress.ofLiteral("2001:db8::10");

    private Netns.Pair hosts;
    private Netns a;
    private Netns b;
    private final List<VrrpSocket> sockets = new ArrayList<>();

    @BeforeEach
    void twoHosts() {
        Root.assume("VRRP raw sockets and network namespaces");
        hosts = Netns.pair("vrrp", "veth-a", "veth-b");
        a = hosts.a();
        b = hosts.b();
        a.ip("addr", "add", "192.0.2.2/24", "dev", "veth-a");
        b.ip("addr", "add", "192.0.2.3/24", "dev", "veth-b");
        a.ip("addr", "add", "fe80::a/64", "dev", "veth-a", "nodad");
        b.ip("addr", "add", "fe80::b/64", "dev", "veth-b", "nodad");
    }

    @AfterEach
    void cleanUp() {
        for (VrrpSocket s : sockets) {
            s.close();
        }
        if (hosts != null) {
            hosts.close();
        }
    }

    private VrrpSocket open(Netns ns, Options options) {
        VrrpSocket s = VrrpSocket.open(ns.namespace(), options);
        sockets.add(s);
        return s;
    }

    private static int index(Netns ns, String device) {
        return ns.namespace().call(() -> Libc.ifNameToIndex(device));
    }

    private static Accepted decode(Packet p) {
        return assertInstanceOf(Accepted.class, VrrpCodec.decode(p.payload(), p.source(), p.destination()), p.toString());
    }

    @Test
    void aUnicastAdvertArrivesWithTtl255AndDecodes() {
        VrrpSocket rx = open(b, Options.from(B4).onDevice("veth-b"));
        VrrpSocket tx = open(a, Options.from(A4).onDevice("veth-a"));
        VrrpAdvert advert = new VrrpAdvert(7, 150, 100, List.of(VIP4));
        byte[] bytes = VrrpCodec.encode(advert, tx.source(), B4);

        tx.send(bytes, B4);
        Packet p = rx.receive(WAIT).orElseThrow(() -> new AssertionError("no advert within " + WAIT));

        assertEquals(A4, p.source());
        assertEquals(B4, p.destination());
        assertEquals(255, p.ttl());
        assertEquals(index(b, "veth-b"), p.ifindex());
        assertArrayEquals(bytes, p.payload(), "the payload is the VRRP message, without the IP header");
        assertEquals(Optional.empty(), VrrpCodec.checkTtl(p.ttl()));
        assertEquals(advert, decode(p).advert());
    }

    @Test
    void anAdvertSentWithTtl64ArrivesWithIt_AndTheTtlCheckDropsIt() {
        // neither socket is bound to a device: the route picks veth-a, the receiver hears every interface
        VrrpSocket rx = open(b, Options.from(B4));
        VrrpSocket tx = open(a, Options.from(A4).withTtl(64));
        VrrpAdvert advert = new VrrpAdvert(9, 100, 100, List.of(VIP4));

        tx.send(VrrpCodec.encode(advert, A4, B4), B4);
        Packet p = rx.receive(WAIT).orElseThrow(() -> new AssertionError("no advert within " + WAIT));

        assertEquals(64, p.ttl());
        assertEquals(index(b, "veth-b"), p.ifindex());
        assertEquals(advert, decode(p).advert(), "the format is fine; only the TTL is wrong");
        Dropped d = VrrpCodec.checkTtl(p.ttl()).orElseThrow();
        assertEquals(DropReason.BAD_TTL, d.reason());
        VrrpKey key = new VrrpKey(1, "0123456789abcdef-key".getBytes(StandardCharsets.US_ASCII));
        Dropped v = assertInstanceOf(Dropped.class,
                new AdvertVerifier(key, Set.of(A4)).verify(p.payload(), p.source(), p.destination(), p.ttl()));
        assertEquals(DropReason.BAD_TTL, v.reason());
    }

    @Test
    void aMulticastAdvertReachesAJoinedSocket_AndTcpdumpReadsItAsVrrpV3() throws Exception {
        VrrpSocket rx = open(b, Options.from(B4).onDevice("veth-b").joiningGroup());
        VrrpSocket tx = open(a, Options.from(A4).onDevice("veth-a"));
        VrrpAdvert advert = new VrrpAdvert(42, 200, 100, List.of(VIP4, InetAddress.ofLiteral("192.0.2.11")));
        byte[] bytes = VrrpCodec.encode(advert, A4, VrrpCodec.GROUP_V4);

        Path pcap = Files.createTempFile("lvs-vrrp", ".pcap");
        Path log = Files.createTempFile("lvs-vrrp", ".log");
        Process tcpdump = new ProcessBuilder("ip", "netns", "exec", b.name(), "tcpdump", "-i", "veth-b", "-Q", "in", "-U",
                "-c", "1", "-w", pcap.toString(), "ip", "proto", "112")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!Files.readString(log).contains("listening on")) {
                assertTrue(tcpdump.isAlive() && System.nanoTime() < deadline,
                        "tcpdump did not start listening: " + Files.readString(log));
                Thread.sleep(20);
            }

            tx.send(bytes, VrrpCodec.GROUP_V4);
            Packet p = rx.receive(WAIT).orElseThrow(() -> new AssertionError("no multicast advert within " + WAIT));
            assertEquals(A4, p.source());
            assertEquals(VrrpCodec.GROUP_V4, p.destination());
            assertEquals(255, p.ttl());
            assertEquals(advert, decode(p).advert());

            assertTrue(tcpdump.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "tcpdump captured nothing: " + Files.readString(log));
            String read = Cmd.ok("tcpdump", "-nn", "-v", "-r", pcap.toString());
            assertTrue(read.contains("ttl 255") && read.contains("proto VRRP (112)"), read);
            assertTrue(read.contains("192.0.2.2 > 224.0.0.18: VRRPv3, Advertisement, vrid 42, prio 200"), read);
            assertTrue(read.contains("addrs(2): 192.0.2.10,192.0.2.11"), read);
        } finally {
            tcpdump.destroy();
            tcpdump.waitFor(5, TimeUnit.SECONDS);
            Files.deleteIfExists(pcap);
            Files.deleteIfExists(log);
        }
    }

    @Test
    void anAdvertSignedWithTheTrailerPassesTheVerifier() {
        VrrpSocket rx = open(b, Options.from(B4).onDevice("veth-b").joiningGroup());
        VrrpSocket tx = open(a, Options.from(A4).onDevice("veth-a"));
        VrrpKey key = new VrrpKey(3, "0123456789abcdef-shared".getBytes(StandardCharsets.US_ASCII));
        VrrpAdvert advert = new VrrpAdvert(5, 100, 100, List.of(VIP4));

        tx.send(new AdvertSigner(key, 1000).seal(advert, A4, VrrpCodec.GROUP_V4), VrrpCodec.GROUP_V4);
        Packet p = rx.receive(WAIT).orElseThrow(() -> new AssertionError("no advert within " + WAIT));

        Accepted ok = assertInstanceOf(Accepted.class,
                new AdvertVerifier(key, Set.of()).verify(p.payload(), p.source(), p.destination(), p.ttl()));
        assertEquals(advert, ok.advert());
    }

    @Test
    void theSenderDoesNotHearItsOwnMulticast_AndReceiveTimesOutCleanly() {
        VrrpSocket joined = open(b, Options.from(B4).onDevice("veth-b").joiningGroup());
        VrrpSocket senderSide = open(a, Options.from(A4).onDevice("veth-a").joiningGroup());
        VrrpSocket tx = open(a, Options.from(A4).onDevice("veth-a"));
        tx.send(VrrpCodec.encode(new VrrpAdvert(1, 100, 100, List.of(VIP4)), A4, VrrpCodec.GROUP_V4),
                VrrpCodec.GROUP_V4);
        assertTrue(joined.receive(WAIT).isPresent(), "the joined socket in B gets it");

        // the sender's own host does not loop its multicast back, and nothing else sends
        assertEquals(Optional.empty(), senderSide.receive(Duration.ofMillis(300)));
        assertEquals(Optional.empty(), joined.receive(Duration.ofMillis(300)));
    }

    @Test
    void closingEndsAWaitingReceiver_AndLaterSendsFail() throws Exception {
        VrrpSocket rx = open(b, Options.from(B4).onDevice("veth-b").joiningGroup());
        CompletableFuture<Optional<Packet>> waiting =
                CompletableFuture.supplyAsync(() -> rx.receive(Duration.ofMinutes(5)));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!rx.receiving()) {
            assertTrue(System.nanoTime() < deadline, "the receiver did not start waiting");
            Thread.onSpinWait();
        }

        rx.close();

        assertEquals(Optional.empty(), waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(rx.isClosed());
        assertEquals(Optional.empty(), rx.receive(Duration.ofSeconds(1)));
        KernelException e = assertThrows(KernelException.class,
                () -> rx.send(VrrpCodec.encode(new VrrpAdvert(1, 100, 100, List.of(VIP4)), B4, A4), A4));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        rx.close(); // idempotent
    }

    @Test
    void aSourceAddressThisHostDoesNotHaveIsRefused() {
        VrrpSocket tx = open(a, Options.from(InetAddress.ofLiteral("192.0.2.99")).onDevice("veth-a"));
        byte[] bytes = VrrpCodec.encode(new VrrpAdvert(1, 100, 100, List.of(VIP4)), tx.source(), B4);
        assertThrows(KernelException.class, () -> tx.send(bytes, B4));
    }

    @Test
    void aMissingDeviceIsReportedWhenOpening() {
        KernelException e = assertThrows(KernelException.class,
                () -> open(a, Options.from(A4).onDevice("no-such-dev")));
        assertTrue(e.getMessage().contains("no-such-dev"), e.getMessage());
    }

    @Test
    void ipv6AdvertsToFf02_12AndUnicastArriveWithHopLimit255() {
        VrrpSocket rx = open(b, Options.from(B6).onDevice("veth-b").joiningGroup());
        VrrpSocket tx = open(a, Options.from(A6).onDevice("veth-a"));
        VrrpAdvert advert = new VrrpAdvert(11, 120, 100, List.of(VIP6));

        byte[] multicast = VrrpCodec.encode(advert, A6, VrrpCodec.GROUP_V6);
        tx.send(multicast, VrrpCodec.GROUP_V6);
        Packet m = rx.receive(WAIT).orElseThrow(() -> new AssertionError("no IPv6 multicast advert within " + WAIT));
        assertEquals(A6, m.source());
        assertEquals(VrrpCodec.GROUP_V6, m.destination());
        assertEquals(255, m.ttl());
        assertEquals(index(b, "veth-b"), m.ifindex());
        assertArrayEquals(multicast, m.payload());
        assertEquals(advert, decode(m).advert());

        tx.send(VrrpCodec.encode(advert, A6, B6), B6);
        Packet u = rx.receive(WAIT).orElseThrow(() -> new AssertionError("no IPv6 unicast advert within " + WAIT));
        assertEquals(A6, u.source());
        assertEquals(B6, u.destination());
        assertEquals(255, u.ttl());
        assertEquals(advert, decode(u).advert());
    }

    @Test
    void anIpv6AdvertWithHopLimit64IsDroppedByTheTtlCheck() {
        VrrpSocket rx = open(b, Options.from(B6).onDevice("veth-b").joiningGroup());
        VrrpSocket tx = open(a, Options.from(A6).onDevice("veth-a").withTtl(64));
        VrrpAdvert advert = new VrrpAdvert(11, 120, 100, List.of(VIP6));

        tx.send(VrrpCodec.encode(advert, A6, VrrpCodec.GROUP_V6), VrrpCodec.GROUP_V6);
        Packet p = rx.receive(WAIT).orElseThrow(() -> new AssertionError("no IPv6 advert within " + WAIT));

        assertEquals(64, p.ttl());
        assertEquals(DropReason.BAD_TTL, VrrpCodec.checkTtl(p.ttl()).orElseThrow().reason());
    }
}
