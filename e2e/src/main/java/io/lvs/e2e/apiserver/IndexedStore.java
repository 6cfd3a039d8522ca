package io.lvs.e2e.apiserver;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * The Fabric8 CRUD store with its objects indexed by name. The store finds an object by testing every stored one
 * (and copies the whole table first), so each read or write of one object cost work proportional to everything
 * stored and thousands of objects made the tests measure the store. Every change reaches the store through
 * {@link #processEvent}, which keeps the index; lookups of one named object ({@link #findResource}, the store's own
 * path for writes, and {@link #handleGet} of an object path) use it and test only the objects of that name. Lists,
 * watches and anything without a name go to the store as before.
 */
final class IndexedStore extends KubernetesCrudDispatcher {
    private static final String NAME = "name";

    private final Map<String, Set<AttributeSet>> byName = new ConcurrentHashMap<>();
    private final Lock readLock;

    IndexedStore() {
        try {
            java.lang.reflect.Field f = KubernetesCrudDispatcher.class.getDeclaredField("lock");
            f.setAccessible(true);
            readLock = ((ReadWriteLock) f.get(this)).readLock(); // the store's own lock: reads see whole writes
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the Fabric8 CRUD store changed: no lock field", e);
        }
    }

    /**
     * The store's one place of change: it removes {@code oldKey} and, when {@code json} is not null, stores it under
     * the key taken from it (merged with {@code pathAttributes} when that lacks the plural). The index follows the
     * same rule.
     */
    @Override
    public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldKey,
                             GenericKubernetesResource resource, String json) {
        super.processEvent(path, pathAttributes, oldKey, resource, json);
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
