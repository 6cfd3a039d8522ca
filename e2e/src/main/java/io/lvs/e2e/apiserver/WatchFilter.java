package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Turns the store's changes into what a real API server sends on one watch: the label and field selectors decide
 * whether the object before and after a change is watched, so an object entering the selection arrives as ADDED
 * and one leaving it as DELETED (the object before the change, with the change's resourceVersion), as kube-apiserver's
 * cacher does; the objects can be rendered as one-row Tables for {@code kubectl get --watch}. Not thread-safe: a
 * watch's events reach it one at a time.
 */
final class WatchFilter {

    /** How to render events: as the objects themselves, or as one-row Tables. */
    sealed interface Rendering permits AsObjects, AsTables {}

    record AsObjects() implements Rendering {}

    record AsTables(ServerSideTable.IncludeObject include, String tableVersion) implements Rendering {}

    private final ResourceType type;
    private final Optional<String> namespace;
    private final Selector labels;
    private final Selector fields;
    private final Rendering rendering;
    private final Clock clock;
    private boolean headersSent;

    /** @param namespace the namespace a namespaced watch is confined to; empty for all */
    WatchFilter(ResourceType type, Optional<String> namespace, Selector labels, Selector fields, Rendering rendering,
            Clock clock) {
        this.type = type;
        this.namespace = namespace;
        this.labels = labels;
        this.fields = fields;
        this.rendering = rendering;
        this.clock = clock;
    }

    /** The line to send for one change, or empty to send nothing. */
    Optional<String> apply(EventHistory.Event event, EventHistory.Parsed parsed) {
        if (namespace.isPresent() && !namespace.get().equals(event.namespace())) {
            return Optional.empty();
        }
        boolean everything = labels.isEverything() && fields.isEverything();
        boolean now = everything || matches(parsed.object());
        boolean before = parsed.previous().map(p -> everything || matches(p)).orElse(false);
        return switch (event.type()) {
            case "ADDED" -> now ? Optional.of(line("ADDED", event.object(), parsed.object())) : Optional.empty();
            case "DELETED" -> now ? Optional.of(line("DELETED", event.object(), parsed.object())) : Optional.empty();
            default -> {
                if (now) {
                    yield Optional.of(line(before ? "MODIFIED" : "ADDED", event.object(), parsed.object()));
                }
                if (!before) {
                    yield Optional.empty();
                }
                ObjectNode left = parsed.previous().orElseThrow().deepCopy();
                ((ObjectNode) left.path("metadata")).put("resourceVersion", Long.toString(event.resourceVersion()));
                yield Optional.of(line("DELETED", Json.write(left), left));
            }
        };
    }

    private boolean matches(JsonNode object) {
        return labels.matches(object) && fields.matches(object);
    }

    /** A BOOKMARK: the resourceVersion the watch has reached, with no object. */
    String bookmark(long resourceVersion) {
        return event("BOOKMARK", renderBookmark(bookmarkObject(resourceVersion)));
    }

    /** The bookmark that ends the initial events of a {@code sendInitialEvents=true} watch. */
    String initialEventsEnd(long resourceVersion) {
        ObjectNode object = bookmarkObject(resourceVersion);
        ((ObjectNode) object.get("metadata")).putObject("annotations").put("k8s.io/initial-events-end", "true");
        return event("BOOKMARK", renderBookmark(object));
    }

    private ObjectNode bookmarkObject(long resourceVersion) {
        ObjectNode object = Json.object();
        object.put("kind", type.kind());
        object.put("apiVersion", type.groupVersion());
        object.putObject("metadata").put("resourceVersion", Long.toString(resourceVersion));
        return object;
    }

    private JsonNode renderBookmark(ObjectNode object) {
        return switch (rendering) {
            case AsObjects ignored -> object;
            case AsTables tables -> {
                ObjectNode table = ServerSideTable.render(type, List.of(), object.at("/metadata/resourceVersion")
                        .asText(), tables.include(), tables.tableVersion(), false, clock.instant());
                ((ObjectNode) table.path("metadata")).setAll((ObjectNode) object.get("metadata"));
                yield table;
            }
        };
    }

    /** A watch event as a line, the object's text reused when it is sent as stored. */
    private String line(String eventType, String text, JsonNode object) {
        return switch (rendering) {
            case AsObjects ignored -> "{\"type\":\"" + eventType + "\",\"object\":" + text + "}";
            case AsTables tables -> {
                boolean withHeaders = !headersSent;
                headersSent = true;
                yield event(eventType, ServerSideTable.render(type, List.of(object),
                        object.path("metadata").path("resourceVersion").asText(), tables.include(),
                        tables.tableVersion(), withHeaders, clock.instant()));
            }
        };
    }

    static String event(String type, JsonNode object) {
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
