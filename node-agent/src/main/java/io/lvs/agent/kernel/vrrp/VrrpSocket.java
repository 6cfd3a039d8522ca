package io.lvs.agent.kernel.vrrp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.lvs.agent.kernel.InetText;
import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.kernel.sys.Libc;
import io.lvs.agent.kernel.sys.Libc.MsgHdr;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The raw IP transport of VRRP advertisements (IP protocol 112) in one network namespace, for one address family.
 *
 * <p>The socket sends with TTL / hop limit 255 (RFC 5798 5.1.1.3, 5.1.2.3) and reports the TTL / hop limit of what it
 * receives, so that {@link VrrpCodec#checkTtl} can drop adverts that crossed a router. The source address of every
 * advert is pinned with an IP_PKTINFO / IPV6_PKTINFO control message, because the advert's checksum covers it: the
 * socket is not bound to that address, which would make the kernel hand it only packets to that address and not the
 * adverts to the multicast group. Multicast adverts are not looped back to the sending host.
 *
 * <p>One thread may receive while others send. {@link #close()} ends a waiting {@link #receive} (it returns empty)
 * and makes later sends fail. Raw sockets need CAP_NET_RAW.
 */
public final class VrrpSocket implements AutoCloseable {
    /** Longest wait in one poll(2); close() wakes a receiver at once, this is only a bound. */
    private static final int POLL_SLICE_MILLIS = 200;
    /** Larger than any advert: an IPv4 header of 60, 8 + 255 * 16 bytes of addresses and the trailer. */
    private static final int RECV_BYTES = 8192;
    private static final int CONTROL_BYTES = 256;
    private static final int SOCKADDR_BYTES = 28;

    /**
     * How to open the socket.
     *
     * @param source    the address adverts are sent from and their checksum is computed with; its family is the
     *                  socket's. For IPv6 it is the interface's link-local address (5.1.2.1).
     * @param device    the interface the socket is bound to (SO_BINDTODEVICE), or null for any
     * @param joinGroup whether to join 224.0.0.18 / ff02::12 on the device (IPv6: a device is needed)
     * @param ttl       the TTL / hop limit sent with: 255, other values only in tests of the TTL check
     */
    public record Options(InetAddress source, String device, boolean joinGroup, int ttl) {
        public Options {
            Objects.requireNonNull(source, "source");
            if (source.isAnyLocalAddress() || source.isMulticastAddress()) {
                throw new IllegalArgumentException("the source must be a unicast address of this host: " + source);
            }
            if (device != null && (device.isEmpty() || device.length() > 15)) {
                throw new IllegalArgumentException("an interface name has 1..15 characters: '" + device + "'");
            }
            if (joinGroup && device == null && source instanceof Inet6Address) {
                throw new IllegalArgumentException("joining ff02::12 needs the device to join it on");
            }
            if (ttl < 1 || ttl > 255) {
                throw new IllegalArgumentException("TTL must be 1..255: " + ttl);
            }
        }

        /** Sending from {@code source} with TTL 255, on any interface, not joined to the group. */
        public static Options from(InetAddress source) {
            return new Options(source, null, false, VrrpCodec.TTL);
        }

        /** The same, bound to {@code interfaceName}. */
        public Options onDevice(String interfaceName) {
            return new Options(source, Objects.requireNonNull(interfaceName), joinGroup, ttl);
        }

        /** The same, joined to the VRRP multicast group of the source's family. */
        public Options joiningGroup() {
            return new Options(source, device, true, ttl);
        }

        /** The same with another TTL: only for tests of the receiver's TTL check. */
        Options withTtl(int newTtl) {
            return new Options(source, device, joinGroup, newTtl);
        }
    }

    /**
     * One received packet: the IP payload (for IPv4 without the IP header) and what {@link VrrpCodec#decode} and
     * {@link AdvertVerifier#verify} need besides.
     *
     * @param ttl     the TTL / hop limit it arrived with
     * @param ifindex the index of the interface it arrived on
     */
    public record Packet(InetAddress source, InetAddress destination, int ttl, int ifindex, byte[] payload) {
        public Packet {
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public String toString() {
            return "VRRP packet from " + InetText.of(source) + " to " + InetText.of(destination) + ", TTL " + ttl
                    + ", on interface " + ifindex + ", " + payload.length + " bytes";
        }
    }

    private final Options options;
    private final boolean v6;
    private final int fd;
    private final int ifindex;
    private final String what;
    private final Arena arena = Arena.ofShared();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ReentrantLock receiveLock = new ReentrantLock();
    private final Object sendLock = new Object();
    // send buffers, guarded by sendLock
    private final MemorySegment sendBuf;
    private final MemorySegment sendName;
    private final MemorySegment sendIov;
    private final MemorySegment sendControl;
    private final MemorySegment sendMsg;
    // receive buffers, guarded by receiveLock
    private final MemorySegment recvBuf;
    private final MemorySegment recvName;
    private final MemorySegment recvIov;
    private final MemorySegment recvControl;
    private final MemorySegment recvMsg;
    private final byte[] recvBytes = new byte[RECV_BYTES];

    private VrrpSocket(NetworkNamespace namespace, Options options) {
        this.options = options;
        this.v6 = options.source() instanceof Inet6Address;
        this.what = "VRRP " + (v6 ? "IPv6" : "IPv4") + " raw socket" + (options.device() == null ? ""
                : " on " + options.device()) + " in " + namespace;
        int s = -1;
        try {
            this.ifindex = options.device() == null ? 0 : Libc.ifNameToIndex(options.device());
            s = Libc.socket(v6 ? Libc.AF_INET6 : Libc.AF_INET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, VrrpCodec.IPPROTO_VRRP);
            configure(s);
        } catch (RuntimeException e) {
            Libc.close(s);
            arena.close();
            throw e;
        }
        this.fd = s;
        this.sendBuf = arena.allocate(RECV_BYTES, 8);
        this.sendName = arena.allocate(SOCKADDR_BYTES, 8);
        this.sendIov = arena.allocate(MsgHdr.IOVEC_SIZE, 8);
        this.sendControl = arena.allocate(CONTROL_BYTES, 8);
        this.sendMsg = arena.allocate(MsgHdr.SIZE, 8);
        this.recvBuf = arena.allocate(RECV_BYTES, 8);
        this.recvName = arena.allocate(SOCKADDR_BYTES, 8);
        this.recvIov = arena.allocate(MsgHdr.IOVEC_SIZE, 8);
        this.recvControl = arena.allocate(CONTROL_BYTES, 8);
        this.recvMsg = arena.allocate(MsgHdr.SIZE, 8);
    }

    /** Opens the socket in {@code namespace}; the device, if any, must exist there. */
    public static VrrpSocket open(NetworkNamespace namespace, Options options) {
        return namespace.call(() -> new VrrpSocket(namespace, options));
    }

    private void configure(int s) {
        try (Arena a = Arena.ofConfined()) {
            if (options.device() != null) {
                Libc.setsockopt(s, Libc.SOL_SOCKET, Libc.SO_BINDTODEVICE, a.allocateFrom(options.device()), what);
            }
            if (v6) {
                Libc.setsockopt(s, Libc.SOL_IPV6, Libc.IPV6_UNICAST_HOPS, options.ttl(), what);
                Libc.setsockopt(s, Libc.SOL_IPV6, Libc.IPV6_MULTICAST_HOPS, options.ttl(), what);
                Libc.setsockopt(s, Libc.SOL_IPV6, Libc.IPV6_MULTICAST_LOOP, 0, what);
                Libc.setsockopt(s, Libc.SOL_IPV6, Libc.IPV6_RECVHOPLIMIT, 1, what);
                Libc.setsockopt(s, Libc.SOL_IPV6, Libc.IPV6_RECVPKTINFO, 1, what);
                if (ifindex != 0) {
                    Libc.setsockopt(s, Libc.SOL_IPV6, Libc.IPV6_MULTICAST_IF, ifindex, what);
                }
                if (options.joinGroup()) {
                    // struct ipv6_mreq { struct in6_addr ipv6mr_multiaddr; int ipv6mr_interface; }
                    MemorySegment m = a.allocate(20, 4);
                    MemorySegment.copy(VrrpCodec.GROUP_V6.getAddress(), 0, m, JAVA_BYTE, 0, 16);
                    m.set(JAVA_INT, 16, ifindex);
                    Libc.setsockopt(s, Libc.SOL_IPV6, Libc.IPV6_ADD_MEMBERSHIP, m, what + " joining ff02::12");
                }
            } else {
                Libc.setsockopt(s, Libc.SOL_IP, Libc.IP_TTL, options.ttl(), what);
                Libc.setsockopt(s, Libc.SOL_IP, Libc.IP_MULTICAST_TTL, options.ttl(), what);
                Libc.setsockopt(s, Libc.SOL_IP, Libc.IP_MULTICAST_LOOP, 0, what);
                Libc.setsockopt(s, Libc.SOL_IP, Libc.IP_RECVTTL, 1, what);
                Libc.setsockopt(s, Libc.SOL_IP, Libc.IP_PKTINFO, 1, what);
                Libc.setsockopt(s, Libc.SOL_IP, Libc.IP_MULTICAST_IF, ipMreqn(a, null), what);
                if (options.joinGroup()) {
                    Libc.setsockopt(s, Libc.SOL_IP, Libc.IP_ADD_MEMBERSHIP, ipMreqn(a, VrrpCodec.GROUP_V4),
                            what + " joining 224.0.0.18");
                }
            }
        }
    }

    /** struct ip_mreqn { in_addr imr_multiaddr; in_addr imr_address; int imr_ifindex; } with the source and device. */
    private MemorySegment ipMreqn(Arena a, Inet4Address group) {
        MemorySegment m = a.allocate(12, 4);
        if (group != null) {
            MemorySegment.copy(group.getAddress(), 0, m, JAVA_BYTE, 0, 4);
        }
        MemorySegment.copy(options.source().getAddress(), 0, m, JAVA_BYTE, 4, 4);
        m.set(JAVA_INT, 8, ifindex);
        return m;
    }

    /** The address adverts leave from: encode them with it. */
    public InetAddress source() {
        return options.source();
    }

    /** Whether this socket is IPv6. */
    public boolean ipv6() {
        return v6;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Whether a thread is inside {@link #receive} (for tests that close under a waiting receiver). */
    boolean receiving() {
        return receiveLock.isLocked();
    }

    /**
     * Sends the VRRP message {@code advert} (the IP payload, as {@link VrrpCodec} encodes it from {@link #source()}
     * to {@code destination}) to {@code destination}: the multicast group or one peer. The checksum covers the
     * destination, so each peer needs its own encoding.
     *
     * @throws KernelException when the kernel refuses it or the socket is closed
     */
    public void send(byte[] advert, InetAddress destination) {
        if ((destination instanceof Inet6Address) != v6) {
            throw new IllegalArgumentException("destination " + destination + " is not of the family of " + what);
        }
        if (advert.length == 0 || advert.length > RECV_BYTES) {
            throw new IllegalArgumentException("a VRRP message of " + advert.length + " bytes");
        }
        String subject = "of a VRRP advert from " + InetText.of(options.source()) + " to " + InetText.of(destination)
                + " on " + what;
        synchronized (sendLock) {
            if (closed.get()) {
                throw new KernelException(what + " is closed", Errno.EBADF.number());
            }
            MemorySegment.copy(advert, 0, sendBuf, JAVA_BYTE, 0, advert.length);
            sendName.fill((byte) 0);
            sendControl.fill((byte) 0);
            byte[] dst = destination.getAddress();
            long nameLen;
            long dataLen;
            if (v6) {
                sendName.set(JAVA_SHORT, 0, (short) Libc.AF_INET6);
                MemorySegment.copy(dst, 0, sendName, JAVA_BYTE, 8, 16);
                int scope = ((Inet6Address) destination).getScopeId();
                sendName.set(JAVA_INT, 24, scope != 0 ? scope : ifindex);
                nameLen = 28;
                // struct in6_pktinfo { struct in6_addr ipi6_addr; int ipi6_ifindex; }
                dataLen = 20;
                cmsgHeader(Libc.SOL_IPV6, Libc.IPV6_PKTINFO, dataLen);
                MemorySegment.copy(options.source().getAddress(), 0, sendControl, JAVA_BYTE, MsgHdr.CMSG_HDR, 16);
                sendControl.set(JAVA_INT, MsgHdr.CMSG_HDR + 16, ifindex);
            } else {
                sendName.set(JAVA_SHORT, 0, (short) Libc.AF_INET);
                MemorySegment.copy(dst, 0, sendName, JAVA_BYTE, 4, 4);
                nameLen = 16;
                // struct in_pktinfo { int ipi_ifindex; struct in_addr ipi_spec_dst; struct in_addr ipi_addr; }
                dataLen = 12;
                cmsgHeader(Libc.SOL_IP, Libc.IP_PKTINFO, dataLen);
                sendControl.set(JAVA_INT, MsgHdr.CMSG_HDR, ifindex);
                MemorySegment.copy(options.source().getAddress(), 0, sendControl, JAVA_BYTE, MsgHdr.CMSG_HDR + 4, 4);
            }
            fillMsg(sendMsg, sendName, nameLen, sendIov, sendBuf, advert.length, sendControl, MsgHdr.space(dataLen));
            long sent = Libc.sendmsg(fd, sendMsg, 0, subject);
            if (sent != advert.length) {
                throw new KernelException("short send (" + sent + " of " + advert.length + " bytes) " + subject,
                        Errno.EIO.number());
            }
        }
    }

    private void cmsgHeader(int level, int type, long dataLen) {
        sendControl.set(JAVA_LONG, MsgHdr.CMSG_LEN, MsgHdr.CMSG_HDR + dataLen);
        sendControl.set(JAVA_INT, MsgHdr.CMSG_LEVEL, level);
        sendControl.set(JAVA_INT, MsgHdr.CMSG_TYPE, type);
    }

    private static void fillMsg(MemorySegment msg, MemorySegment name, long nameLen, MemorySegment iov,
                                MemorySegment buf, long len, MemorySegment control, long controlLen) {
        iov.set(ADDRESS, MsgHdr.IOVEC_BASE, buf);
        iov.set(JAVA_LONG, MsgHdr.IOVEC_LEN, len);
        msg.fill((byte) 0);
        msg.set(ADDRESS, MsgHdr.NAME, name);
        msg.set(JAVA_INT, MsgHdr.NAMELEN, (int) nameLen);
        msg.set(ADDRESS, MsgHdr.IOV, iov);
        msg.set(JAVA_LONG, MsgHdr.IOVLEN, 1L);
        msg.set(ADDRESS, MsgHdr.CONTROL, control);
        msg.set(JAVA_LONG, MsgHdr.CONTROLLEN, controlLen);
    }

    /**
     * Waits at most {@code timeout} for the next VRRP packet. Empty when the time passed first, or when the socket is
     * (or gets) closed. Packets larger than any advert, and IPv4 packets whose header is malformed, are skipped. One
     * receiver at a time: a second one waits for the first.
     */
    public Optional<Packet> receive(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (closed.get()) {
            return Optional.empty();
        }
        receiveLock.lock();
        try {
            while (true) {
                if (closed.get()) {
                    return Optional.empty();
                }
                long remainingNanos = deadline - System.nanoTime();
                if (remainingNanos <= 0) {
                    return Optional.empty();
                }
                int wait = (int) Math.min(POLL_SLICE_MILLIS, (remainingNanos + 999_999) / 1_000_000);
                int revents = Libc.poll(fd, Libc.POLLIN, wait, "on " + what);
                if (closed.get()) {
                    return Optional.empty();
                }
                if (revents == 0) {
                    continue;
                }
                fillMsg(recvMsg, recvName, SOCKADDR_BYTES, recvIov, recvBuf, RECV_BYTES, recvControl, CONTROL_BYTES);
                long n = Libc.recvmsg(fd, recvMsg, Libc.MSG_DONTWAIT, "on " + what);
                if (n <= 0) {
                    continue; // nothing after all (-EAGAIN), or a shutdown seen before `closed`: look again
                }
                if ((recvMsg.get(JAVA_INT, MsgHdr.FLAGS) & Libc.MSG_TRUNC) != 0) {
                    continue;
                }
                Optional<Packet> p = parse((int) n);
                if (p.isPresent()) {
                    return p;
                }
            }
        } finally {
            receiveLock.unlock();
        }
    }

    private Optional<Packet> parse(int n) {
        MemorySegment.copy(recvBuf, JAVA_BYTE, 0, recvBytes, 0, n);
        int ttl = -1;
        byte[] pktinfoDestination = null;
        int arrivedOn = 0;
        long controlLen = recvMsg.get(JAVA_LONG, MsgHdr.CONTROLLEN);
        for (long off = 0; off + MsgHdr.CMSG_HDR <= controlLen; ) {
            long len = recvControl.get(JAVA_LONG, off + MsgHdr.CMSG_LEN);
            if (len < MsgHdr.CMSG_HDR || off + len > controlLen) {
                break;
            }
            int level = recvControl.get(JAVA_INT, off + MsgHdr.CMSG_LEVEL);
            int type = recvControl.get(JAVA_INT, off + MsgHdr.CMSG_TYPE);
            long data = off + MsgHdr.CMSG_HDR;
            if (!v6 && level == Libc.SOL_IP && type == Libc.IP_TTL && len >= MsgHdr.CMSG_HDR + 4) {
                ttl = recvControl.get(JAVA_INT, data);
            } else if (!v6 && level == Libc.SOL_IP && type == Libc.IP_PKTINFO && len >= MsgHdr.CMSG_HDR + 12) {
                arrivedOn = recvControl.get(JAVA_INT, data); // struct in_pktinfo: ipi_ifindex first
            } else if (v6 && level == Libc.SOL_IPV6 && type == Libc.IPV6_HOPLIMIT && len >= MsgHdr.CMSG_HDR + 4) {
                ttl = recvControl.get(JAVA_INT, data);
            } else if (v6 && level == Libc.SOL_IPV6 && type == Libc.IPV6_PKTINFO && len >= MsgHdr.CMSG_HDR + 20) {
                pktinfoDestination = recvControl.asSlice(data, 16).toArray(JAVA_BYTE);
                arrivedOn = recvControl.get(JAVA_INT, data + 16);
            }
            off += MsgHdr.align(len);
        }
        if (v6) {
            if (pktinfoDestination == null) {
                return Optional.empty(); // IPV6_RECVPKTINFO is on: the kernel always gives it
            }
            byte[] src = recvName.asSlice(8, 16).toArray(JAVA_BYTE);
            int scope = recvName.get(JAVA_INT, 24);
            return Optional.of(new Packet(address6(src, scope), address6(pktinfoDestination, 0), ttl,
                    arrivedOn, Arrays.copyOf(recvBytes, n)));
        }
        // IPv4 raw sockets deliver the IP header
        if (n < 20 || (recvBytes[0] & 0xf0) != 0x40) {
            return Optional.empty();
        }
        int ihl = (recvBytes[0] & 0x0f) * 4;
        if (ihl < 20 || ihl > n) {
            return Optional.empty();
        }
        if (ttl < 0) {
            ttl = recvBytes[8] & 0xff;
        }
        return Optional.of(new Packet(address4(Arrays.copyOfRange(recvBytes, 12, 16)),
                address4(Arrays.copyOfRange(recvBytes, 16, 20)), ttl, arrivedOn, Arrays.copyOfRange(recvBytes, ihl, n)));
    }

    private static InetAddress address4(byte[] a) {
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are an address", e);
        }
    }

    private static InetAddress address6(byte[] a, int scope) {
        try {
            return Inet6Address.getByAddress(null, a, scope != 0 && (a[0] & 0xff) == 0xfe && (a[1] & 0xc0) == 0x80
                    ? scope : -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an address", e);
        }
    }

    /**
     * Closes the socket: a waiting {@link #receive} returns empty at once (shutdown(2) wakes it), later sends fail.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Libc.shutdown(fd, Libc.SHUT_RDWR); // ENOTCONN for an unconnected raw socket, but it wakes the receiver
        receiveLock.lock();
        try {
            synchronized (sendLock) {
                Libc.close(fd);
                arena.close();
            }
        } finally {
            receiveLock.unlock();
        }
    }

    @Override
    public String toString() {
        return what + " from " + InetText.of(options.source());
    }
}
