package io.lvs.e2e.apiserver;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The Fabric8 CRUD store with its objects indexed by name. The store finds an object by testing every stored one
 * (and copies the whole table first), so each read or write of one object cost work proportional to everything
 * stored and thousands of objects made the tests measure the store. Every change reaches the store through
 * {@link #processEvent}, which keeps the index; lookups of one named object ({@link #findResource}, the store's own
 * path for writes, and {@link #handleGet} of an object path) use it and test only the objects of that name. Lists
 * and anything without a name go to the store as before.
 *
 * <p>Every change is also recorded in an {@link EventHistory}, from which watches are served (the store's own
 * watches replay the current state whatever version a client resumes from, and never tell it a version is gone).
 * resourceVersions continue from the wall clock (microseconds since the epoch when the store starts, then one per
 * write), so a server restarted with an empty store never hands out a version an earlier one did: a client that
 * resumes from an old version is told it is too old and lists again, instead of waiting for versions above it.
 */
final class IndexedStore extends KubernetesCrudDispatcher {
    private static final String NAME = "name";

    private final Map<String, Set<AttributeSet>> byName = new ConcurrentHashMap<>();
    private final Lock readLock;
    private final AtomicLong resourceVersion;
    private final EventHistory history;

    /**
     * @param historyCapacity how many changes of each type watches can resume from
     * @param clock           where the first resourceVersion comes from
     */
    IndexedStore(int historyCapacity, Clock clock) {
        try {
            java.lang.reflect.Field f = KubernetesCrudDispatcher.class.getDeclaredField("lock");
            f.setAccessible(true);
            readLock = ((ReadWriteLock) f.get(this)).readLock(); // the store's own lock: reads see whole writes
            java.lang.reflect.Field rv = KubernetesCrudDispatcher.class.getDeclaredField("resourceVersion");
            rv.setAccessible(true);
            resourceVersion = (AtomicLong) rv.get(this); // lists report it, writes increment it
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the Fabric8 CRUD store changed: no lock or resourceVersion field", e);
        }
        long start = clock.millis() * 1000;
        resourceVersion.set(start);
        history = new EventHistory(historyCapacity, start);
    }

    /**
     * The store's one place of change: it removes {@code oldKey} and, when {@code json} is not null, stores it under
     * the key taken from it (merged with {@code pathAttributes} when that lacks the plural). The index follows the
     * same rule.
     */
    @Override
    public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldKey,
                             GenericKubernetesResource resource, String json) {
        String existing = oldKey == null ? null : map.get(oldKey);
        super.processEvent(path, pathAttributes, oldKey, resource, json);
        if (!Objects.equals(existing, json)) {
            record(path, existing, json, resource);
        }
        if (oldKey != null) {
            name(oldKey).ifPresent(n -> byName.computeIfPresent(n, (k, sets) -> {
                sets.remove(oldKey);
                return sets.isEmpty() ? null : sets;
            }));
        }
        if (json != null) {
            AttributeSet key = attributeExtractor.fromResource(json);
            AttributeSet stored = key.containsKey("plural") ? key : AttributeSet.merge(pathAttributes, key);
            name(stored).ifPresent(n -> byName.computeIfAbsent(n, k -> ConcurrentHashMap.newKeySet()).add(stored));
        }
    }

    /** The change a write made, for the history and the watches of its type. */
    private void record(String path, String existing, String json, GenericKubernetesResource resource) {
        Optional<ResourcePath> parsed = ResourcePath.parse(path);
        if (parsed.isEmpty()) {
            return; // not an object path: nothing a watch can name
        }
        EventHistory.TypeKey key = new EventHistory.TypeKey(parsed.get().group(), parsed.get().version(),
                parsed.get().plural());
        EventHistory.Event event;
        if (json == null) {
            // a deletion is a change of its own, with a version of its own, as on a real server
            long rv = resourceVersion.incrementAndGet();
            ObjectNode deleted = (ObjectNode) Json.parse(existing).orElseThrow();
            ((ObjectNode) deleted.path("metadata")).put("resourceVersion", Long.toString(rv));
            event = new EventHistory.Event(rv, "DELETED", namespace(deleted), Json.write(deleted),
                    Optional.of(existing));
        } else {
            long rv;
            String namespace;
            if (resource != null && resource.getMetadata() != null) { // the store's own parse, when it made one
                rv = parseVersion(resource.getMetadata().getResourceVersion());
                namespace = Objects.requireNonNullElse(resource.getMetadata().getNamespace(), "");
            } else {
                JsonNode object = Json.parse(json).orElseThrow();
                rv = WatchFilter.resourceVersion(object);
                namespace = namespace(object);
            }
            event = new EventHistory.Event(rv, existing == null ? "ADDED" : "MODIFIED", namespace, json,
                    Optional.ofNullable(existing));
        }
        history.append(key, event);
    }

    private static long parseVersion(String rv) {
        try {
            return Long.parseLong(rv);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String namespace(JsonNode object) {
        return object.path("metadata").path("namespace").asText("");
    }

    /** The resourceVersion of the last change. */
    long currentResourceVersion() {
        return resourceVersion.get();
    }

    /** What opening a watch found: the events to send first, or that the requested version is too old. */
    sealed interface Opening permits Opened, TooOld, TooNew {
    }

    /** @param current the resourceVersion the replay brings the watch to */
    record Opened(List<EventHistory.Event> replay, long current) implements Opening {
    }

    record TooOld(long oldest) implements Opening {
    }

    record TooNew(long current) implements Opening {
    }

    /**
     * Registers {@code watcher} for the changes of a type and hands {@code replay} what it must be sent first: the
     * objects now in {@code collectionPath} as ADDED when {@code since} is empty (a watch without a resourceVersion,
     * or from "0"), the changes after {@code since} otherwise. Both happen under the store's lock, so that no change
     * falls between them or overtakes the replay.
     */
    Opening watch(EventHistory.TypeKey key, String collectionPath, OptionalLong since, EventHistory.Watcher watcher,
                  Consumer<Opened> replay) {
        readLock.lock();
        try {
            long current = resourceVersion.get();
            Opened opened;
            if (since.isPresent()) {
                if (since.getAsLong() > current) {
                    return new TooNew(current);
                }
                EventHistory.Since found = history.watchFrom(key, since.getAsLong(), watcher);
                if (found instanceof EventHistory.TooOld old) {
                    return new TooOld(old.oldest());
                }
                opened = new Opened(((EventHistory.Replay) found).events(), current);
            } else {
                List<EventHistory.Event> state = new ArrayList<>();
                for (JsonNode item : ApiRouter.body(super.handleGet(collectionPath)).path("items")) {
                    state.add(new EventHistory.Event(WatchFilter.resourceVersion(item), "ADDED", namespace(item),
                            Json.write(item), Optional.empty()));
                }
                history.watch(key, watcher);
                opened = new Opened(state, current);
            }
            replay.accept(opened);
            return opened;
        } finally {
            readLock.unlock();
        }
    }

    /** Runs {@code action} with the current resourceVersion, no change running meanwhile. */
    void atVersion(LongConsumer action) {
        readLock.lock();
        try {
            action.accept(resourceVersion.get());
        } finally {
            readLock.unlock();
        }
    }

    void unwatch(EventHistory.TypeKey key, EventHistory.Watcher watcher) {
        history.unwatch(key, watcher);
    }

    @Override
    public void reset() {
        super.reset();
        byName.clear();
    }

    @Override
    public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
        Optional<String> name = name(query);
        if (name.isEmpty()) {
            return super.findResource(query);
        }
        for (AttributeSet candidate : byName.getOrDefault(name.get(), Set.of())) {
            String json = map.get(candidate);
            if (json != null && candidate.matches(query)) {
                return Map.entry(candidate, json);
            }
        }
        return null;
    }

    @Override
    public MockResponse handleGet(String path) {
        AttributeSet query = attributeExtractor.fromPath(path);
        Optional<String> name = name(query);
        if (name.isEmpty() || path.contains("watch=")) {
            return super.handleGet(path);
        }
        readLock.lock();
        try {
            for (AttributeSet candidate : byName.getOrDefault(name.get(), Set.of())) {
                String json = map.get(candidate);
                if (json != null && candidate.matches(query)) {
                    return new MockResponse().setResponseCode(200).setBody(json);
                }
            }
            return new MockResponse().setResponseCode(404);
        } finally {
            readLock.unlock();
        }
    }

    private static Optional<String> name(AttributeSet set) {
        Attribute a = set.getAttribute(NAME);
        return a == null || a.getValues().size() != 1 ? Optional.empty() : Optional.of(a.getValues().getFirst().toString());
    }
}
