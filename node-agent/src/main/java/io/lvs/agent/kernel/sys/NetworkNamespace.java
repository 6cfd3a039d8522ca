package io.lvs.agent.kernel.sys;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Linux network namespace that kernel objects (sockets, sysctl and procfs files) can be opened in.
 *
 * <p>The network namespace is a per-thread attribute, so work inside another namespace runs on a
 * fresh platform thread that calls setns(2), does the work and ends; a socket keeps the namespace it
 * was created in for its whole life. {@link #current()} runs work on the calling thread.
 */
public final class NetworkNamespace {
    private static final NetworkNamespace CURRENT = new NetworkNamespace(null);

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
     * Runs {@code work} inside this namespace and returns its result. Exceptions from the work are
     * rethrown as they are (checked ones wrapped in {@link IllegalStateException}).
     */
    public <T> T call(Callable<T> work) {
        if (path == null) {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().daemon().name("netns-" + path.getFileName()).unstarted(() -> {
            int fd = -1;
            try {
                fd = Libc.open(path.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC);
                Libc.setns(fd, Libc.CLONE_NEWNET, "network namespace " + path);
                result.set(work.call());
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                Libc.close(fd);
            }
        });
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f instanceof Error e) {
            throw e;
        }
        if (f != null) {
            throw new IllegalStateException(f);
        }
        return result.get();
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
}
