package io.lvs.operator.model;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The rotation of the directors' VRRP advert keys, as pure decisions: what the key Secret should hold next, given what
 * it holds, which keys every live agent reports holding, and the time. A rotation never makes two directors disagree
 * on a key, so it causes no failover: it goes in three steps and moves from one to the next only when every live agent
 * reports the current one (and at least {@code minStep} after it was written, the time a kubelet takes to refresh a
 * mounted Secret):
 * <ol>
 *   <li>{@link Phase#ACCEPTING}: the new key is added as the last line (every agent accepts it, all still sign with the
 *   old one);</li>
 *   <li>{@link Phase#SIGNING}: the new key moves to the first line (agents sign with it; the old one is still
 *   accepted from an agent that has not moved yet);</li>
 *   <li>{@link Phase#STABLE}: the old keys are removed.</li>
 * </ol>
 * The key file format is the agents' ({@code <id>:<base64 secret>} per line, the first signs).
 */
public final class KeyRotation {
    /** Secret bytes per key (HMAC-SHA256 wants at least 32). */
    public static final int SECRET_BYTES = 32;

    public enum Phase { STABLE, ACCEPTING, SIGNING }

    /** One key: its id and its secret, base64 as the file has it. */
    public record Key(int id, String secret) {
        @Override
        public String toString() {
            return "key " + id; // never the secret: these end up in logs
        }
    }

    /** What the Secret holds: the keys in file order, the phase, and when that phase was written. */
    public record State(List<Key> keys, Phase phase, Instant since) {
        public State {
            keys = List.copyOf(keys);
        }

        /** The key file's text. */
        public String text() {
            return keys.stream().map(k -> k.id() + ":" + k.secret() + "\n").collect(Collectors.joining());
        }

        public List<Integer> ids() {
            return keys.stream().map(Key::id).toList();
        }
    }

    /** The next step. */
    public sealed interface Decision {
    }

    /** Write this state (create the Secret when there is none); {@code why} for the log and the Event. */
    public record Write(State state, String why) implements Decision {
    }

    /** Nothing to write now; {@code why} is empty when nothing is pending, else what is waited for. */
    public record Wait(Optional<String> why) implements Decision {
        static Wait idle() {
            return new Wait(Optional.empty());
        }

        static Wait because(String why) {
            return new Wait(Optional.of(why));
        }
    }

    private KeyRotation() {
    }

    /**
     * @param current the Secret's state, empty when there is no Secret; a Secret without the rotation annotations is
     *                adopted as {@link Phase#STABLE} from now
     * @param agents  the key ids each live agent reports on its Lease, signing first, by node (an empty list: it
     *                reports none, e.g. an agent from before this annotation, and holds the rotation up until it does)
     * @param period  how long a key signs before the next rotation starts; zero never rotates
     * @param minStep the least time between two steps
     * @param random  fresh secret bytes
     */
    public static Decision next(Optional<State> current, Map<String, List<Integer>> agents, Instant now, Duration period,
                                Duration minStep, Supplier<byte[]> random) {
        if (current.isEmpty()) {
            Set<String> holding = new java.util.TreeSet<>();
            agents.forEach((node, ids) -> {
                if (!ids.isEmpty()) {
                    holding.add(node);
                }
            });
            if (!holding.isEmpty()) {
                // a new key now would match none of theirs: every advert would be dropped and the VIPs would move
                return Wait.because("the key Secret is gone while the agents on " + String.join(", ", holding)
                        + " hold keys; no new key is made under them: restore the Secret (the agents' copy is their key "
                        + "file), or create one and restart every director's agent");
            }
            return new Write(new State(List.of(newKey(1, random)), Phase.STABLE, now), "created the first advert key (id 1)");
        }
        State s = current.get();
        boolean stepDue = !now.isBefore(s.since().plus(minStep));
        switch (s.phase()) {
            case STABLE -> {
                if (period.isZero() || now.isBefore(s.since().plus(period))) {
                    return Wait.idle();
                }
                int id = s.keys().stream().mapToInt(Key::id).max().orElse(0) + 1;
                List<Key> keys = new ArrayList<>(s.keys());
                keys.add(newKey(id, random));
                return new Write(new State(keys, Phase.ACCEPTING, now), "rotation step 1 of 3: added key " + id
                        + " for every director to accept; key " + s.keys().getFirst().id() + " still signs");
            }
            case ACCEPTING -> {
                Key fresh = s.keys().getLast();
                Set<String> lagging = lagging(agents, ids -> ids.contains(fresh.id()));
                if (!lagging.isEmpty() || !stepDue) {
                    return Wait.because(waiting("accept key " + fresh.id(), lagging, stepDue, s, minStep));
                }
                List<Key> keys = new ArrayList<>();
                keys.add(fresh);
                keys.addAll(s.keys().subList(0, s.keys().size() - 1));
                return new Write(new State(keys, Phase.SIGNING, now), "rotation step 2 of 3: every director accepts key "
                        + fresh.id() + "; it signs from now on");
            }
            case SIGNING -> {
                Key fresh = s.keys().getFirst();
                Set<String> lagging = lagging(agents, ids -> !ids.isEmpty() && ids.getFirst() == fresh.id());
                if (!lagging.isEmpty() || !stepDue) {
                    return Wait.because(waiting("sign with key " + fresh.id(), lagging, stepDue, s, minStep));
                }
                List<Integer> old = s.ids().subList(1, s.keys().size());
                return new Write(new State(List.of(fresh), Phase.STABLE, now), "rotation step 3 of 3: every director "
                        + "signs with key " + fresh.id() + "; removed " + (old.size() == 1 ? "key " : "keys ")
                        + old.stream().map(String::valueOf).collect(Collectors.joining(", ")));
            }
            default -> throw new IllegalStateException(s.phase().toString());
        }
    }

    private static Set<String> lagging(Map<String, List<Integer>> agents, java.util.function.Predicate<List<Integer>> done) {
        Set<String> out = new java.util.TreeSet<>();
        agents.forEach((node, ids) -> {
            if (!done.test(ids)) {
                out.add(node);
            }
        });
        return out;
    }

    private static String waiting(String what, Set<String> lagging, boolean stepDue, State s, Duration minStep) {
        if (!lagging.isEmpty()) {
            return "waiting for the agents on " + String.join(", ", lagging) + " to " + what
                    + " (a kubelet refreshes a mounted Secret within its sync period and cache TTL, a minute or two)";
        }
        return "waiting until " + s.since().plus(minStep) + " to " + what + " (each step waits at least " + minStep + ")";
    }

    private static Key newKey(int id, Supplier<byte[]> random) {
        byte[] b = random.get();
        if (b.length < SECRET_BYTES) {
            throw new IllegalArgumentException("a key needs " + SECRET_BYTES + " random bytes, got " + b.length);
        }
        return new Key(id, Base64.getEncoder().encodeToString(b));
    }

    /**
     * Reads a key file's text (the agents' format): the keys in order; IllegalArgumentException naming the line when it
     * is malformed, so that a hand-edited Secret is reported rather than overwritten.
     */
    public static List<Key> parse(String text) {
        List<Key> keys = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            int id;
            try {
                id = Integer.parseInt(colon <= 0 ? "x" : line.substring(0, colon).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": expected <id>:<base64 secret>");
            }
            String secret = line.substring(colon + 1).strip();
            try {
                if (id < 0 || Base64.getDecoder().decode(secret).length < 16) {
                    throw new IllegalArgumentException("short");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": key " + id
                        + " needs a non-negative id and a base64 secret of at least 16 bytes");
            }
            if (!ids.add(id)) {
                throw new IllegalArgumentException("line " + (i + 1) + ": key id " + id + " is listed twice");
            }
            keys.add(new Key(id, secret));
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no key is listed");
        }
        return keys;
    }
}
