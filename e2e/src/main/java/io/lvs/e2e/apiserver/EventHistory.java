package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The store's recent changes, per resource type, and the watches following them: kube-apiserver's watch cache. A
 * watch from a resourceVersion gets the changes since (as ADDED, MODIFIED and DELETED, deletions included), when the
 * history still reaches back that far; otherwise it is too old, which a real server answers with 410 Expired so that
 * the client lists again. The history keeps the last {@code capacity} events of each type, as JSON text.
 *
 * <p>Not locked itself: the store appends under its write lock and watches start under its read lock, so a watch's
 * replay and its registration see the same history and no event falls between them.
 */
final class EventHistory {

    /** A type's identity in the store: its group, version and plural (one CRD version, or one built-in type). */
    record TypeKey(String group, String version, String plural) {
        static TypeKey of(ResourceType type) {
            return new TypeKey(type.group(), type.version(), type.plural());
        }
    }

    /**
     * One change. A deletion carries the deleted object with the deletion's own resourceVersion, as a real server
     * sends it.
     *
     * @param object   the object after the change (for DELETED, as it was deleted)
     * @param previous the object before (empty for ADDED): whether it matched a selector tells a watch whether the
     *                 change makes the object enter or leave what it watches
     */
    record Event(long resourceVersion, String type, String namespace, String object, Optional<String> previous) {
    }

    /** What a watch does with each new event of its type. */
    interface Watcher {
        void deliver(Event event, Parsed parsed);
    }

    /** An event's objects parsed once for every watcher of it. */
    static final class Parsed {
        private final Event event;
        private JsonNode object;
        private Optional<JsonNode> previous;

        Parsed(Event event) {
            this.event = event;
        }

        synchronized JsonNode object() {
            if (object == null) {
                object = Json.parse(event.object()).orElseThrow();
            }
            return object;
        }

        synchronized Optional<JsonNode> previous() {
            if (previous == null) {
                previous = event.previous().map(p -> Json.parse(p).orElseThrow());
            }
            return previous;
        }
    }

    /** How far back a type's history reaches, and who watches it. */
    private static final class Log {
        final Deque<Event> events = new ArrayDeque<>();
        final List<Watcher> watchers = new CopyOnWriteArrayList<>();
        boolean evicted;
    }

    /** What opening a watch from a resourceVersion found. */
    sealed interface Since permits Replay, TooOld {
    }

    /** The events after the requested resourceVersion, oldest first. */
    record Replay(List<Event> events) implements Since {
    }

    /** The history no longer reaches back to the requested version; {@code oldest} is the oldest it can serve. */
    record TooOld(long oldest) implements Since {
    }

    private final int capacity;
    private final long start;
    private final Map<TypeKey, Log> logs = new ConcurrentHashMap<>();

    /**
     * @param capacity how many events of each type are kept
     * @param start    the store's resourceVersion when it began: a watch from any earlier one is too old
     */
    EventHistory(int capacity, long start) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a watch history keeps at least one event, not " + capacity);
        }
        this.capacity = capacity;
        this.start = start;
    }

    /** Records a change (under the store's write lock) and hands it to the type's watches. */
    void append(TypeKey key, Event event) {
        Log log = logs.computeIfAbsent(key, k -> new Log());
        log.events.addLast(event);
        if (log.events.size() > capacity) {
            log.events.removeFirst();
            log.evicted = true;
        }
        if (!log.watchers.isEmpty()) {
            Parsed parsed = new Parsed(event);
            for (Watcher w : log.watchers) {
                w.deliver(event, parsed);
            }
        }
    }

    /**
     * The events of {@code key} after {@code resourceVersion}, or how old a version must be at least, and the watcher
     * registered for what follows (under the store's read lock). A version is served when every event after it is
     * still kept: from the version the store began at while nothing was dropped, else from just before the oldest
     * event kept (the real watch cache's rule, "too old resource version: R (OLDEST-1)").
     */
    Since watchFrom(TypeKey key, long resourceVersion, Watcher watcher) {
        Log log = logs.computeIfAbsent(key, k -> new Log());
        long oldest = log.evicted ? log.events.getFirst().resourceVersion() - 1 : start;
        if (resourceVersion < oldest) {
            return new TooOld(oldest);
        }
        List<Event> replay = new ArrayList<>();
        for (Event e : log.events) {
            if (e.resourceVersion() > resourceVersion) {
                replay.add(e);
            }
        }
        log.watchers.add(watcher);
        return new Replay(replay);
    }

    /** Registers a watcher for what follows (under the store's read lock). */
    void watch(TypeKey key, Watcher watcher) {
        logs.computeIfAbsent(key, k -> new Log()).watchers.add(watcher);
    }

    void unwatch(TypeKey key, Watcher watcher) {
        Log log = logs.get(key);
        if (log != null) {
            log.watchers.remove(watcher);
        }
    }
}
