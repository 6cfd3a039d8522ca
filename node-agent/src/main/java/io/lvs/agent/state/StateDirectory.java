package io.lvs.agent.state;

import io.lvs.agent.kernel.ipvs.reconcile.DestinationRef;
import io.lvs.agent.kernel.ipvs.reconcile.Drains;
import io.lvs.agent.kernel.ipvs.reconcile.Ledger;
import io.lvs.agent.kernel.ipvs.DestinationKey;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The agent's state directory on the host ({@code /var/lib/lvs-node-agent} by default): the IPVS ledger, the other
 * things it owns, and drains in progress. Every save is atomic (a temporary file, fsync, rename, fsync of the
 * directory), so a crash leaves the previous or the new version, never half of one. One agent per directory: a lock
 * file keeps a second one out. A file that cannot be read is set aside (renamed {@code *.unreadable-<time>}) and
 * reported, and ownership starts empty: entries it would have named are then left alone as foreign, never deleted
 * by guess.
 *
 * <p>The directory is this process's alone (the lock), so each file is read once and then served from memory, and a
 * save that changes nothing writes nothing: a pass every second costs no disk write at steady state.
 */
public final class StateDirectory implements AutoCloseable {
    static final String OWNED_HEADER = "# lvs-node-agent ownership v1";
    static final String DRAINS_HEADER = "# lvs-node-agent drains v1";
    private static final String LEDGER = "ipvs.ledger";
    private static final String OWNED = "owned";
    private static final String DRAINS = "drains";

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final List<String> problems = new ArrayList<>();
    /** What each file holds now (as read, or as last saved). */
    private final Map<String, Object> current = new HashMap<>();
    private long writes;

    private StateDirectory(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Opens (creating it if needed) and locks {@code dir}; fails when another agent holds it. */
    public static StateDirectory open(Path dir) {
        try {
            Files.createDirectories(dir);
            FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                l = null; // held by this very process
            }
            if (l == null) {
                ch.close();
                throw new IllegalStateException("state directory " + dir + " is held by another lvs-node-agent process");
            }
            return new StateDirectory(dir, ch, l);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the state directory " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return dir;
    }

    /** Files that could not be read since this directory was opened, as sentences. */
    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    public synchronized Ledger ledger() {
        return read(LEDGER, Ledger::parse, Ledger.empty());
    }

    public synchronized void save(Ledger ledger) {
        if (!ledger.equals(ledger())) {
            write(LEDGER, ledger.toText());
            current.put(LEDGER, ledger);
        }
    }

    public synchronized Owned owned() {
        return read(OWNED, Owned::parse, Owned.nothing());
    }

    public synchronized void save(Owned owned) {
        if (!owned.equals(owned())) {
            write(OWNED, owned.toText());
            current.put(OWNED, owned);
        }
    }

    public synchronized Drains drains() {
        return read(DRAINS, StateDirectory::parseDrains, Drains.none());
    }

    public synchronized void save(Drains drains) {
        if (drains.equals(drains())) {
            return;
        }
        StringBuilder b = new StringBuilder(DRAINS_HEADER).append('\n');
        Map<DestinationRef, Instant> sorted = new TreeMap<>(drains.started());
        sorted.forEach((r, t) -> b.append(r.service()).append(" | ").append(r.destination()).append(" | ").append(t)
                .append('\n'));
        write(DRAINS, b.toString());
        current.put(DRAINS, drains);
    }

    /** Files written since this directory was opened (a save that changed nothing writes none). */
    public synchronized long writes() {
        return writes;
    }

    private static Drains parseDrains(String text) {
        String[] lines = text.split("\n");
        if (lines.length == 0 || !lines[0].strip().equals(DRAINS_HEADER)) {
            throw new IllegalArgumentException("the first line must be '" + DRAINS_HEADER + "'");
        }
        Map<DestinationRef, Instant> m = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] f = lines[i].split(" \\| ");
            if (f.length != 3) {
                throw new IllegalArgumentException("line " + (i + 1) + " '" + lines[i] + "' is not 'service | destination | time'");
            }
            m.put(new DestinationRef(ServiceKey.parse(f[0]), DestinationKey.parse(f[1])), Instant.parse(f[2]));
        }
        return new Drains(m);
    }

    private <T> T read(String name, java.util.function.Function<String, T> parse, T empty) {
        @SuppressWarnings("unchecked")
        T known = (T) current.get(name);
        if (known != null) {
            return known;
        }
        T value = readFile(name, parse, empty);
        current.put(name, value);
        return value;
    }

    private <T> T readFile(String name, java.util.function.Function<String, T> parse, T empty) {
        Path f = dir.resolve(name);
        String text;
        try {
            text = Files.readString(f, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return empty;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
        }
        try {
            return parse.apply(text);
        } catch (RuntimeException e) {
            Path aside = dir.resolve(name + ".unreadable-" + Instant.now().toEpochMilli());
            try {
                Files.move(f, aside);
            } catch (IOException moveFailed) {
                throw new UncheckedIOException("cannot set aside the unreadable " + f, moveFailed);
            }
            problems.add("the state file " + f + " could not be read (" + e.getMessage() + "); it was moved to " + aside
                    + " and this agent starts owning nothing: entries it may have added before are left in place");
            return empty;
        }
    }

    private void write(String name, String text) {
        writes++;
        Path target = dir.resolve(name);
        Path tmp = dir.resolve(name + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + tmp + ": " + e.getMessage(), e);
        }
        try {
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "state directory " + dir;
    }

    /** Whether this agent owns nothing in the kernel: what an uninstall must end with. */
    public synchronized boolean ownsNothing() {
        return ledger().services().isEmpty() && ledger().destinations().isEmpty() && owned().isEmpty()
                && Objects.equals(drains(), Drains.none());
    }
}
