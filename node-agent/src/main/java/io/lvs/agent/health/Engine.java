package io.lvs.agent.health;

import io.lvs.agent.kernel.icmp.IcmpProber;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The monitor's one thread and everything it owns: a selector for the probes' non-blocking sockets, a
 * timer heap for probe slots and deadlines, and an inbox through which other threads (updates, ICMP
 * outcomes) hand it work. Nothing here blocks: a probe waits in the selector or on the heap, never on
 * the thread, so a black-holed server delays nobody.
 */
final class Engine implements Runnable {
    private static final System.Logger LOG = System.getLogger(HealthMonitor.class.getName());
    static final int READ_BUFFER_BYTES = 64 * 1024;

    final Selector selector;
    final MetricsRecorder metrics = new MetricsRecorder();
    final InstantSource clock;
    final RandomGenerator random;
    final TlsContexts tls;
    final Optional<IcmpProber> icmp;
    /** Sends ICMP echo requests off this thread (see {@link IcmpProbe}); shut down when the loop ends. */
    final ExecutorService icmpSender;
    /** Shared by every plain read: one thread reads at a time, and what is read is consumed at once. */
    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final int maxInFlight;
    private final Consumer<Transition> listener;
    private final Map<CheckKey, HealthState> published;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final Map<CheckKey, Check> checks = new HashMap<>();
    private final ArrayDeque<Check> waiting = new ArrayDeque<>();
    private long timerSequence;
    private int inFlight;
    private volatile boolean stopping;
    private volatile boolean stopped;

    Engine(HealthMonitor.Options options, TlsContexts tls, ExecutorService icmpSender, Consumer<Transition> listener,
           Map<CheckKey, HealthState> published) throws IOException {
        this.selector = Selector.open();
        this.clock = options.clock();
        this.random = options.random();
        this.maxInFlight = options.maxInFlight();
        this.icmp = options.icmp();
        this.tls = tls;
        this.icmpSender = icmpSender;
        this.listener = listener;
        this.published = published;
    }

    /** A timer on the monotonic clock; cancelled ones stay in the heap until their time and are skipped. */
    static final class Timer implements Comparable<Timer> {
        final long due;
        private final long sequence;
        private final Runnable action;
        private boolean cancelled;

        private Timer(long due, long sequence, Runnable action) {
            this.due = due;
            this.sequence = sequence;
            this.action = action;
        }

        void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(due - o.due, 0);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    // ---- called on the engine thread ----

    Timer at(long due, Runnable action) {
        Timer t = new Timer(due, timerSequence++, action);
        timers.add(t);
        return t;
    }

    /** Runs {@code work} on this thread after the current step: how probes report results found while starting. */
    void defer(Runnable work) {
        deferred.add(work);
    }

    /** Replaces the set of targets: unchanged ones keep everything, changed ones keep their health, new ones start. */
    void apply(Collection<CheckTarget> targets) {
        long now = System.nanoTime();
        Set<CheckKey> wanted = new HashSet<>();
        for (CheckTarget t : targets) {
            wanted.add(t.key());
            Check c = checks.get(t.key());
            if (c == null) {
                checks.put(t.key(), new Check(this, t, now));
            } else if (!c.target().probesLike(t)) {
                c.reconfigure(t, now);
            }
        }
        checks.values().removeIf(c -> {
            if (wanted.contains(c.key())) {
                return false;
            }
            c.remove();
            published.remove(c.key());
            return true;
        });
    }

    /** A check's slot has come: start its probe, or queue it while {@code maxInFlight} probes run. */
    void requestStart(Check c) {
        if (stopped) {
            return; // shutting down: checks are being removed, nothing new starts
        }
        if (inFlight < maxInFlight) {
            inFlight++;
            metrics.inFlight(inFlight);
            c.start(System.nanoTime());
        } else {
            waiting.add(c);
        }
    }

    /** Forgets a queued start (the check changed or went away). */
    void unqueue(Check c) {
        waiting.remove(c);
    }

    /** A probe ended (or was abandoned): its place goes to the longest-waiting check. */
    void probeEnded() {
        inFlight--;
        Check next = waiting.poll();
        if (next != null) {
            requestStart(next);
        } else {
            metrics.inFlight(inFlight);
        }
    }

    void publish(CheckKey key, HealthState state) {
        published.put(key, state);
    }

    void emit(Transition t) {
        if (stopping) {
            return; // close() promised silence
        }
        try {
            listener.accept(t);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "health transition listener failed on " + t, e);
        }
    }

    // ---- called on any thread ----

    /** Hands {@code work} to the engine thread. */
    void submit(Runnable work) {
        inbox.add(work);
        if (wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Runs {@code work} on the engine thread and waits for it (runs it at once when called there). */
    void call(Runnable work, Thread engineThread) {
        if (Thread.currentThread() == engineThread) {
            work.run();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(new Command(work, done));
        if (stopped) {
            failPending();
        }
        done.join();
    }

    void stop() {
        stopping = true;
        selector.wakeup();
    }

    /** Work another thread waits for. */
    private record Command(Runnable work, CompletableFuture<Void> done) implements Runnable {
        @Override
        public void run() {
            try {
                work.run();
                done.complete(null);
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
                throw e;
            }
        }
    }

    // ---- the loop ----

    @Override
    public void run() {
        try {
            while (!stopping) {
                Runnable r;
                while ((r = inbox.poll()) != null) {
                    guarded(r);
                }
                runTimers(System.nanoTime());
                while ((r = deferred.poll()) != null) {
                    guarded(r);
                }
                wakeupPending.set(false); // before looking at the inbox: a later submit wakes the select below
                long wait = inbox.isEmpty() && deferred.isEmpty() ? waitMillis(System.nanoTime()) : -1;
                if (wait < 0) {
                    selector.selectNow(this::ready);
                } else {
                    selector.select(this::ready, wait);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "the health monitor's engine stopped", e);
        } finally {
            stopped = true;
            icmpSender.shutdownNow();
            for (Check c : checks.values()) {
                c.remove();
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing is left to notify
            }
            failPending();
        }
    }

    private void failPending() {
        Runnable r;
        while ((r = inbox.poll()) != null) {
            if (r instanceof Command c) {
                c.done().completeExceptionally(new IllegalStateException("the health monitor is closed"));
            }
        }
    }

    private void runTimers(long now) {
        Timer t;
        while ((t = timers.peek()) != null && t.due - now <= 0) {
            timers.poll();
            if (!t.cancelled) {
                guarded(t.action);
            }
        }
    }

    /** Milliseconds until the next live timer (at least 1, rounded up), -1 when one is due, 0 (forever) when none. */
    private long waitMillis(long now) {
        Timer t;
        while ((t = timers.peek()) != null && t.cancelled) {
            timers.poll();
        }
        if (t == null) {
            return 0;
        }
        long nanos = t.due - now;
        return nanos <= 0 ? -1 : (nanos + 999_999) / 1_000_000;
    }

    private void ready(SelectionKey key) {
        if (key.attachment() instanceof SocketProbe p) {
            guarded(() -> p.ready(key));
        }
    }

    /** One failing step (a bug) must not stop the engine for every other target. */
    private static void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "health monitor step failed", e);
        }
    }
}
