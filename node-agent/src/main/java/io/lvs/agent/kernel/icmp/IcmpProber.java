package io.lvs.agent.kernel.icmp;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.InetText;
import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.kernel.sys.Libc;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import io.lvs.agent.kernel.sys.SyscallException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ICMP / ICMPv6 echo for health checks, many probes at once on one raw socket per address family
 * in one network namespace, without a thread per probe.
 *
 * <p>A probe is registered under a sequence number, sent, and completed by the family's receiver
 * thread when a reply with this prober's identifier, that sequence number, this prober's cookie
 * and the probed address as its source arrives; by an ICMP error quoting the request; or by the
 * timeout (the JDK's shared delay scheduler). Every outcome is a value ({@link EchoOutcome}); none
 * is thrown. At most {@link Options#maxInFlight()} probes wait at once; more are rejected at once.
 * Raw sockets need CAP_NET_RAW. Sockets open on first use of their family.
 */
public final class IcmpProber implements AutoCloseable {
    private static final int IPPROTO_ICMP = 1;
    private static final int IPPROTO_ICMPV6 = 58;
    private static final int SOL_RAW = 255;
    private static final int ICMP_FILTER = 1;
    private static final int ICMPV6_FILTER = 1;
    /** How often a blocked receiver looks whether the prober was closed. */
    private static final Duration POLL = Duration.ofMillis(200);
    private static final int RECV_BYTES = 2048;

    /**
     * @param maxInFlight        probes that may wait for an answer at once (at most 65536 per family: the sequence space)
     * @param receiveBufferBytes SO_RCVBUF(FORCE) per socket: room for a burst of replies
     */
    public record Options(int maxInFlight, int receiveBufferBytes) {
        public Options {
            if (maxInFlight < 1 || maxInFlight > 65536 || receiveBufferBytes < 4096) {
                throw new IllegalArgumentException("maxInFlight must be 1..65536 and receiveBufferBytes >= 4096");
            }
        }

        public static Options defaults() {
            return new Options(4096, 4 << 20);
        }
    }

    private final NetworkNamespace namespace;
    private final Options options;
    private final Semaphore permits;
    private final int identifier = ThreadLocalRandom.current().nextInt(1, 0x10000);
    private final long cookie = ThreadLocalRandom.current().nextLong();
    private final java.util.concurrent.atomic.AtomicLong unreadable = new java.util.concurrent.atomic.AtomicLong();
    private Channel ipv4;
    private Channel ipv6;
    private volatile boolean closed;

    private IcmpProber(NetworkNamespace namespace, Options options) {
        this.namespace = namespace;
        this.options = options;
        this.permits = new Semaphore(options.maxInFlight());
    }

    /** A prober whose probes leave from {@code namespace}. */
    public static IcmpProber open(NetworkNamespace namespace, Options options) {
        return new IcmpProber(namespace, options);
    }

    public static IcmpProber open(NetworkNamespace namespace) {
        return open(namespace, Options.defaults());
    }

    /** The ICMP identifier this prober's requests carry. */
    public int identifier() {
        return identifier;
    }

    /**
     * Datagrams the receivers could not make sense of (malformed, see {@link IcmpCodec.Received.Malformed}, or
     * failing to decode at all) and skipped: they went on receiving.
     */
    public long unreadable() {
        return unreadable.get();
    }

    /** Probes waiting for an outcome. */
    public int inFlight() {
        return options.maxInFlight() - permits.availablePermits();
    }

    /**
     * Sends one echo request to {@code target} and returns its outcome, which arrives at the latest
     * {@code timeout} later. Never throws for kernel or network trouble: that is an outcome.
     */
    public CompletableFuture<EchoOutcome> echo(InetAddress target, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (closed) {
            return CompletableFuture.completedFuture(new EchoOutcome.Rejected(target, "the prober is closed"));
        }
        if (!permits.tryAcquire()) {
            return CompletableFuture.completedFuture(new EchoOutcome.Rejected(target,
                    options.maxInFlight() + " probes already in flight"));
        }
        Channel channel;
        try {
            channel = channel(target instanceof Inet6Address);
        } catch (KernelException e) {
            permits.release();
            return CompletableFuture.completedFuture(new EchoOutcome.Failed(target, e));
        }
        return channel.send(target, timeout);
    }

    private synchronized Channel channel(boolean v6) {
        if (closed) {
            throw new KernelException("the ICMP prober on " + namespace + " is closed", Errno.EBADF.number());
        }
        if (v6) {
            if (ipv6 == null) {
                ipv6 = namespace.call(() -> new Channel(true));
            }
            return ipv6;
        }
        if (ipv4 == null) {
            ipv4 = namespace.call(() -> new Channel(false));
        }
        return ipv4;
    }

    /** Stops the receivers, closes the sockets; probes still waiting end as {@link EchoOutcome.Rejected}. */
    @Override
    public void close() {
        Channel a;
        Channel b;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            a = ipv4;
            b = ipv6;
        }
        for (Channel c : new Channel[] {a, b}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Override
    public String toString() {
        return "ICMP prober (identifier " + identifier + ") on " + namespace;
    }

    /** A probe waiting for its outcome; its send time is taken just before sendto, after any lock wait. */
    private static final class Pending {
        final InetAddress target;
        final byte[] targetBytes;
        final CompletableFuture<EchoOutcome> future;
        volatile long sentNanos;

        Pending(InetAddress target, CompletableFuture<EchoOutcome> future) {
            this.target = target;
            this.targetBytes = target.getAddress();
            this.future = future;
            this.sentNanos = System.nanoTime();
        }
    }

    /** One raw socket, its receiver thread and its probes in flight. */
    private final class Channel {
        private final boolean v6;
        private final int fd;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment sendBuf;
        private final MemorySegment sendAddr;
        private final MemorySegment recvBuf;
        private final MemorySegment recvAddr;
        private final MemorySegment recvAddrLen;
        private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
        private final AtomicInteger nextSequence = new AtomicInteger(ThreadLocalRandom.current().nextInt(0x10000));
        private final Thread receiver;
        /** Set under this channel's lock when its socket is closed; sends check it under the same lock. */
        private boolean shut;

        Channel(boolean v6) {
            this.v6 = v6;
            int family = v6 ? Libc.AF_INET6 : Libc.AF_INET;
            int s = Libc.socket(family, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
            try {
                String what = (v6 ? "ICMPv6" : "ICMP") + " raw socket in " + namespace;
                installFilter(s, what);
                try {
                    Libc.setsockopt(s, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, options.receiveBufferBytes(), what);
                } catch (SyscallException e) {
                    Libc.setsockopt(s, Libc.SOL_SOCKET, Libc.SO_RCVBUF, options.receiveBufferBytes(), what);
                }
                MemorySegment tv = arena.allocate(16, 8);
                tv.set(JAVA_LONG, 0, 0);
                tv.set(JAVA_LONG, 8, POLL.toNanos() / 1000);
                Libc.setsockopt(s, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, tv, what);
            } catch (RuntimeException e) {
                Libc.close(s);
                arena.close();
                throw e;
            }
            this.fd = s;
            this.sendBuf = arena.allocate(IcmpCodec.ECHO_LEN, 8);
            this.sendAddr = arena.allocate(28, 4);
            this.recvBuf = arena.allocate(RECV_BYTES, 8);
            this.recvAddr = arena.allocate(28, 4);
            this.recvAddrLen = arena.allocate(JAVA_INT);
            this.receiver = Thread.ofPlatform().daemon().name("icmp" + (v6 ? "6" : "4") + "-receiver-" + identifier)
                    .start(this::receive);
        }

        /** Lets only echo replies and the errors that may quote a request reach the socket. */
        private void installFilter(int s, String what) {
            try (Arena a = Arena.ofConfined()) {
                if (v6) {
                    // struct icmp6_filter: 256 bits, a set bit blocks that type
                    MemorySegment f = a.allocate(32, 4);
                    f.fill((byte) 0xff);
                    for (int type : new int[] {IcmpCodec.ICMPV6_ECHO_REPLY, IcmpCodec.ICMPV6_DEST_UNREACH, IcmpCodec.ICMPV6_TIME_EXCEED}) {
                        long off = (type >> 5) * 4L;
                        f.set(JAVA_INT, off, f.get(JAVA_INT, off) & ~(1 << (type & 31)));
                    }
                    Libc.setsockopt(s, IPPROTO_ICMPV6, ICMPV6_FILTER, f, what);
                } else {
                    // ICMP_FILTER: a 32-bit mask, a set bit blocks that type
                    int pass = (1 << IcmpCodec.ICMP_ECHOREPLY) | (1 << IcmpCodec.ICMP_DEST_UNREACH) | (1 << IcmpCodec.ICMP_TIME_EXCEEDED);
                    Libc.setsockopt(s, SOL_RAW, ICMP_FILTER, ~pass, what);
                }
            }
        }

        CompletableFuture<EchoOutcome> send(InetAddress target, Duration timeout) {
            CompletableFuture<EchoOutcome> future = new CompletableFuture<>();
            Pending p = new Pending(target, future);
            int sequence = register(p);
            future.completeOnTimeout(new EchoOutcome.Timeout(target, timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
            future.whenComplete((outcome, error) -> {
                pending.remove(sequence, p);
                permits.release();
            });
            byte[] request = IcmpCodec.echoRequest(v6, identifier, sequence, cookie);
            String subject = (v6 ? "ICMPv6" : "ICMP") + " echo request to " + InetText.of(target) + " in " + namespace;
            try {
                synchronized (this) {
                    if (shut) {
                        future.complete(new EchoOutcome.Rejected(target, "the prober was closed"));
                        return future;
                    }
                    MemorySegment.copy(request, 0, sendBuf, JAVA_BYTE, 0, request.length);
                    p.sentNanos = System.nanoTime();
                    long sent = Libc.sendto(fd, sendBuf, request.length, 0, sockaddr(target), subject);
                    if (sent != request.length) {
                        future.complete(new EchoOutcome.Failed(target, new KernelException(subject + ": short send",
                                Errno.EIO.number())));
                    }
                }
            } catch (KernelException e) {
                future.complete(new EchoOutcome.Failed(target, e));
            }
            return future;
        }

        /** Takes the next free sequence number; at most maxInFlight (<= 65536) are taken at once. */
        private int register(Pending p) {
            while (true) {
                int s = nextSequence.getAndIncrement() & 0xffff;
                if (pending.putIfAbsent(s, p) == null) {
                    return s;
                }
            }
        }

        /** struct sockaddr_in / sockaddr_in6 of the target, in sendAddr (guarded by this). */
        private MemorySegment sockaddr(InetAddress target) {
            sendAddr.fill((byte) 0);
            byte[] raw = target.getAddress();
            if (v6) {
                sendAddr.set(JAVA_SHORT, 0, (short) Libc.AF_INET6);
                MemorySegment.copy(raw, 0, sendAddr, JAVA_BYTE, 8, 16);
                sendAddr.set(JAVA_INT, 24, ((Inet6Address) target).getScopeId());
                return sendAddr.asSlice(0, 28);
            }
            sendAddr.set(JAVA_SHORT, 0, (short) Libc.AF_INET);
            MemorySegment.copy(raw, 0, sendAddr, JAVA_BYTE, 4, 4);
            return sendAddr.asSlice(0, 16);
        }

        private void receive() {
            byte[] data = new byte[RECV_BYTES];
            while (!closed) {
                long n;
                try {
                    recvAddrLen.set(JAVA_INT, 0, 28);
                    n = Libc.recvfrom(fd, recvBuf, RECV_BYTES, 0, recvAddr, recvAddrLen, "ICMP receiver");
                } catch (KernelException e) {
                    if (closed) {
                        return;
                    }
                    // a transient error (the affected probes time out); pause so a lasting one cannot spin
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException ie) {
                        return;
                    }
                    continue;
                }
                if (n < 0) {
                    continue; // the poll timeout: look at `closed` again
                }
                long now = System.nanoTime();
                int len = (int) Math.min(n, RECV_BYTES);
                MemorySegment.copy(recvBuf, JAVA_BYTE, 0, data, 0, len);
                byte[] source = v6 ? recvAddr.asSlice(8, 16).toArray(JAVA_BYTE) : recvAddr.asSlice(4, 4).toArray(JAVA_BYTE);
                try {
                    Optional<IcmpCodec.Received> r = v6 ? IcmpCodec.parseIpv6(data, len) : IcmpCodec.parseIpv4(data, len);
                    r.ifPresent(received -> match(received, source, now));
                } catch (RuntimeException e) {
                    // one datagram nobody foresaw must not end the receiver (and every ICMP check with it)
                    unreadable.incrementAndGet();
                }
            }
        }

        private void match(IcmpCodec.Received received, byte[] source, long now) {
            switch (received) {
                case IcmpCodec.Received.EchoReply reply -> {
                    Pending p = pending.get(reply.sequence());
                    if (reply.identifier() == identifier && reply.cookie() == cookie && p != null
                            && Arrays.equals(p.targetBytes, source)) {
                        p.future.complete(new EchoOutcome.Reply(p.target, Duration.ofNanos(now - p.sentNanos),
                                reply.sequence()));
                    }
                }
                case IcmpCodec.Received.Malformed m -> unreadable.incrementAndGet();
                case IcmpCodec.Received.Error error -> {
                    Pending p = pending.get(error.sequence());
                    if (error.identifier() == identifier && p != null
                            && Arrays.equals(p.targetBytes, error.destination().getAddress())) {
                        p.future.complete(new EchoOutcome.Unreachable(p.target, address(source), error.type(),
                                error.code(), Duration.ofNanos(now - p.sentNanos)));
                    }
                }
            }
        }

        private InetAddress address(byte[] raw) {
            try {
                return InetAddress.getByAddress(raw);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e); // 4 or 16 bytes: never
            }
        }

        void close() {
            try {
                receiver.join(POLL.toMillis() * 5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (Pending p : pending.values()) {
                p.future.complete(new EchoOutcome.Rejected(p.target, "the prober was closed"));
            }
            synchronized (this) {
                shut = true;
                Libc.close(fd);
                if (!receiver.isAlive()) {
                    arena.close(); // a receiver stuck past the join keeps its buffers: leaked, never freed under it
                }
            }
        }
    }
}
