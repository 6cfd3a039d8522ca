package io.lvs.agent.health;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** A listener for tests: records every transition and the threads it was called on; waits on conditions. */
final class Transitions implements Consumer<Transition> {
    /** Generous: the machine is shared, timings are noisy; conditions end the wait, not the deadline. */
    static final Duration PATIENCE = Duration.ofSeconds(20);

    private final ConcurrentLinkedQueue<Transition> seen = new ConcurrentLinkedQueue<>();
    final Set<String> threads = ConcurrentHashMap.newKeySet();

    @Override
    public void accept(Transition t) {
        threads.add(Thread.currentThread().getName());
        seen.add(t);
    }

    List<Transition> all() {
        return List.copyOf(seen);
    }

    List<Transition> of(CheckKey key) {
        return seen.stream().filter(t -> t.key().equals(key)).toList();
    }

    /** Waits for the {@code n}th transition of {@code key} and returns it. */
    Transition await(CheckKey key, int n) {
        eventually(() -> of(key).size() >= n, () -> key + ": expected " + n + " transitions, saw " + of(key));
        return of(key).get(n - 1);
    }

    /** Waits until {@code condition} holds, failing with {@code what} after {@link #PATIENCE}. */
    static void eventually(BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + PATIENCE + ": " + what.get());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
