package io.lvs.agent.kernel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.testing.Cmd;
import io.lvs.agent.kernel.testing.Netns;
import io.lvs.agent.kernel.testing.Root;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Work in a network namespace runs on that namespace's one worker thread, which stays inside it: reused call after call,
 * never in a namespace that merely has the same name, never deadlocked by calls from within calls, and deaf to the
 * caller's interrupts.
 */
class NetworkNamespaceTest {
    private static final long WAIT_SECONDS = 30;

    @Test
    void callsReuseOneDaemonThreadThatIsInsideTheNamespace() throws Exception {
        Root.assume("network namespaces");
        try (Netns ns = Netns.create("nsreuse")) {
            NetworkNamespace n = ns.namespace();
            Thread first = n.call(Thread::currentThread);
            for (int i = 0; i < 50; i++) {
                assertSame(first, n.call(Thread::currentThread), "call " + i + " ran on the same thread");
            }
            assertTrue(first.isDaemon(), "a worker never keeps the JVM alive");
            assertEquals("netns-" + ns.name(), first.getName());
            assertEquals(inode(Path.of("/var/run/netns", ns.name())), n.call(() -> inode(Path.of("/proc/thread-self/ns/net"))),
                    "the work runs inside the namespace");
            assertNotEquals(inode(Path.of("/proc/thread-self/ns/net")), n.call(() -> inode(Path.of("/proc/thread-self/ns/net"))));
        }
    }

    @Test
    void aNamespaceDeletedAndMadeAgainUnderTheSameNameIsANewOneAndADeletedOneIsAnError() throws Exception {
        Root.assume("network namespaces");
        try (Netns ns = Netns.create("nsagain")) {
            NetworkNamespace n = ns.namespace();
            Path file = Path.of("/var/run/netns", ns.name());
            long before = n.call(() -> inode(Path.of("/proc/thread-self/ns/net")));
            assertEquals(inode(file), before);

            Cmd.ok("ip", "netns", "del", ns.name()); // the worker still holds the old namespace alive
            KernelException gone = assertThrows(KernelException.class, () -> n.call(() -> "never"));
            assertTrue(gone.is(Errno.ENOENT), gone.getMessage());
            assertTrue(gone.getMessage().contains(file.toString()), gone.getMessage());

            Cmd.ok("ip", "netns", "add", ns.name());
            long after = n.call(() -> inode(Path.of("/proc/thread-self/ns/net")));
            assertEquals(inode(file), after, "work runs in the namespace now at that path");
            assertNotEquals(before, after, "not in the one deleted, which a reused thread would still be inside");
        }
    }

    @Test
    void callsFromWithinCallsNeitherDeadlockNorLeaveTheirNamespace() throws Exception {
        Root.assume("network namespaces");
        try (Netns a = Netns.create("nsnest-a"); Netns b = Netns.create("nsnest-b")) {
            NetworkNamespace x = a.namespace();
            NetworkNamespace y = b.namespace();
            long ia = inode(Path.of("/var/run/netns", a.name()));
            long ib = inode(Path.of("/var/run/netns", b.name()));
            CompletableFuture<String> nested = CompletableFuture.supplyAsync(() -> x.call(() -> {
                Thread outer = Thread.currentThread();
                boolean sameThread = x.call(Thread::currentThread) == outer; // the same namespace: right here
                long inY = y.call(() -> x.call(() -> { // x's worker is busy waiting: this must not queue behind it
                    assertEquals(ia, inode(Path.of("/proc/thread-self/ns/net")));
                    return inode(Path.of("/proc/thread-self/ns/net"));
                }) == ia ? inode(Path.of("/proc/thread-self/ns/net")) : -1);
                return sameThread + " " + (inY == ib) + " " + (inode(Path.of("/proc/thread-self/ns/net")) == ia);
            }));
            assertEquals("true true true", nested.get(WAIT_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void aCallWhileTheWorkerIsBusyDoesNotWaitBehindIt() throws Exception {
        Root.assume("network namespaces");
        try (Netns ns = Netns.create("nsbusy")) {
            NetworkNamespace n = ns.namespace();
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch blocking = new CountDownLatch(1);
            CompletableFuture<Void> slow = CompletableFuture.runAsync(() -> n.call(() -> {
                blocking.countDown();
                return release.await(WAIT_SECONDS, TimeUnit.SECONDS);
            }));
            assertTrue(blocking.await(WAIT_SECONDS, TimeUnit.SECONDS));
            long inode = n.call(() -> inode(Path.of("/proc/thread-self/ns/net"))); // would hang if it queued
            assertEquals(inode(Path.of("/var/run/netns", ns.name())), inode);
            release.countDown();
            slow.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    void failuresReachTheCallerAsTheyAreAndTheWorkerGoesOn() throws Exception {
        Root.assume("network namespaces");
        try (Netns ns = Netns.create("nsfail")) {
            NetworkNamespace n = ns.namespace();
            Thread worker = n.call(Thread::currentThread);
            IllegalArgumentException thrown = new IllegalArgumentException("from the work");
            assertSame(thrown, assertThrows(IllegalArgumentException.class, () -> n.call(() -> {
                throw thrown;
            })));
            AssertionError error = new AssertionError("an Error");
            assertSame(error, assertThrows(AssertionError.class, () -> n.call(() -> {
                throw error;
            })));
            IllegalStateException wrapped = assertThrows(IllegalStateException.class, () -> n.call(() -> {
                throw new IOException("checked");
            }));
            assertInstanceOf(IOException.class, wrapped.getCause());
            assertSame(worker, n.call(Thread::currentThread), "the same worker serves on");
        }
    }

    @Test
    void anInterruptedCallerGetsItsResultAndKeepsItsInterruptAndNoInterruptOutlivesItsWork() throws Exception {
        Root.assume("network namespaces");
        try (Netns ns = Netns.create("nsintr")) {
            NetworkNamespace n = ns.namespace();
            Thread.currentThread().interrupt();
            AtomicReference<Boolean> seenByWork = new AtomicReference<>();
            String r;
            try {
                r = n.call(() -> {
                    seenByWork.set(Thread.currentThread().isInterrupted());
                    Thread.sleep(50); // would throw if the caller's interrupt reached the work
                    return "done";
                });
            } finally {
                assertTrue(Thread.interrupted(), "the caller's interrupt is kept for it");
            }
            assertEquals("done", r);
            assertFalse(seenByWork.get());

            // work that leaves its thread interrupted must not break the next work's file channel (a sysctl read)
            n.call(() -> {
                Thread.currentThread().interrupt();
                return null;
            });
            String value = n.call(() -> Files.readString(Path.of("/proc/sys/net/ipv4/conf/lo/arp_ignore")).strip());
            assertTrue(value.matches("\\d+"), value);
        }
    }

    @Test
    void releaseEndsTheWorkerAndTheNextCallStartsAnother() throws Exception {
        Root.assume("network namespaces");
        try (Netns ns = Netns.create("nsrel")) {
            NetworkNamespace n = ns.namespace();
            Thread first = n.call(Thread::currentThread);
            n.release();
            first.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertFalse(first.isAlive(), "released: the thread ended");
            Thread second = n.call(Thread::currentThread);
            assertNotEquals(first, second);
        }
    }

    @Test
    void callsFromManyVirtualThreadsRunInsideAndLeaveTheirCarriersWhereTheyWere() throws Exception {
        Root.assume("network namespaces");
        try (Netns ns = Netns.create("nsvirt")) {
            NetworkNamespace n = ns.namespace();
            long inside = inode(Path.of("/var/run/netns", ns.name()));
            long host = inode(Path.of("/proc/thread-self/ns/net"));
            java.util.List<CompletableFuture<String>> results = new java.util.ArrayList<>();
            try (var virtual = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 200; i++) {
                    results.add(CompletableFuture.supplyAsync(() -> {
                        long in = n.call(() -> inode(Path.of("/proc/thread-self/ns/net")));
                        Thread.yield(); // let carriers change hands between the calls
                        long out = uncheckedInode(Path.of("/proc/thread-self/ns/net"));
                        return (in == inside ? "in" : "outside:" + in) + " " + (out == host ? "host" : "moved:" + out);
                    }, virtual));
                }
                for (CompletableFuture<String> r : results) {
                    assertEquals("in host", r.get(WAIT_SECONDS, TimeUnit.SECONDS),
                            "work ran inside the namespace and no carrier thread was moved into it");
                }
            }
        }
    }

    @Test
    void theCurrentNamespaceRunsOnTheCallingThread() {
        Thread me = Thread.currentThread();
        assertSame(me, NetworkNamespace.current().call(Thread::currentThread));
    }

    private static long uncheckedInode(Path nsFile) {
        try {
            return inode(nsFile);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long inode(Path nsFile) throws IOException {
        return ((Number) Files.getAttribute(nsFile, "unix:ino")).longValue();
    }
}
