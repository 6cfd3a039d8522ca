package io.lvs.agent.kernel.icmp;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.packet.InternetChecksum;
import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.kernel.sys.Libc;
import io.lvs.agent.kernel.testing.Netns;
import io.lvs.agent.kernel.testing.Root;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Echo probes from namespace A to hosts in namespace B over a veth, for real: replies with a latency,
 * timeouts for unused addresses, ICMP errors from a router, many probes matched on one socket, a bound
 * on probes in flight, and malformed datagrams skipped. Behaviour, not speed: timeouts that should not
 * fire are generous and every wait is on a condition, so a loaded machine only makes it slower.
 */
class IcmpProberTest {
    /** For probes that must be answered: far longer than any reply takes, even on a busy machine. */
    private static final Duration ANSWERED = Duration.ofSeconds(30);
    /** For probes to addresses nobody has: they must time out, so short enough to wait for. */
    private static final Duration UNANSWERED = Duration.ofMillis(500);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Netns.Pair hosts;
    private Netns a;
    private Netns b;
    private IcmpProber prober;

    @BeforeEach
    void twoHosts() {
        Root.assume("raw ICMP sockets and network namespaces");
        hosts = Netns.pair("icmp", "eth-a", "eth-b");
        a = hosts.a();
        b = hosts.b();
        a.ip("addr", "add", "192.0.2.1/24", "dev", "eth-a");
        b.ip("addr", "add", "192.0.2.2/24", "dev", "eth-b");
        a.ip("addr", "add", "2001:db8::1/64", "dev", "eth-a", "nodad");
        b.ip("addr", "add", "2001:db8::2/64", "dev", "eth-b", "nodad");
        prober = IcmpProber.open(a.namespace());
    }

    @AfterEach
    void cleanUp() {
        if (prober != null) {
            prober.close();
        }
        if (hosts != null) {
            hosts.close();
        }
    }

    private static EchoOutcome await(CompletableFuture<EchoOutcome> f) throws Exception {
        return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void awaitCondition(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aHostInAnotherNamespaceAnswersWithALatency() throws Exception {
        for (String host : List.of("192.0.2.2", "2001:db8::2")) {
            InetAddress target = InetAddress.ofLiteral(host);
            EchoOutcome.Reply r = assertInstanceOf(EchoOutcome.Reply.class, await(prober.echo(target, ANSWERED)), host);
            assertEquals(target, r.target());
            assertTrue(r.latency().isPositive() && r.latency().compareTo(ANSWERED) < 0, r.toString());
            System.out.println("echo " + host + ": " + r.latency().toNanos() / 1000 + " us");
        }
        awaitCondition("every permit back", () -> prober.inFlight() == 0);
    }

    @Test
    void anUnusedDocumentationAddressTimesOutAsAnOutcome() throws Exception {
        for (String host : List.of("192.0.2.99", "2001:db8::99")) {
            long start = System.nanoTime();
            EchoOutcome o = await(prober.echo(InetAddress.ofLiteral(host), UNANSWERED));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(new EchoOutcome.Timeout(InetAddress.ofLiteral(host), UNANSWERED), o);
            // a lower bound only: the timeout never fires early, however late it may fire on a busy machine
            assertTrue(tookMs >= UNANSWERED.toMillis() - 5, "a timeout comes after the timeout: " + tookMs + " ms");
        }
    }

    @Test
    void manyConcurrentProbesOnOneSocketAreMatchedToTheirTargets() throws Exception {
        // B answers for 120 IPv4 and 40 IPv6 addresses on lo; 30 more addresses route to B but nobody has them
        List<InetAddress> alive = new ArrayList<>();
        List<InetAddress> dead = new ArrayList<>();
        for (int i = 1; i <= 120; i++) {
            b.ip("addr", "add", "198.51.100." + i + "/32", "dev", "lo");
            alive.add(InetAddress.ofLiteral("198.51.100." + i));
        }
        for (int i = 1; i <= 40; i++) {
            b.ip("addr", "add", "2001:db8:1::" + Integer.toHexString(i) + "/128", "dev", "lo");
            alive.add(InetAddress.ofLiteral("2001:db8:1::" + Integer.toHexString(i)));
        }
        for (int i = 201; i <= 230; i++) {
            dead.add(InetAddress.ofLiteral("198.51.100." + i));
        }
        a.ip("route", "add", "198.51.100.0/24", "via", "192.0.2.2");
        a.ip("-6", "route", "add", "2001:db8:1::/64", "via", "2001:db8::2");

        // another prober and ping(8) run in the same namespace at the same time: their replies reach our socket too
        try (IcmpProber other = IcmpProber.open(a.namespace())) {
            Process ping = new ProcessBuilder("ip", "netns", "exec", a.name(), "ping", "-q", "-c", "50", "-i", "0.01", "192.0.2.2")
                    .redirectErrorStream(true).start();
            List<CompletableFuture<EchoOutcome>> mine = new ArrayList<>();
            List<CompletableFuture<EchoOutcome>> theirs = new ArrayList<>();
            List<InetAddress> asked = new ArrayList<>();
            for (int round = 0; round < 8; round++) {
                for (InetAddress t : alive) {
                    mine.add(prober.echo(t, ANSWERED));
                    asked.add(t);
                    theirs.add(other.echo(t, ANSWERED));
                }
                for (InetAddress t : dead) {
                    mine.add(prober.echo(t, UNANSWERED));
                    asked.add(t);
                }
            }
            CompletableFuture.allOf(mine.toArray(CompletableFuture[]::new)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            CompletableFuture.allOf(theirs.toArray(CompletableFuture[]::new)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(ping.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));

            Set<Integer> sequences = new HashSet<>();
            int replies = 0;
            for (int i = 0; i < mine.size(); i++) {
                EchoOutcome o = mine.get(i).get();
                assertEquals(asked.get(i), o.target(), "outcome " + i + " is about the address asked");
                if (dead.contains(asked.get(i))) {
                    assertInstanceOf(EchoOutcome.Timeout.class, o, "nobody has " + asked.get(i));
                } else {
                    EchoOutcome.Reply r = assertInstanceOf(EchoOutcome.Reply.class, o, asked.get(i).toString());
                    assertTrue(sequences.add(r.sequence()), "each reply has its own sequence number");
                    replies++;
                }
            }
            assertEquals(8 * alive.size(), replies);
            assertTrue(theirs.stream().allMatch(f -> f.join().alive()), "the other prober got its own replies");
            awaitCondition("every permit back", () -> prober.inFlight() == 0);
            System.out.println("matched " + mine.size() + " probes (" + replies + " replies, " + (mine.size() - replies)
                    + " timeouts) on one socket beside another prober and ping(8)");
        }
    }

    @Test
    void probesInFlightAreBoundedAndTheRestRejectedAtOnce() throws Exception {
        try (IcmpProber small = IcmpProber.open(a.namespace(), new IcmpProber.Options(5, 1 << 16))) {
            List<CompletableFuture<EchoOutcome>> f = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                // the first five wait far longer than this test runs: the bound is full while the rest are asked
                f.add(small.echo(InetAddress.ofLiteral("192.0.2." + (100 + i)), WAIT));
            }
            assertEquals(5, small.inFlight());
            for (int i = 5; i < 10; i++) {
                EchoOutcome.Rejected r = assertInstanceOf(EchoOutcome.Rejected.class, f.get(i).getNow(null));
                assertTrue(r.reason().contains("5 probes already in flight"), r.reason());
            }
            for (int i = 0; i < 5; i++) {
                assertEquals(null, f.get(i).getNow(null), "still waiting");
            }
        }
        // a probe that ends gives its permit back: with room for one, a timed-out probe lets the next one in
        try (IcmpProber one = IcmpProber.open(a.namespace(), new IcmpProber.Options(1, 1 << 16))) {
            assertInstanceOf(EchoOutcome.Timeout.class, await(one.echo(InetAddress.ofLiteral("192.0.2.99"), UNANSWERED)));
            awaitCondition("the permit back", () -> one.inFlight() == 0);
            assertInstanceOf(EchoOutcome.Timeout.class, await(one.echo(InetAddress.ofLiteral("192.0.2.98"), UNANSWERED)),
                    "permits come back");
        }
    }

    @Test
    void aRoutersUnreachableAnswersEndTheProbeEarly() throws Exception {
        b.exec("sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1").requireOk();
        b.ip("route", "add", "unreachable", "203.0.113.0/24");
        b.ip("-6", "route", "add", "unreachable", "2001:db8:ff::/48");
        a.ip("route", "add", "203.0.113.0/24", "via", "192.0.2.2");
        a.ip("-6", "route", "add", "2001:db8:ff::/48", "via", "2001:db8::2");

        // the answer is an Unreachable outcome, not the Timeout that only the full timeout would bring
        EchoOutcome.Unreachable v4 = assertInstanceOf(EchoOutcome.Unreachable.class,
                await(prober.echo(InetAddress.ofLiteral("203.0.113.7"), ANSWERED)));
        assertEquals(InetAddress.ofLiteral("192.0.2.2"), v4.reportedBy());
        assertEquals(IcmpCodec.ICMP_DEST_UNREACH, v4.type());
        assertEquals(1, v4.code(), "host unreachable");

        EchoOutcome.Unreachable v6 = assertInstanceOf(EchoOutcome.Unreachable.class,
                await(prober.echo(InetAddress.ofLiteral("2001:db8:ff::7"), ANSWERED)));
        assertEquals(InetAddress.ofLiteral("2001:db8::2"), v6.reportedBy());
        assertEquals(IcmpCodec.ICMPV6_DEST_UNREACH, v6.type());
        assertTrue(v6.latency().compareTo(ANSWERED) < 0);
    }

    @Test
    void noRouteIsAFailedOutcomeNamingTheErrnoAndTheTarget() throws Exception {
        EchoOutcome.Failed f = assertInstanceOf(EchoOutcome.Failed.class,
                await(prober.echo(InetAddress.ofLiteral("198.51.100.7"), ANSWERED)));
        assertTrue(f.error().is(Errno.ENETUNREACH), f.error().getMessage());
        assertTrue(f.error().getMessage().contains("ICMP echo request to 198.51.100.7 in network namespace"), f.error().getMessage());
        awaitCondition("every permit back", () -> prober.inFlight() == 0);
    }

    @Test
    void closingEndsWaitingProbesAsRejected() throws Exception {
        CompletableFuture<EchoOutcome> waiting = prober.echo(InetAddress.ofLiteral("192.0.2.99"), WAIT);
        prober.close();
        assertInstanceOf(EchoOutcome.Rejected.class, waiting.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertInstanceOf(EchoOutcome.Rejected.class, prober.echo(InetAddress.ofLiteral("192.0.2.2"), ANSWERED).getNow(null));
    }

    @Test
    void malformedDatagramsAreCountedAndSkippedAndTheReceiversGoOn() throws Exception {
        InetAddress v4 = InetAddress.ofLiteral("192.0.2.2");
        InetAddress v6 = InetAddress.ofLiteral("2001:db8::2");
        // open both receivers: a first probe of each family
        assertInstanceOf(EchoOutcome.Reply.class, await(prober.echo(v4, ANSWERED)));
        assertInstanceOf(EchoOutcome.Reply.class, await(prober.echo(v6, ANSWERED)));
        assertEquals(0, prober.unreadable());

        // from B: an echo reply whose checksum is wrong, an IPv4 error quoting no IPv4 packet, an ICMPv6 error
        // quoting no IPv6 packet (the sending kernel checksums ICMPv6 itself, so that one arrives intact)
        InetAddress toA = InetAddress.ofLiteral("192.0.2.1");
        sendRaw(b, toA, hex("00 00 12 34 | 56 78 00 01 | 01 02 03 04 05 06 07 08 00 00 00 00 00 00 00 00"));
        byte[] badQuote = hex("03 01 00 00 00 00 00 00 | 60 00 00 00 00 18 3a 40 00 00 00 00 00 00 00 00 00 00 00 00 "
                + "| 80 00 00 00 12 34 00 02");
        int sum = InternetChecksum.of(badQuote, 0, badQuote.length);
        badQuote[2] = (byte) (sum >>> 8);
        badQuote[3] = (byte) sum;
        sendRaw(b, toA, badQuote);
        sendRaw(b, InetAddress.ofLiteral("2001:db8::1"), hex("01 00 00 00 00 00 00 00 | 45 00 00 2c 00 00 40 00 3f 01 00 00 "
                + "c0 00 02 01 cb 00 71 07 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 | 80 00 00 00 12 34 00 02"));

        awaitCondition("three datagrams counted as unreadable", () -> prober.unreadable() == 3);
        assertInstanceOf(EchoOutcome.Reply.class, await(prober.echo(v4, ANSWERED)), "the IPv4 receiver goes on");
        assertInstanceOf(EchoOutcome.Reply.class, await(prober.echo(v6, ANSWERED)), "the IPv6 receiver goes on");
        assertEquals(3, prober.unreadable());
    }

    /** Sends {@code icmp} as it is from a raw socket in {@code from} (the kernel adds the IP header). */
    private static void sendRaw(Netns from, InetAddress to, byte[] icmp) {
        boolean v6 = to instanceof Inet6Address;
        from.namespace().call(() -> {
            int fd = Libc.socket(v6 ? Libc.AF_INET6 : Libc.AF_INET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, v6 ? 58 : 1);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(icmp.length);
                MemorySegment.copy(icmp, 0, buf, JAVA_BYTE, 0, icmp.length);
                MemorySegment sa = arena.allocate(28, 4);
                byte[] raw = to.getAddress();
                sa.set(JAVA_SHORT, 0, (short) (v6 ? Libc.AF_INET6 : Libc.AF_INET));
                MemorySegment.copy(raw, 0, sa, JAVA_BYTE, v6 ? 8 : 4, raw.length);
                long sent = Libc.sendto(fd, buf, icmp.length, 0, sa.asSlice(0, v6 ? 28 : 16), "a malformed datagram to " + to);
                assertEquals(icmp.length, sent);
            } finally {
                Libc.close(fd);
            }
            return null;
        });
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("[\\s|]", ""));
    }
}
