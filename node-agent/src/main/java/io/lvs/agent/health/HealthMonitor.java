package io.lvs.agent.health;

import io.lvs.agent.kernel.icmp.IcmpProber;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.KeyStore;
import java.time.InstantSource;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Health checks of real servers (ICMP, TCP, HTTP, HTTPS) for one node agent: thousands of targets on one
 * engine thread with non-blocking sockets and a timer heap, rise/fall per target, and a transition
 * reported the moment the deciding probe ends.
 *
 * <p>The caller hands over the complete set of targets with {@link #update}; the monitor probes each at
 * its interval (the first probe at a random point of the first interval) and keeps, per target, its
 * health, since when, and the last probe ({@link #state}). Kubernetes hears transitions, not probes:
 * {@link Transition}s go to the listener given to {@link #start}.
 *
 * <p>Sockets are opened by the engine thread, which {@link #start} creates: they live in the network
 * namespace of the thread that called {@code start}. ICMP goes through the {@link IcmpProber} in the
 * options, which has its own namespace. Close the monitor before the prober.
 */
public final class HealthMonitor implements AutoCloseable {
    /**
     * How the monitor runs.
     *
     * @param icmp        the prober for ICMP checks (shared, not closed by the monitor); without one, ICMP targets are refused
     * @param maxInFlight probes that may run at once; further due probes wait for a free place (and
     *                    their wait shows as scheduling lag). Bounds the sockets the monitor holds. It must
     *                    exceed the targets that may time out at once (each holds its place for its
     *                    timeout: a dead rack must not starve the rest); lower values keep an overloaded
     *                    engine faster, with fewer connections open (docs/benchmarks.md)
     * @param trustStore  certificates HTTPS checks with verification trust; empty: the JDK's default trust store
     * @param clock       the wall clock for {@code since} and probe times (durations use the monotonic clock)
     * @param random      the source of the first probe's jitter, used on the engine thread only
     */
    public record Options(Optional<IcmpProber> icmp, int maxInFlight, Optional<KeyStore> trustStore, InstantSource clock,
                          RandomGenerator random) {
        public Options {
            Objects.requireNonNull(icmp, "icmp");
            Objects.requireNonNull(trustStore, "trustStore");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(random, "random");
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight must be at least 1, not " + maxInFlight);
            }
        }

        /** No ICMP, 4,096 probes at once, the JDK's trust store, the system clock. */
        public static Options defaults() {
            return new Options(Optional.empty(), 4096, Optional.empty(), InstantSource.system(), RandomGenerator.getDefault());
        }

        public Options withIcmp(IcmpProber prober) {
            return new Options(Optional.of(prober), maxInFlight, trustStore, clock, random);
        }

        public Options withMaxInFlight(int n) {
            return new Options(icmp, n, trustStore, clock, random);
        }

        public Options withTrustStore(KeyStore store) {
            return new Options(icmp, maxInFlight, Optional.of(store), clock, random);
        }

        public Options withClock(InstantSource c) {
            return new Options(icmp, maxInFlight, trustStore, c, random);
        }

        public Options withRandom(RandomGenerator r) {
            return new Options(icmp, maxInFlight, trustStore, clock, r);
        }
    }

    private final Options options;
    private final Engine engine;
    private final Thread thread;
    private final TlsContexts tls;
    private final Map<CheckKey, HealthState> states = new ConcurrentHashMap<>();

    private HealthMonitor(Options options, Consumer<Transition> listener) {
        this.options = options;
        this.tls = new TlsContexts(options.trustStore());
        // the thread starts with the first ICMP probe; the engine shuts it down when it stops
        ExecutorService icmpSender = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("lvs-health-icmp").unstarted(r));
        try {
            this.engine = new Engine(options, tls, icmpSender, listener, states);
        } catch (IOException e) {
            icmpSender.shutdown();
            throw new UncheckedIOException("cannot open a selector for health checks", e);
        }
        this.thread = Thread.ofPlatform().daemon().name("lvs-health").unstarted(engine);
    }

    /**
     * Starts the engine thread, with no targets.
     *
     * @param listener told of every {@link Transition}, on the engine thread, in order. It must not block
     *                 or do slow work (hand the transition to a queue): while it runs no probe of any
     *                 target makes progress. It may call {@link #update}. What it throws is logged and ignored.
     */
    public static HealthMonitor start(Options options, Consumer<Transition> listener) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        HealthMonitor m = new HealthMonitor(options, listener);
        m.thread.start();
        return m;
    }

    /**
     * Replaces the whole set of targets, and returns once the engine has taken it: targets whose key and
     * parameters are unchanged keep their state and schedule; a target whose address, port or spec changed
     * keeps its health (and since) and starts probing again at a random point of its (new) interval, its
     * probe in flight dropped and its rise/fall count restarted; new keys start in their
     * {@code initiallyHealthy} state, jittered; keys no longer present stop and are forgotten. An update
     * never emits a transition.
     *
     * @throws IllegalArgumentException for a key given twice, or an ICMP target without an {@link IcmpProber}
     * @throws IllegalStateException    once the monitor is closed
     */
    public void update(Collection<CheckTarget> targets) {
        List<CheckTarget> set = List.copyOf(targets);
        Set<CheckKey> seen = new HashSet<>();
        Set<String> twice = new TreeSet<>();
        for (CheckTarget t : set) {
            if (!seen.add(t.key())) {
                twice.add(t.key().value());
            }
            if (t.spec().type() == CheckType.ICMP && options.icmp().isEmpty()) {
                throw new IllegalArgumentException("check " + t.key() + " is an ICMP check, but this health monitor has no "
                        + "IcmpProber (HealthMonitor.Options.withIcmp)");
            }
        }
        if (!twice.isEmpty()) {
            throw new IllegalArgumentException("each check key may appear once in an update; given more than once: " + twice);
        }
        tls.prepare(set); // here, on the caller's thread: loading a trust store is slow
        try {
            engine.call(() -> engine.apply(set), thread);
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** The current state of one target; empty when it is not monitored. */
    public Optional<HealthState> state(CheckKey key) {
        return Optional.ofNullable(states.get(key));
    }

    /** The current state of every target (a snapshot). */
    public Map<CheckKey, HealthState> states() {
        return Map.copyOf(states);
    }

    /** Counters, gauges and histograms as they are now. */
    public HealthMetrics metrics() {
        return engine.metrics.snapshot(states.values());
    }

    /**
     * Stops probing and closes every socket; the listener hears nothing afterwards. Called from the
     * listener, it stops the engine once the listener returns.
     */
    @Override
    public void close() {
        engine.stop();
        if (Thread.currentThread() == thread) {
            return; // the loop ends once the listener returns
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
