package io.lvs.agent.kernel.icmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.kernel.testing.Netns;
import io.lvs.agent.kernel.testing.Root;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Echo probes from namespace A to hosts in namespace B over a veth, for real: replies with a latency,
 * timeouts for unused addresses, ICMP errors from a router, and many probes matched on one socket.
 */
class IcmpProberTest {
    private static final Duration TIMEOUT = Duration.ofMillis(500);

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
        return f.get(TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    }

    @Test
    void aHostInAnotherNamespaceAnswersWithALatency() throws Exception {
        for (String host : List.of("192.0.2.2", "2001:db8::2")) {
            InetAddress target = InetAddress.ofLiteral(host);
            EchoOutcome.Reply r = assertInstanceOf(EchoOutcome.Reply.class, await(prober.echo(target, TIMEOUT)), host);
            assertEquals(target, r.target());
            assertTrue(r.latency().isPositive() && r.latency().compareTo(TIMEOUT) < 0, r.toString());
            System.out.println("echo " + host + ": " + r.latency().toNanos() / 1000 + " us");
        }
        assertEquals(0, prober.inFlight());
    }

    @Test
    void anUnusedDocumentationAddressTimesOutAsAnOutcome() throws Exception {
        for (String host : List.of("192.0.2.99", "2001:db8::99")) {
            long start = System.nanoTime();
            EchoOutcome o = await(prober.echo(InetAddress.ofLiteral(host), TIMEOUT));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(new EchoOutcome.Timeout(InetAddress.ofLiteral(host), TIMEOUT), o);
            assertTrue(tookMs >= TIMEOUT.toMillis() - 5, "a timeout comes after the timeout: " + tookMs + " ms");
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
                    mine.add(prober.echo(t, Duration.ofSeconds(3)));
                    asked.add(t);
                    theirs.add(other.echo(t, Duration.ofSeconds(3)));
                }
                for (InetAddress t : dead) {
                    mine.add(prober.echo(t, Duration.ofSeconds(1)));
                    asked.add(t);
                }
            }
            assertTrue(prober.inFlight() > 0);
            CompletableFuture.allOf(mine.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            CompletableFuture.allOf(theirs.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            assertTrue(ping.waitFor(20, TimeUnit.SECONDS));

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
            assertEquals(0, prober.inFlight());
            System.out.println("matched " + mine.size() + " probes (" + replies + " replies, " + (mine.size() - replies)
                    + " timeouts) on one socket beside another prober and ping(8)");
        }
    }

    @Test
    void probesInFlightAreBoundedAndTheRestRejectedAtOnce() throws Exception {
        try (IcmpProber small = IcmpProber.open(a.namespace(), new IcmpProber.Options(5, 1 << 16))) {
            List<CompletableFuture<EchoOutcome>> f = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                f.add(small.echo(InetAddress.ofLiteral("192.0.2." + (100 + i)), Duration.ofMillis(300)));
            }
            assertEquals(5, small.inFlight());
            for (int i = 5; i < 10; i++) {
                EchoOutcome.Rejected r = assertInstanceOf(EchoOutcome.Rejected.class, f.get(i).getNow(null));
                assertTrue(r.reason().contains("5 probes already in flight"), r.reason());
            }
            for (int i = 0; i < 5; i++) {
                assertInstanceOf(EchoOutcome.Timeout.class, await(f.get(i)));
            }
            assertEquals(0, small.inFlight());
            assertInstanceOf(EchoOutcome.Timeout.class, await(small.echo(InetAddress.ofLiteral("192.0.2.99"), Duration.ofMillis(50))),
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

        EchoOutcome.Unreachable v4 = assertInstanceOf(EchoOutcome.Unreachable.class,
                await(prober.echo(InetAddress.ofLiteral("203.0.113.7"), Duration.ofSeconds(3))));
        assertEquals(InetAddress.ofLiteral("192.0.2.2"), v4.reportedBy());
        assertEquals(IcmpCodec.ICMP_DEST_UNREACH, v4.type());
        assertEquals(1, v4.code(), "host unreachable");

        EchoOutcome.Unreachable v6 = assertInstanceOf(EchoOutcome.Unreachable.class,
                await(prober.echo(InetAddress.ofLiteral("2001:db8:ff::7"), Duration.ofSeconds(3))));
        assertEquals(InetAddress.ofLiteral("2001:db8::2"), v6.reportedBy());
        assertEquals(IcmpCodec.ICMPV6_DEST_UNREACH, v6.type());
        assertTrue(v6.latency().compareTo(Duration.ofSeconds(3)) < 0);
    }

    @Test
    void noRouteIsAFailedOutcomeNamingTheErrnoAndTheTarget() throws Exception {
        EchoOutcome.Failed f = assertInstanceOf(EchoOutcome.Failed.class,
                await(prober.echo(InetAddress.ofLiteral("198.51.100.7"), TIMEOUT)));
        assertTrue(f.error().is(Errno.ENETUNREACH), f.error().getMessage());
        assertTrue(f.error().getMessage().contains("ICMP echo request to 198.51.100.7 in network namespace"), f.error().getMessage());
        assertEquals(0, prober.inFlight());
    }

    @Test
    void closingEndsWaitingProbesAsRejected() throws Exception {
        CompletableFuture<EchoOutcome> waiting = prober.echo(InetAddress.ofLiteral("192.0.2.99"), Duration.ofSeconds(30));
        prober.close();
        assertInstanceOf(EchoOutcome.Rejected.class, waiting.get(5, TimeUnit.SECONDS));
        assertInstanceOf(EchoOutcome.Rejected.class, prober.echo(InetAddress.ofLiteral("192.0.2.2"), TIMEOUT).getNow(null));
    }
}
