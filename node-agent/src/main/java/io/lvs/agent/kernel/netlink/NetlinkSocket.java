package io.lvs.agent.kernel.netlink;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.kernel.sys.Libc;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import io.lvs.agent.kernel.sys.SyscallException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A netlink socket to the kernel in one network namespace: requests that are always acknowledged,
 * dumps, and pipelined batches. One socket serves one caller at a time (methods are synchronized).
 *
 * <p>Every request is sent with NLM_F_ACK and matched to its answer by sequence number; messages
 * with another sequence number (late answers to a request that timed out) and datagrams not sent
 * by the kernel are discarded. Interrupted system calls are retried. Batches put many requests in
 * one {@code sendto} and read the acknowledgements with {@code recvmmsg}, sized so that every
 * acknowledgement fits in the receive buffer.
 *
 * <p>Native memory: a socket keeps a 64 KiB receive buffer and a small send buffer; a datagram larger than that
 * and a batch's acknowledgement slots are allocated for the call and freed after it (a batch of thousands of
 * requests needs a megabyte for a moment, which a socket that sends one small request a second should not keep).
 */
public final class NetlinkSocket implements AutoCloseable {

    /**
     * Socket tuning.
     *
     * @param timeout            how long to wait for any answer from the kernel
     * @param receiveBufferBytes SO_RCVBUF(FORCE) request; bounds how many acknowledgements a batch may wait for
     * @param sendBufferBytes    SO_SNDBUF(FORCE) request; bounds the bytes of one batch datagram
     * @param maxBatchMessages   upper bound on requests per batch datagram
     */
    public record Options(Duration timeout, int receiveBufferBytes, int sendBufferBytes, int maxBatchMessages) {
        public Options {
            Objects.requireNonNull(timeout);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            if (receiveBufferBytes < 4096 || sendBufferBytes < 4096 || maxBatchMessages < 1) {
                throw new IllegalArgumentException("buffers must be at least 4096 bytes and batches at least 1 message");
            }
        }

        public static Options defaults() {
            return new Options(Duration.ofSeconds(5), 8 << 20, 4 << 20, 4096);
        }
    }

    /** Receive buffer for dumps and replies: the kernel never builds netlink datagrams above 32 KiB. */
    private static final int RECV_BYTES = 64 * 1024;
    /** Generous upper bound of the kernel memory one queued acknowledgement costs (skb truesize). */
    private static final int ACK_TRUESIZE = 1024;
    /** recvmmsg slots for acknowledgements, and the bytes per slot (an ack with an ext-ack message is < 300). */
    private static final int ACK_SLOTS = 256;
    private static final int ACK_SLOT_BYTES = 1024;
    /** The most a batch datagram may hold. */
    private static final int MAX_BATCH_BYTES = 1 << 20;
    /** The send buffer a socket keeps: larger datagrams get one for the call. */
    private static final int KEPT_SEND_BYTES = 8 * 1024;
    private static final int DUMP_ATTEMPTS = 5;
    private static final int SOCKADDR_NL_BYTES = 12;
    private static final int MMSGHDR_BYTES = 64;
    private static final int IOVEC_BYTES = 16;

    private final int protocol;
    private final NetworkNamespace namespace;
    private final Options options;
    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final int portId;
    private final int batchMessages;
    private final int batchBytes;
    private final MemorySegment recvBuf;
    private final MemorySegment srcAddr;
    private final MemorySegment srcLen;
    private final MemorySegment kernelAddr;
    private final MemorySegment sendBuf;
    private int seq = ThreadLocalRandom.current().nextInt(1, 1 << 30);
    private long requestsSent;
    private long datagramsSent;
    private boolean closed;

    private NetlinkSocket(int protocol, NetworkNamespace namespace, Options options) {
        this.protocol = protocol;
        this.namespace = namespace;
        this.options = options;
        int s = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol);
        try {
            optional(s, Netlink.NETLINK_EXT_ACK, 1);
            optional(s, Netlink.NETLINK_CAP_ACK, 1);
            bufferSize(s, Libc.SO_SNDBUFFORCE, Libc.SO_SNDBUF, options.sendBufferBytes());
            bufferSize(s, Libc.SO_RCVBUFFORCE, Libc.SO_RCVBUF, options.receiveBufferBytes());
            MemorySegment tv = arena.allocate(16);
            tv.set(JAVA_LONG, 0, options.timeout().toSeconds());
            tv.set(JAVA_LONG, 8, options.timeout().toNanosPart() / 1000);
            Libc.setsockopt(s, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, tv, "netlink socket receive timeout");
            Libc.setsockopt(s, Libc.SOL_SOCKET, Libc.SO_SNDTIMEO, tv, "netlink socket send timeout");
            MemorySegment local = sockaddrNl(arena, 0);
            Libc.bind(s, local, "netlink protocol " + protocol);
            MemorySegment bound = arena.allocate(SOCKADDR_NL_BYTES);
            Libc.getsockname(s, bound, "netlink socket");
            this.portId = bound.get(JAVA_INT, 4);
            int rcvbuf = Libc.getsockoptInt(s, Libc.SOL_SOCKET, Libc.SO_RCVBUF, "netlink socket");
            int sndbuf = Libc.getsockoptInt(s, Libc.SOL_SOCKET, Libc.SO_SNDBUF, "netlink socket");
            // Acks that do not fit in the receive queue are dropped (ENOBUFS): never have more in flight.
            this.batchMessages = Math.max(1, Math.min(options.maxBatchMessages(), rcvbuf / ACK_TRUESIZE));
            // netlink_sendmsg refuses datagrams longer than sk_sndbuf - 32.
            this.batchBytes = Math.max(4096, Math.min(MAX_BATCH_BYTES, sndbuf - 64));
        } catch (RuntimeException e) {
            Libc.close(s);
            arena.close();
            throw e;
        }
        this.fd = s;
        this.recvBuf = arena.allocate(RECV_BYTES, 8);
        this.srcAddr = arena.allocate(SOCKADDR_NL_BYTES, 4);
        this.srcLen = arena.allocate(JAVA_INT);
        this.kernelAddr = sockaddrNl(arena, 0);
        this.sendBuf = arena.allocate(Math.min(KEPT_SEND_BYTES, batchBytes), 8);
    }

    /** Opens a socket for {@code protocol} (e.g. {@link Netlink#NETLINK_GENERIC}) inside {@code namespace}. */
    public static NetlinkSocket open(int protocol, NetworkNamespace namespace, Options options) {
        return namespace.call(() -> new NetlinkSocket(protocol, namespace, options));
    }

    public static NetlinkSocket open(int protocol, NetworkNamespace namespace) {
        return open(protocol, namespace, Options.defaults());
    }

    private static MemorySegment sockaddrNl(Arena a, int pid) {
        MemorySegment sa = a.allocate(SOCKADDR_NL_BYTES, 4);
        sa.set(JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
        sa.set(JAVA_INT, 4, pid);
        return sa;
    }

    private static void optional(int s, int option, int value) {
        try {
            Libc.setsockopt(s, Libc.SOL_NETLINK, option, value, "netlink socket");
        } catch (SyscallException e) {
            if (!e.is(Errno.ENOPROTOOPT)) {
                throw e;
            }
        }
    }

    private static void bufferSize(int s, int forced, int plain, int bytes) {
        try {
            Libc.setsockopt(s, Libc.SOL_SOCKET, forced, bytes, "netlink socket");
        } catch (SyscallException e) {
            // Without CAP_NET_ADMIN the kernel caps the size at net.core.[rw]mem_max.
            Libc.setsockopt(s, Libc.SOL_SOCKET, plain, bytes, "netlink socket");
        }
    }

    /** The port id the kernel assigned to this socket. */
    public int portId() {
        return portId;
    }

    public NetworkNamespace namespace() {
        return namespace;
    }

    public int protocol() {
        return protocol;
    }

    /** Requests sent since the socket opened (each dump counts once). */
    public synchronized long requestsSent() {
        return requestsSent;
    }

    /** sendto calls since the socket opened. */
    public synchronized long datagramsSent() {
        return datagramsSent;
    }

    // ------------------------------------------------------------------ public operations

    /** Sends one request and waits for its acknowledgement; throws {@link NetlinkException} on refusal. */
    public synchronized void execute(NetlinkRequest request) {
        transact(request);
    }

    /**
     * Sends one request and returns the messages the kernel answered before its acknowledgement
     * (e.g. the reply to a GET without NLM_F_DUMP).
     */
    public synchronized List<NetlinkMessage> transact(NetlinkRequest request) {
        ensureOpen();
        int s = nextSeq();
        send(List.of(request), s, 0);
        List<NetlinkMessage> replies = new ArrayList<>(2);
        while (true) {
            for (NetlinkMessage m : receive(request.description())) {
                if (m.seq() != s) {
                    continue; // a late answer to an earlier request
                }
                if (m.isError()) {
                    NetlinkError e = NetlinkError.parse(m);
                    if (e.isAck()) {
                        return replies;
                    }
                    throw new NetlinkException(request.description(), -e.error(), e.message());
                }
                replies.add(m);
            }
        }
    }

    /**
     * Sends a dump request (NLM_F_DUMP is added) and returns every message up to NLMSG_DONE. A dump
     * the kernel marks inconsistent (NLM_F_DUMP_INTR: the table changed meanwhile) is restarted.
     */
    public synchronized List<NetlinkMessage> dump(NetlinkRequest request) {
        ensureOpen();
        for (int attempt = 1; ; attempt++) {
            int s = nextSeq();
            send(List.of(request), s, Netlink.NLM_F_DUMP);
            List<NetlinkMessage> out = new ArrayList<>();
            boolean interrupted = false;
            boolean done = false;
            while (!done) {
                for (NetlinkMessage m : receive(request.description())) {
                    if (m.seq() != s) {
                        continue;
                    }
                    if ((m.flags() & Netlink.NLM_F_DUMP_INTR) != 0) {
                        interrupted = true;
                    }
                    if (m.isError()) {
                        NetlinkError e = NetlinkError.parse(m);
                        if (e.isAck()) {
                            done = true; // some families ack a dump after DONE; nothing follows
                            break;
                        }
                        throw new NetlinkException(request.description(), -e.error(), e.message());
                    }
                    if (m.isDone()) {
                        ByteBuffer p = m.body();
                        if (p.remaining() >= 4 && p.getInt(0) < 0) {
                            throw new NetlinkException(request.description(), -p.getInt(0), "");
                        }
                        done = true;
                        break;
                    }
                    out.add(m);
                }
            }
            if (!interrupted) {
                return out;
            }
            if (attempt == DUMP_ATTEMPTS) {
                throw new KernelException(request.description() + ": the kernel table changed during "
                        + DUMP_ATTEMPTS + " dumps in a row (NLM_F_DUMP_INTR); giving up", Errno.EAGAIN.number());
            }
        }
    }

    /**
     * The outcome of {@link #executeAll}: one entry per request, in order; null means acknowledged.
     */
    public record BatchResult(List<NetlinkException> failures, int datagrams) {
        public List<NetlinkException> errors() {
            return failures.stream().filter(Objects::nonNull).toList();
        }
    }

    /**
     * Sends all requests, many per datagram, in order, and collects every acknowledgement. The kernel
     * processes the requests of one datagram in order and keeps going after a failure, so the result
     * names each failed request individually. Requests are never reordered or retried here.
     */
    public synchronized BatchResult executeAll(List<NetlinkRequest> requests) {
        ensureOpen();
        NetlinkException[] failures = new NetlinkException[requests.size()];
        int datagrams = 0;
        int i = 0;
        while (i < requests.size()) {
            int first = i;
            int bytes = 0;
            while (i < requests.size() && i - first < batchMessages) {
                int len = Netlink.align(requests.get(i).wireLength());
                if (len > batchBytes) {
                    throw new IllegalArgumentException(requests.get(i).description() + ": message of " + len
                            + " bytes exceeds the socket's send buffer (" + batchBytes + ")");
                }
                if (bytes + len > batchBytes) {
                    break;
                }
                bytes += len;
                i++;
            }
            List<NetlinkRequest> chunk = requests.subList(first, i);
            int firstSeq = nextSeqs(chunk.size());
            send(chunk, firstSeq, 0);
            datagrams++;
            collectAcks(chunk, firstSeq, failures, first);
        }
        return new BatchResult(Arrays.asList(failures), datagrams);
    }

    /**
     * Joins a multicast group (for rtnetlink e.g. RTNLGRP_IPV4_IFADDR): from now on the kernel sends this socket a
     * message for each change in that group. Give notifications a socket of their own: requests on it skip them (their
     * sequence number is 0), but a busy group would crowd the receive queue.
     */
    public synchronized void joinGroup(int group) {
        ensureOpen();
        Libc.setsockopt(fd, Libc.SOL_NETLINK, Netlink.NETLINK_ADD_MEMBERSHIP, group,
                "netlink socket joining group " + group);
    }

    /**
     * Waits up to the socket's timeout for the next datagram of notifications from the kernel and returns its messages
     * (none on timeout). A {@link KernelException} with ENOBUFS means the queue overflowed and notifications were lost:
     * the caller must read the state again instead of relying on them. Not synchronized with requests: call it from
     * one thread, on a socket used for notifications only, and close the socket after that thread has stopped.
     */
    public List<NetlinkMessage> receiveNotifications() {
        ensureOpen();
        try {
            return receive("notifications");
        } catch (KernelException e) {
            if (e.errnoNumber() == Errno.ETIMEDOUT.number()) {
                return List.of();
            }
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "netlink socket (protocol " + protocol + ", port " + Integer.toUnsignedString(portId) + ", " + namespace + ")";
    }

    // ------------------------------------------------------------------ internals

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private int nextSeq() {
        return nextSeqs(1);
    }

    private int nextSeqs(int n) {
        int first = seq;
        seq += n;
        if (seq <= 0 || seq > (1 << 30)) {
            seq = 1; // keep numbers positive and far from wrapping inside one batch
            first = seq;
            seq += n;
        }
        return first;
    }

    private void send(List<NetlinkRequest> reqs, int firstSeq, int extraFlags) {
        long total = 0;
        for (NetlinkRequest r : reqs) {
            total += Netlink.align(r.wireLength());
        }
        if (total <= sendBuf.byteSize()) {
            send(reqs, firstSeq, extraFlags, sendBuf);
        } else {
            try (Arena call = Arena.ofConfined()) {
                send(reqs, firstSeq, extraFlags, call.allocate(total, 8));
            }
        }
    }

    private void send(List<NetlinkRequest> reqs, int firstSeq, int extraFlags, MemorySegment sendBuf) {
        long off = 0;
        int s = firstSeq;
        for (NetlinkRequest r : reqs) {
            int len = r.wireLength();
            sendBuf.set(JAVA_INT, off, len);
            sendBuf.set(JAVA_SHORT, off + 4, (short) r.type());
            sendBuf.set(JAVA_SHORT, off + 6, (short) (r.flags() | extraFlags | Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK));
            sendBuf.set(JAVA_INT, off + 8, s++);
            sendBuf.set(JAVA_INT, off + 12, portId);
            MemorySegment.copy(r.payload(), 0, sendBuf, JAVA_BYTE, off + Netlink.NLMSG_HDRLEN, r.payload().length);
            int aligned = Netlink.align(len);
            if (aligned > len) {
                sendBuf.asSlice(off + len, aligned - len).fill((byte) 0);
            }
            off += aligned;
        }
        String subject = reqs.size() == 1 ? reqs.get(0).description() : reqs.size() + " requests";
        long sent;
        try {
            sent = Libc.sendto(fd, sendBuf, off, 0, kernelAddr, subject);
        } catch (SyscallException e) {
            if (e.is(Errno.EAGAIN)) {
                throw new KernelException(subject + ": the kernel did not take the request within "
                        + options.timeout().toMillis() + " ms (send timeout)", Errno.ETIMEDOUT.number(), e);
            }
            throw e;
        }
        if (sent != off) {
            throw new KernelException(subject + ": short netlink send (" + sent + " of " + off + " bytes)", Errno.EIO.number());
        }
        requestsSent += reqs.size();
        datagramsSent++;
    }

    /** Receives one datagram from the kernel and splits it into messages. */
    private List<NetlinkMessage> receive(String waitingFor) {
        while (true) {
            srcLen.set(JAVA_INT, 0, SOCKADDR_NL_BYTES);
            long n;
            try {
                n = Libc.recvfrom(fd, recvBuf, RECV_BYTES, Libc.MSG_TRUNC, srcAddr, srcLen, waitingFor);
            } catch (SyscallException e) {
                if (e.is(Errno.ENOBUFS)) {
                    throw new KernelException(waitingFor + ": the socket's receive queue overflowed and the kernel "
                            + "dropped messages (ENOBUFS); the result is unknown, re-read the kernel state", e.errnoNumber(), e);
                }
                throw e;
            }
            if (n == -Errno.EAGAIN.number()) {
                throw new KernelException(waitingFor + ": no answer from the kernel within "
                        + options.timeout().toMillis() + " ms", Errno.ETIMEDOUT.number());
            }
            if (n > RECV_BYTES) {
                throw new NetlinkProtocolException(waitingFor + ": a " + n + "-byte netlink datagram did not fit the "
                        + RECV_BYTES + "-byte receive buffer");
            }
            if (srcAddr.get(JAVA_INT, 4) != 0) {
                continue; // not from the kernel
            }
            ByteBuffer b = recvBuf.asSlice(0, n).asByteBuffer().order(ByteOrder.nativeOrder());
            // Copy: the buffer is reused by the next receive, and callers keep payload views.
            ByteBuffer copy = ByteBuffer.allocate((int) n).order(ByteOrder.nativeOrder());
            copy.put(b).flip();
            return NetlinkMessage.parseAll(copy);
        }
    }

    /** Reads acknowledgements for {@code chunk} (sequence numbers from {@code firstSeq}) with recvmmsg. */
    private void collectAcks(List<NetlinkRequest> chunk, int firstSeq, NetlinkException[] failures, int offset) {
        int slots = Math.min(ACK_SLOTS, chunk.size());
        try (Arena call = Arena.ofConfined()) {
            MemorySegment ackBufs = call.allocate((long) slots * ACK_SLOT_BYTES, 8);
            MemorySegment ackNames = call.allocate((long) slots * SOCKADDR_NL_BYTES, 4);
            MemorySegment ackVec = call.allocate((long) slots * (MMSGHDR_BYTES + IOVEC_BYTES), 8);
            for (int i = 0; i < slots; i++) {
                MemorySegment iov = ackVec.asSlice((long) slots * MMSGHDR_BYTES + (long) i * IOVEC_BYTES, IOVEC_BYTES);
                iov.set(ADDRESS, 0, ackBufs.asSlice((long) i * ACK_SLOT_BYTES, ACK_SLOT_BYTES));
                iov.set(JAVA_LONG, 8, ACK_SLOT_BYTES);
            }
            collectAcks(chunk, firstSeq, failures, offset, slots, ackBufs, ackNames, ackVec);
        }
    }

    private void collectAcks(List<NetlinkRequest> chunk, int firstSeq, NetlinkException[] failures, int offset,
                             int slots, MemorySegment ackBufs, MemorySegment ackNames, MemorySegment ackVec) {
        boolean[] answered = new boolean[chunk.size()];
        int remaining = chunk.size();
        while (remaining > 0) {
            int want = Math.min(slots, remaining);
            for (int i = 0; i < want; i++) {
                MemorySegment h = ackVec.asSlice((long) i * MMSGHDR_BYTES, MMSGHDR_BYTES);
                h.fill((byte) 0);
                h.set(ADDRESS, 0, ackNames.asSlice((long) i * SOCKADDR_NL_BYTES, SOCKADDR_NL_BYTES)); // msg_name
                h.set(JAVA_INT, 8, SOCKADDR_NL_BYTES);
                h.set(ADDRESS, 16, ackVec.asSlice((long) slots * MMSGHDR_BYTES + (long) i * IOVEC_BYTES, IOVEC_BYTES));
                h.set(JAVA_LONG, 24, 1L);
            }
            int got;
            try {
                got = Libc.recvmmsg(fd, ackVec, want, Libc.MSG_WAITFORONE, "acknowledgements for " + chunk.size() + " requests");
            } catch (SyscallException e) {
                if (e.is(Errno.ENOBUFS)) {
                    throw new KernelException("batch of " + chunk.size() + " requests starting with "
                            + chunk.get(0).description() + ": acknowledgements were dropped (ENOBUFS) after "
                            + (chunk.size() - remaining) + " answers; the result is unknown, re-read the kernel state",
                            e.errnoNumber(), e);
                }
                throw e;
            }
            if (got == -Errno.EAGAIN.number()) {
                throw new KernelException("batch starting with " + chunk.get(0).description() + ": " + remaining
                        + " of " + chunk.size() + " requests unanswered after " + options.timeout().toMillis() + " ms",
                        Errno.ETIMEDOUT.number());
            }
            for (int i = 0; i < got; i++) {
                MemorySegment h = ackVec.asSlice((long) i * MMSGHDR_BYTES, MMSGHDR_BYTES);
                int flags = h.get(JAVA_INT, 48);
                int len = h.get(JAVA_INT, 56);
                if (ackNames.get(JAVA_INT, (long) i * SOCKADDR_NL_BYTES + 4) != 0) {
                    continue; // not from the kernel
                }
                if ((flags & Libc.MSG_TRUNC) != 0) {
                    throw new NetlinkProtocolException("batch answer larger than " + ACK_SLOT_BYTES + " bytes (truncated)");
                }
                ByteBuffer b = ackBufs.asSlice((long) i * ACK_SLOT_BYTES, len).asByteBuffer().order(ByteOrder.nativeOrder());
                for (NetlinkMessage m : NetlinkMessage.parseAll(b)) {
                    int idx = m.seq() - firstSeq;
                    if (idx < 0 || idx >= chunk.size() || answered[idx] || !m.isError()) {
                        continue; // not an acknowledgement of this batch
                    }
                    NetlinkError e = NetlinkError.parse(m);
                    answered[idx] = true;
                    remaining--;
                    if (!e.isAck()) {
                        failures[offset + idx] = new NetlinkException(chunk.get(idx).description(), -e.error(), e.message());
                    }
                }
            }
        }
    }
}
