package io.lvs.agent.kernel.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls the data plane needs, bound with the FFM API. Each wrapper returns the call's result
 * or throws {@link SyscallException} with the errno; EINTR is retried here so callers never see it.
 *
 * <p>Constants keep their C names. Values are the Linux x86_64/aarch64 ones (both use the generic
 * socket ABI for everything below).
 */
public final class Libc {
    // socket(2) domains, types and levels
    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_NETLINK = 16;
    public static final int AF_PACKET = 17;
    public static final int AF_INET6 = 10;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SOL_IP = 0;
    public static final int SOL_IPV6 = 41;
    public static final int SOL_PACKET = 263;
    public static final int SOL_NETLINK = 270;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_RCVTIMEO = 20;
    public static final int SO_SNDTIMEO = 21;
    public static final int SO_BINDTODEVICE = 25;
    public static final int SO_SNDBUFFORCE = 32;
    public static final int SO_RCVBUFFORCE = 33;
    public static final int MSG_PEEK = 0x2;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_WAITFORONE = 0x10000;
    public static final int MSG_CTRUNC = 0x8;
    // IPPROTO_IP (SOL_IP) options and control messages
    public static final int IP_TTL = 2;
    public static final int IP_PKTINFO = 8;
    public static final int IP_RECVTTL = 12;
    public static final int IP_MULTICAST_IF = 32;
    public static final int IP_MULTICAST_TTL = 33;
    public static final int IP_MULTICAST_LOOP = 34;
    public static final int IP_ADD_MEMBERSHIP = 35;
    // IPPROTO_IPV6 (SOL_IPV6) options and control messages
    public static final int IPV6_UNICAST_HOPS = 16;
    public static final int IPV6_MULTICAST_IF = 17;
    public static final int IPV6_MULTICAST_HOPS = 18;
    public static final int IPV6_MULTICAST_LOOP = 19;
    public static final int IPV6_ADD_MEMBERSHIP = 20;
    public static final int IPV6_RECVPKTINFO = 49;
    public static final int IPV6_PKTINFO = 50;
    public static final int IPV6_RECVHOPLIMIT = 51;
    public static final int IPV6_HOPLIMIT = 52;
    // poll(2) and shutdown(2)
    public static final short POLLIN = 0x1;
    public static final int SHUT_RDWR = 2;
    // open(2)
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CLOEXEC = 0x80000;
    // setns(2)
    public static final int CLONE_NEWNET = 0x40000000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle SOCKET = bind("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SENDTO = bind("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVFROM = bind("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle RECVMMSG = bind("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SETSOCKOPT = bind("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = bind("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETSOCKNAME = bind("getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle RECVMSG = bind("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDMSG = bind("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle POLL = bind("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SHUTDOWN = bind("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = bind("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SETNS = bind("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    // open(2) is variadic: the mode follows the two fixed arguments.
    private static final MethodHandle OPEN = LINKER.downcallHandle(
            LINKER.defaultLookup().find("open").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2), CAPTURE_ERRNO);

    // An automatic arena per thread's segment: freed once the thread (and so its ThreadLocal value) is gone. The global
    // arena kept every short-lived thread's few bytes for good (a million threads, 36 MB).
    private static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private Libc() {
    }

    private static MethodHandle bind(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(
                LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name)),
                fd, CAPTURE_ERRNO);
    }

    private static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    /** socket(2). */
    public static int socket(int domain, int type, int protocol) {
        MemorySegment cap = CAPTURE.get();
        while (true) {
            int r;
            try {
                r = (int) SOCKET.invokeExact(cap, domain, type, protocol);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (r >= 0) {
                return r;
            }
            int e = errno(cap);
            if (e != Errno.EINTR.number()) {
                throw new SyscallException("socket", "(domain " + domain + ", type " + type + ", protocol " + protocol + ")", e);
            }
        }
    }

    /** bind(2). */
    public static void bind(int fd, MemorySegment addr, String subject) {
        MemorySegment cap = CAPTURE.get();
        int r;
        try {
            r = (int) BIND.invokeExact(cap, fd, addr, (int) addr.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw new SyscallException("bind", subject, errno(cap));
        }
    }

    /** close(2); errors are ignored (the descriptor is released either way on Linux). */
    public static void close(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            int ignored = (int) CLOSE.invokeExact(CAPTURE.get(), fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** sendto(2) of {@code len} bytes of {@code buf}; retries EINTR; returns the bytes sent. */
    public static long sendto(int fd, MemorySegment buf, long len, int flags, MemorySegment dest, String subject) {
        MemorySegment cap = CAPTURE.get();
        MemorySegment addr = dest == null ? MemorySegment.NULL : dest;
        int addrLen = dest == null ? 0 : (int) dest.byteSize();
        while (true) {
            long r;
            try {
                r = (long) SENDTO.invokeExact(cap, fd, buf, len, flags, addr, addrLen);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (r >= 0) {
                return r;
            }
            int e = errno(cap);
            if (e != Errno.EINTR.number()) {
                throw new SyscallException("sendto", subject, e);
            }
        }
    }

    /**
     * recvfrom(2); retries EINTR; returns the byte count (with MSG_TRUNC, the datagram's real length)
     * or -EAGAIN when a receive timeout or MSG_DONTWAIT found nothing.
     */
    public static long recvfrom(int fd, MemorySegment buf, long len, int flags, MemorySegment src, MemorySegment srcLen,
                                String subject) {
        MemorySegment cap = CAPTURE.get();
        MemorySegment from = src == null ? MemorySegment.NULL : src;
        MemorySegment fromLen = srcLen == null ? MemorySegment.NULL : srcLen;
        while (true) {
            long r;
            try {
                r = (long) RECVFROM.invokeExact(cap, fd, buf, len, flags, from, fromLen);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (r >= 0) {
                return r;
            }
            int e = errno(cap);
            if (e == Errno.EAGAIN.number()) {
                return -e;
            }
            if (e != Errno.EINTR.number()) {
                throw new SyscallException("recvfrom", subject, e);
            }
        }
    }

    /**
     * recvmmsg(2) into a prepared {@code struct mmsghdr} array; retries EINTR; returns the number of
     * messages received or -EAGAIN when nothing arrived before the socket's receive timeout.
     */
    public static int recvmmsg(int fd, MemorySegment msgvec, int vlen, int flags, String subject) {
        MemorySegment cap = CAPTURE.get();
        while (true) {
            int r;
            try {
                r = (int) RECVMMSG.invokeExact(cap, fd, msgvec, vlen, flags, MemorySegment.NULL);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (r >= 0) {
                return r;
            }
            int e = errno(cap);
            if (e == Errno.EAGAIN.number()) {
                return -e;
            }
            if (e != Errno.EINTR.number()) {
                throw new SyscallException("recvmmsg", subject, e);
            }
        }
    }

    /** setsockopt(2). */
    public static void setsockopt(int fd, int level, int name, MemorySegment value, String subject) {
        MemorySegment cap = CAPTURE.get();
        int r;
        try {
            r = (int) SETSOCKOPT.invokeExact(cap, fd, level, name, value, (int) value.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw new SyscallException("setsockopt", subject + " (level " + level + ", option " + name + ")", errno(cap));
        }
    }

    /** setsockopt(2) with an int value. */
    public static void setsockopt(int fd, int level, int name, int value, String subject) {
        try (Arena a = Arena.ofConfined()) {
            setsockopt(fd, level, name, a.allocateFrom(JAVA_INT, value), subject);
        }
    }

    /** getsockopt(2) of an int option. */
    public static int getsockoptInt(int fd, int level, int name, String subject) {
        MemorySegment cap = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            MemorySegment len = a.allocateFrom(JAVA_INT, 4);
            int r = (int) GETSOCKOPT.invokeExact(cap, fd, level, name, v, len);
            if (r < 0) {
                throw new SyscallException("getsockopt", subject + " (level " + level + ", option " + name + ")", errno(cap));
            }
            return v.get(JAVA_INT, 0);
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** getsockname(2) into {@code addr}; returns the address length the kernel wrote. */
    public static int getsockname(int fd, MemorySegment addr, String subject) {
        MemorySegment cap = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment len = a.allocateFrom(JAVA_INT, (int) addr.byteSize());
            int r = (int) GETSOCKNAME.invokeExact(cap, fd, addr, len);
            if (r < 0) {
                throw new SyscallException("getsockname", subject, errno(cap));
            }
            return len.get(JAVA_INT, 0);
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * recvmsg(2) into a prepared {@code struct msghdr} (see {@link MsgHdr}); retries EINTR; returns the byte count or
     * -EAGAIN when nothing was there (MSG_DONTWAIT or a receive timeout).
     */
    public static long recvmsg(int fd, MemorySegment msghdr, int flags, String subject) {
        MemorySegment cap = CAPTURE.get();
        while (true) {
            long r;
            try {
                r = (long) RECVMSG.invokeExact(cap, fd, msghdr, flags);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (r >= 0) {
                return r;
            }
            int e = errno(cap);
            if (e == Errno.EAGAIN.number()) {
                return -e;
            }
            if (e != Errno.EINTR.number()) {
                throw new SyscallException("recvmsg", subject, e);
            }
        }
    }

    /** sendmsg(2) of a prepared {@code struct msghdr} (see {@link MsgHdr}); retries EINTR; returns the bytes sent. */
    public static long sendmsg(int fd, MemorySegment msghdr, int flags, String subject) {
        MemorySegment cap = CAPTURE.get();
        while (true) {
            long r;
            try {
                r = (long) SENDMSG.invokeExact(cap, fd, msghdr, flags);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (r >= 0) {
                return r;
            }
            int e = errno(cap);
            if (e != Errno.EINTR.number()) {
                throw new SyscallException("sendmsg", subject, e);
            }
        }
    }

    /**
     * poll(2) of one descriptor for {@code events}; returns the revents, 0 when {@code timeoutMillis} passed first.
     * EINTR counts as a timeout (the caller loops on its own deadline).
     */
    public static int poll(int fd, short events, int timeoutMillis, String subject) {
        MemorySegment cap = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            // struct pollfd { int fd; short events; short revents; }
            MemorySegment p = a.allocate(8, 4);
            p.set(JAVA_INT, 0, fd);
            p.set(JAVA_SHORT, 4, events);
            int r = (int) POLL.invokeExact(cap, p, 1L, timeoutMillis);
            if (r < 0) {
                int e = errno(cap);
                if (e == Errno.EINTR.number()) {
                    return 0;
                }
                throw new SyscallException("poll", subject, e);
            }
            return r == 0 ? 0 : p.get(JAVA_SHORT, 6) & 0xffff;
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * shutdown(2); returns the errno, 0 on success. An unconnected datagram or raw socket answers ENOTCONN but is
     * shut down all the same: its pollers and blocked receivers wake up.
     */
    public static int shutdown(int fd, int how) {
        MemorySegment cap = CAPTURE.get();
        int r;
        try {
            r = (int) SHUTDOWN.invokeExact(cap, fd, how);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return r < 0 ? errno(cap) : 0;
    }

    /** if_nametoindex(3) in the calling thread's network namespace; throws (ENODEV) when there is no such device. */
    public static int ifNameToIndex(String name) {
        MemorySegment cap = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            int r = (int) IF_NAMETOINDEX.invokeExact(cap, a.allocateFrom(name));
            if (r == 0) {
                int e = errno(cap);
                throw new SyscallException("if_nametoindex", "device " + name, e == 0 ? Errno.ENODEV.number() : e);
            }
            return r;
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Offsets of {@code struct msghdr}, {@code struct iovec} and {@code struct cmsghdr} (LP64 Linux: x86_64 and
     * aarch64), and the CMSG_* arithmetic.
     */
    public static final class MsgHdr {
        public static final long SIZE = 56;
        public static final long NAME = 0;
        public static final long NAMELEN = 8;
        public static final long IOV = 16;
        public static final long IOVLEN = 24;
        public static final long CONTROL = 32;
        public static final long CONTROLLEN = 40;
        public static final long FLAGS = 48;
        public static final long IOVEC_SIZE = 16;
        public static final long IOVEC_BASE = 0;
        public static final long IOVEC_LEN = 8;
        /** cmsghdr: {@code size_t cmsg_len; int cmsg_level; int cmsg_type;} then the data, 8-byte aligned. */
        public static final long CMSG_LEN = 0;
        public static final long CMSG_LEVEL = 8;
        public static final long CMSG_TYPE = 12;
        public static final long CMSG_HDR = 16;

        private MsgHdr() {
        }

        /** CMSG_ALIGN. */
        public static long align(long n) {
            return (n + 7) & ~7L;
        }

        /** CMSG_SPACE: the room one control message with {@code dataLen} bytes of data takes. */
        public static long space(long dataLen) {
            return CMSG_HDR + align(dataLen);
        }
    }

    /** setns(2) for the calling thread. */
    public static void setns(int fd, int nstype, String subject) {
        MemorySegment cap = CAPTURE.get();
        int r;
        try {
            r = (int) SETNS.invokeExact(cap, fd, nstype);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw new SyscallException("setns", subject, errno(cap));
        }
    }

    /** open(2) without O_CREAT. */
    public static int open(String path, int flags) {
        MemorySegment cap = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocateFrom(path);
            while (true) {
                int r = (int) OPEN.invokeExact(cap, p, flags, 0);
                if (r >= 0) {
                    return r;
                }
                int e = errno(cap);
                if (e != Errno.EINTR.number()) {
                    throw new SyscallException("open", path, e);
                }
            }
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

}
