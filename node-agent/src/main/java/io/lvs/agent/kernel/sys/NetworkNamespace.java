package io.lvs.agent.kernel.sys;

import io.lvs.agent.kernel.KernelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A Linux network namespace that kernel objects (sockets, sysctl and procfs files) can be opened in.
 *
 * <p>The network namespace is a per-thread attribute, so work inside another namespace runs on a thread that has
 * entered it with setns(2). Each namespace has one such worker thread, started on first use and reused by later calls
 * (it ends after {@link #IDLE} without work, or at {@link #release()}); a call that finds it busy runs on a thread of
 * its own instead of queueing behind it, so work that waits for other work in any namespace never deadlocks. A socket
 * keeps the namespace it was created in for its whole life. {@link #current()} runs work on the calling thread.
 *
 * <p>Every call looks at the namespace file first (one stat): a namespace deleted and created again under the same
 * name is a new namespace (another nsfs inode), and its calls never run on a worker still inside the old one. Workers
 * are platform threads and work never runs on the caller's thread unless that thread is one of them: setns(2) from a
 * virtual thread would move its carrier into the namespace and leave later work of that virtual thread on other
 * carriers outside it (a reuse built that way ran the agent's sysctl and address work in the host namespace under
 * load, which RealServerNodeTest showed as spurious drift repairs and kernel operations).
 */
public final class NetworkNamespace {
    /** How long a worker waits for work before it ends, releasing its hold on the namespace. */
    static final Duration IDLE = Duration.ofSeconds(10);

    private static final NetworkNamespace CURRENT = new NetworkNamespace(null);
    private static final Path THREAD_NAMESPACE = Path.of("/proc/thread-self/ns/net");
    /** The worker of each namespace file, while it lives. */
    private static final Map<Path, Worker> WORKERS = new ConcurrentHashMap<>();
    /** The namespace a worker or a thread of one call entered; empty on every other thread. */
    private static final ThreadLocal<Identity> ENTERED = new ThreadLocal<>();

    private final Path path;

    private NetworkNamespace(Path path) {
        this.path = path;
    }

    /** The namespace of the calling thread (usually the agent's host namespace). */
    public static NetworkNamespace current() {
        return CURRENT;
    }

    /** A namespace created with {@code ip netns add NAME}: {@code /var/run/netns/NAME}. */
    public static NetworkNamespace named(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("invalid network namespace name '" + name + "'");
        }
        return new NetworkNamespace(Path.of("/var/run/netns", name));
    }

    /** A namespace by its file, e.g. {@code /proc/PID/ns/net}. */
    public static NetworkNamespace ofPath(Path path) {
        return new NetworkNamespace(Objects.requireNonNull(path));
    }

    /**
     * Runs {@code work} inside this namespace and returns its result. Exceptions from the work are rethrown as they are
     * (checked ones wrapped in {@link IllegalStateException}); a namespace that cannot be entered is a
     * {@link KernelException} naming it and the errno.
     *
     * <p>The calling thread waits until the work has finished, even when interrupted (work half done in the kernel
     * cannot be taken back); the interrupt is kept for the caller to see afterwards. Work must be short: long-lived
     * work starts a thread of its own (a thread started from the work inherits the namespace).
     */
    public <T> T call(Callable<T> work) {
        Objects.requireNonNull(work, "work");
        if (path == null) {
            return inline(work);
        }
        for (int attempt = 1; ; attempt++) {
            Identity target = identity(path, toString());
            if (target.equals(ENTERED.get())) {
                return inline(work); // already on a thread inside it (a call from within a call)
            }
            Task<T> task = new Task<>(work);
            Worker w = WORKERS.compute(path, (p, old) -> {
                if (old != null && old.identity.equals(target) && !old.retired()) {
                    return old;
                }
                if (old != null) {
                    old.retire(); // its namespace is no longer the one at this path
                }
                return Worker.start(this, target);
            });
            if (!w.offer(task)) {
                // busy (or just ending): a thread of its own, as a nested or concurrent call must never wait behind it
                Thread t = Thread.ofPlatform().daemon().name(threadName()).inheritInheritableThreadLocals(false)
                        .unstarted(() -> {
                            int fd = -1;
                            try {
                                fd = enter(target);
                                ENTERED.set(target);
                                task.run();
                                task.complete();
                            } catch (Throwable e) {
                                task.fail(e);
                            } finally {
                                Libc.close(fd);
                            }
                        });
                t.start();
            }
            try {
                return task.result();
            } catch (Replaced e) {
                if (attempt == 3) {
                    throw new KernelException(this + " was replaced three times while being entered", Errno.EAGAIN.number());
                }
            }
        }
    }

    /**
     * Ends this namespace's worker thread once it has finished its work in hand, so the kernel can free a deleted
     * namespace now rather than after {@link #IDLE}. A later call starts a new one.
     */
    public void release() {
        if (path != null) {
            Worker w = WORKERS.remove(path);
            if (w != null) {
                w.retire();
            }
        }
    }

    private static <T> T inline(Callable<T> work) {
        try {
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String threadName() {
        return "netns-" + path.getFileName();
    }

    /** Enters the namespace at {@code path} on the calling thread; returns the descriptor to close when done. */
    private int enter(Identity target) {
        int fd = Libc.open(path.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC);
        try {
            Libc.setns(fd, Libc.CLONE_NEWNET, "network namespace " + path);
            Identity now = identity(THREAD_NAMESPACE, "the namespace this thread entered");
            if (!now.equals(target)) {
                throw new Replaced(); // deleted and made again between the caller's look and the open
            }
            return fd;
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** The nsfs device and inode of a namespace file: what tells two namespaces apart. */
    private static Identity identity(Path file, String what) {
        try {
            Map<String, Object> a = Files.readAttributes(file, "unix:dev,ino");
            return new Identity(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue());
        } catch (NoSuchFileException e) {
            throw new SyscallException("stat", file.toString(), Errno.ENOENT.number());
        } catch (IOException e) {
            throw new KernelException("stat " + file + " (" + what + "): " + e.getMessage(), Errno.EIO.number(), e);
        }
    }

    @Override
    public String toString() {
        return path == null ? "current network namespace" : "network namespace " + path;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkNamespace n && Objects.equals(path, n.path);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(path);
    }

    /** A namespace as the kernel knows it: its nsfs inode (alive, and so unique, while a thread is inside it). */
    private record Identity(long dev, long ino) {
    }

    /** The namespace at the path was replaced while a thread entered it: look again. */
    private static final class Replaced extends RuntimeException {
        Replaced() {
            super(null, null, false, false);
        }
    }

    /** One call's work and its outcome, handed from the caller to the thread that runs it. */
    private static final class Task<T> {
        private final Callable<T> work;
        private boolean done;
        private T value;
        private Throwable failure;

        Task(Callable<T> work) {
            this.work = work;
        }

        /** Runs the work and keeps its outcome; the caller sees it at {@link #complete()}. */
        void run() {
            try {
                T v = work.call();
                synchronized (this) {
                    value = v;
                }
            } catch (Throwable e) {
                synchronized (this) {
                    failure = e;
                }
            }
        }

        synchronized void complete() {
            done = true;
            notifyAll();
        }

        synchronized void fail(Throwable e) {
            failure = e;
            complete();
        }

        /** Waits for the outcome without giving up on an interrupt, which it keeps for the caller. */
        T result() {
            boolean interrupted = false;
            synchronized (this) {
                while (!done) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return switch (failure) {
                case null -> value;
                case RuntimeException r -> throw r;
                case Error e -> throw e;
                default -> throw new IllegalStateException(failure);
            };
        }
    }

    /**
     * The thread that stays inside one namespace and runs its calls one at a time. It holds at most one task: a caller
     * that finds it busy does not wait for it (see {@link #call}).
     */
    private static final class Worker implements Runnable {
        private final NetworkNamespace namespace;
        private final Identity identity;
        private Task<?> task;
        private boolean busy;
        private boolean retired;

        private Worker(NetworkNamespace namespace, Identity identity) {
            this.namespace = namespace;
            this.identity = identity;
        }

        static Worker start(NetworkNamespace namespace, Identity identity) {
            Worker w = new Worker(namespace, identity);
            // No inherited thread-locals: the worker serves every caller, not the one that happened to start it.
            Thread.ofPlatform().daemon().name(namespace.threadName()).inheritInheritableThreadLocals(false).start(w);
            return w;
        }

        /** Hands the task over; false when busy or ending. */
        synchronized boolean offer(Task<?> t) {
            if (busy || retired) {
                return false;
            }
            task = t;
            busy = true;
            notifyAll();
            return true;
        }

        synchronized boolean retired() {
            return retired;
        }

        synchronized void retire() {
            retired = true;
            notifyAll();
        }

        @Override
        public void run() {
            int fd = -1;
            try {
                fd = namespace.enter(identity);
                ENTERED.set(identity);
            } catch (Throwable e) {
                Libc.close(fd);
                end(e);
                return;
            }
            try {
                serve();
            } finally {
                Libc.close(fd);
                end(null);
            }
        }

        private void serve() {
            while (true) {
                Task<?> t;
                synchronized (this) {
                    long deadline = System.nanoTime() + IDLE.toNanos();
                    while (task == null && !retired) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            retired = true; // idle: let the namespace go (a caller that comes now starts another)
                            break;
                        }
                        try {
                            TimeUnit.NANOSECONDS.timedWait(this, left);
                        } catch (InterruptedException e) {
                            // nobody may stop a worker that way: retire() does
                        }
                    }
                    if (task == null) {
                        return;
                    }
                    t = task;
                    task = null;
                }
                Thread.interrupted(); // an interrupt left by earlier work must not abort this one's file channels
                t.run();
                Thread.interrupted();
                boolean stillInside;
                try {
                    stillInside = identity(THREAD_NAMESPACE, "the namespace this thread entered").equals(identity);
                } catch (RuntimeException e) {
                    stillInside = false;
                }
                synchronized (this) {
                    busy = false; // before the caller hears back, so its next call finds this worker free
                    if (!stillInside) {
                        retired = true; // work moved this thread elsewhere: it serves nobody again
                    }
                }
                t.complete();
            }
        }

        /** Stops taking work, fails a task still in hand, and leaves the registry if still listed there. */
        private void end(Throwable failure) {
            Task<?> left;
            synchronized (this) {
                retired = true;
                left = task;
                task = null;
            }
            WORKERS.remove(namespace.path, this);
            if (left != null) {
                left.fail(failure != null ? failure
                        : new KernelException("the worker of " + namespace + " ended with work in hand", Errno.EAGAIN.number()));
            }
        }
    }
}
