package io.lvs.agent.kernel.sysctl;

import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes kernel parameters of one network namespace. {@code /proc/sys/net} shows the
 * parameters of the namespace of the thread that opens a file, so every access runs on a thread
 * inside the namespace ({@link NetworkNamespace#call}); a batch costs one such hop.
 *
 * <p>Writes are idempotent (a parameter that already has the value is not written) and return the
 * previous value, so an uninstall can put it back with {@link #restore}.
 */
public final class Sysctls {
    private static final Path PROC_SYS_NET = Path.of("/proc/sys/net");

    private final NetworkNamespace namespace;
    private final Path netDirectory;

    private Sysctls(NetworkNamespace namespace, Path netDirectory) {
        this.namespace = namespace;
        this.netDirectory = netDirectory;
    }

    /** The parameters of {@code namespace}. */
    public static Sysctls in(NetworkNamespace namespace) {
        return new Sysctls(namespace, PROC_SYS_NET);
    }

    /**
     * The parameters of {@code namespace}, with {@code net.*} reached under {@code netDirectory} instead of
     * {@code /proc/sys/net}: a container's own {@code /proc/sys} is read-only, so the agent gets the host's
     * {@code /proc/sys/net} mounted elsewhere ({@code LVS_AGENT_SYSCTL_NET}). procfs shows the namespace of
     * the thread that opens a file whatever path reaches it, so namespaces work the same way.
     */
    public static Sysctls in(NetworkNamespace namespace, Path netDirectory) {
        return new Sysctls(namespace, netDirectory);
    }

    public NetworkNamespace namespace() {
        return namespace;
    }

    /** The current value; throws {@link SysctlException} naming the cause when it cannot be read. */
    public int read(Sysctl key) {
        return namespace.call(() -> readHere(key));
    }

    /** The current value, or empty when this namespace/kernel has no such parameter (ENOENT). */
    public Optional<Integer> readIfPresent(Sysctl key) {
        try {
            return Optional.of(read(key));
        } catch (SysctlException e) {
            if (e.is(Errno.ENOENT)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Sets one parameter (no write when it already has the value) and returns what it was. */
    public SysctlChange set(Sysctl key, int value) {
        return apply(List.of(new SysctlSetting(key, value))).get(0);
    }

    /**
     * Sets the parameters in order. Stops at the first failure with a {@link SysctlException} whose
     * {@link SysctlException#applied()} lists the changes already made.
     */
    public List<SysctlChange> apply(List<SysctlSetting> settings) {
        return namespace.call(() -> {
            List<SysctlChange> done = new ArrayList<>(settings.size());
            for (SysctlSetting s : settings) {
                try {
                    done.add(setHere(s.key(), s.value()));
                } catch (SysctlException e) {
                    throw new SysctlException(e.key(), e.getMessage(), e.errnoNumber(), e.getCause(), done);
                }
            }
            return done;
        });
    }

    /**
     * Puts back the previous values of {@code changes} that changed anything, last change first
     * (so a parameter set twice ends at its original value). Parameters whose value was changed by
     * someone else since are restored too: the caller asked for the original state.
     */
    public List<SysctlChange> restore(List<SysctlChange> changes) {
        List<SysctlSetting> back = new ArrayList<>();
        for (int i = changes.size() - 1; i >= 0; i--) {
            SysctlChange c = changes.get(i);
            if (c.changed()) {
                back.add(new SysctlSetting(c.key(), c.previous()));
            }
        }
        return apply(back);
    }

    // ------------------------------------------------------------------ on the namespace's thread

    private SysctlChange setHere(Sysctl key, int value) {
        int before = readHere(key);
        if (before == value) {
            return new SysctlChange(key, before, value);
        }
        try {
            Files.write(file(key), (value + "\n").getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw failure(key, "write " + key.name() + " = " + value, e);
        }
        int after = readHere(key);
        if (after != value) {
            throw new SysctlException(key, "write " + key.name() + " = " + value + " in " + namespace
                    + ": the kernel kept " + after, Errno.EINVAL.number(), null, List.of());
        }
        return new SysctlChange(key, before, value);
    }

    private int readHere(Sysctl key) {
        String text;
        try {
            text = Files.readString(file(key), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw failure(key, "read " + key.name(), e);
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new SysctlException(key, "read " + key.name() + " in " + namespace + ": '" + text
                    + "' is not a single integer", Errno.EINVAL.number(), e, List.of());
        }
    }

    /** Where {@code key} is: under the net directory for {@code net.*}, else under /proc/sys. */
    Path file(Sysctl key) {
        List<String> segments = key.segments();
        if (!segments.get(0).equals("net")) {
            return key.file();
        }
        Path p = netDirectory;
        for (String s : segments.subList(1, segments.size())) {
            p = p.resolve(s);
        }
        return p;
    }

    private SysctlException failure(Sysctl key, String what, IOException e) {
        int errno = errnoOf(e);
        String cause;
        if (errno == Errno.ENOENT.number() && key.isIpvs()) {
            cause = "the ip_vs module is not loaded (IPVS parameters exist only while it is; modprobe ip_vs)";
        } else if (errno == Errno.ENOENT.number() && !key.confInterface().isEmpty()
                && !key.confInterface().equals("all") && !key.confInterface().equals("default")) {
            cause = "interface " + key.confInterface() + " does not exist there";
        } else if (errno == Errno.ENOENT.number()) {
            cause = "this kernel has no such parameter";
        } else if (errno == Errno.EACCES.number() || errno == Errno.EPERM.number()) {
            cause = "not permitted (needs CAP_NET_ADMIN over the namespace and /proc/sys mounted read-write)";
        } else {
            cause = "the kernel refused it";
        }
        return new SysctlException(key, what + " in " + namespace + ": " + Errno.describe(errno) + " - " + cause,
                errno, e, List.of());
    }

    /** The errno behind a failed /proc access (Java reports it as strerror text). */
    private static int errnoOf(IOException e) {
        if (e instanceof NoSuchFileException) {
            return Errno.ENOENT.number();
        }
        if (e instanceof AccessDeniedException) {
            return Errno.EACCES.number();
        }
        String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        if (reason != null) {
            for (Errno x : Errno.values()) {
                if (reason.equals(x.description())) {
                    return x.number();
                }
            }
            for (Errno x : Errno.values()) {
                if (reason.contains(x.description())) {
                    return x.number();
                }
            }
        }
        return Errno.EIO.number();
    }

    @Override
    public String toString() {
        return "sysctls of " + namespace + (netDirectory.equals(PROC_SYS_NET) ? "" : " (net.* under " + netDirectory + ")");
    }
}
