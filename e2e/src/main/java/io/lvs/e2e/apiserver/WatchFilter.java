package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the mock store's watch events into what a real API server would send on one watch.
 *
 * <p>The store replays every existing object as ADDED when a watch opens, whatever resourceVersion
 * the client asked to start from, and matches selectors only by equality. This filter drops
 * replayed objects the client already has (resourceVersion not newer than the one it asked for),
 * applies label and field selectors itself, reports objects entering or leaving the selection as
 * ADDED or DELETED, and can render each object as a Table for {@code kubectl get --watch}.
 * Not thread-safe: the store sends one watch's events from one thread.
 */
final class WatchFilter {

    /** How to render events: as the objects themselves, or as one-row Tables. */
    sealed interface Rendering permits AsObjects, AsTables {}

    record AsObjects() implements Rendering {}

    record AsTables(ServerSideTable.IncludeObject include, String tableVersion) implements Rendering {}

    private final ResourceType type;
    private final long sinceResourceVersion;
    private final Selector labels;
    private final Selector fields;
    private final Rendering rendering;
    private final Clock clock;
    private final Set<String> inSelection = new HashSet<>();
    private boolean headersSent;

    /** @param sinceResourceVersion -1 to deliver every existing object as ADDED */
    WatchFilter(ResourceType type, long sinceResourceVersion, Selector labels, Selector fields, Rendering rendering,
            Clock clock) {
        this.type = type;
        this.sinceResourceVersion = sinceResourceVersion;
        this.labels = labels;
        this.fields = fields;
        this.rendering = rendering;
        this.clock = clock;
    }

    /** The event to send for one event from the store, or empty to send nothing. */
    Optional<String> apply(String storeEvent) {
        Optional<JsonNode> parsed = Json.parse(storeEvent);
        if (parsed.isEmpty() || !parsed.get().path("object").isObject()) {
            return Optional.of(storeEvent);
        }
        JsonNode object = parsed.get().get("object");
        String eventType = parsed.get().path("type").asText();
        String key = object.path("metadata").path("namespace").asText() + "/"
                + object.path("metadata").path("name").asText();
        boolean matches = labels.matches(object) && fields.matches(object);
        String outgoing;
        switch (eventType) {
            case "ADDED", "MODIFIED" -> {
                if (!matches) {
                    if (!inSelection.remove(key)) {
                        return Optional.empty();
                    }
                    outgoing = "DELETED";
                } else {
                    boolean known = !inSelection.add(key);
                    if (resourceVersion(object) <= sinceResourceVersion) {
                        return Optional.empty();
                    }
                    outgoing = !known && !(labels.isEverything() && fields.isEverything()) ? "ADDED" : eventType;
                }
            }
            case "DELETED" -> {
                if (!inSelection.remove(key) && !matches) {
                    return Optional.empty();
                }
                outgoing = "DELETED";
            }
            default -> {
                return Optional.of(storeEvent);
            }
        }
        return Optional.of(event(outgoing, render(object)));
    }

    /** The bookmark that ends the initial events of a {@code sendInitialEvents=true} watch. */
    String initialEventsEnd(String resourceVersion) {
        ObjectNode object = Json.object();
        object.put("kind", type.kind());
        object.put("apiVersion", type.groupVersion());
        ObjectNode metadata = object.putObject("metadata");
        metadata.put("resourceVersion", resourceVersion);
        metadata.putObject("annotations").put("k8s.io/initial-events-end", "true");
        return event("BOOKMARK", render(object));
    }

    private JsonNode render(JsonNode object) {
        return switch (rendering) {
            case AsObjects ignored -> object;
            case AsTables tables -> {
                boolean withHeaders = !headersSent;
                headersSent = true;
                yield ServerSideTable.render(type, List.of(object),
                        object.path("metadata").path("resourceVersion").asText(), tables.include(),
                        tables.tableVersion(), withHeaders, clock.instant());
            }
        };
    }

    private static String event(String type, JsonNode object) {
        ObjectNode event = Json.object();
        event.put("type", type);
        event.set("object", object);
        return Json.write(event);
    }

    static long resourceVersion(JsonNode object) {
        try {
            return Long.parseLong(object.path("metadata").path("resourceVersion").asText());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
