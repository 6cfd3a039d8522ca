package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * Server-side printing: renders objects as a {@code meta.k8s.io} Table with NAME first and then
 * the type's printer columns, which is what {@code kubectl get} asks for and prints.
 */
final class ServerSideTable {

    /** What each row carries besides its cells ({@code includeObject} in TableOptions). */
    enum IncludeObject { NONE, METADATA, OBJECT;

        static IncludeObject of(String value) {
            return switch (value) {
                case "None" -> NONE;
                case "Object" -> OBJECT;
                default -> METADATA;
            };
        }
    }

    private ServerSideTable() {}

    /**
     * The table of {@code objects} (a list's items, or one object).
     *
     * @param tableVersion "v1" or "v1beta1", whichever the client accepted
     * @param withHeaders false for watch events after the first, as the real server does
     */
    static ObjectNode render(ResourceType type, List<JsonNode> objects, String resourceVersion,
            IncludeObject include, String tableVersion, boolean withHeaders, Instant now) {
        ObjectNode table = Json.object();
        table.put("kind", "Table");
        table.put("apiVersion", "meta.k8s.io/" + tableVersion);
        table.putObject("metadata").put("resourceVersion", resourceVersion);
        ArrayNode headers = table.putArray("columnDefinitions");
        if (withHeaders) {
            headers.add(column("Name", "string", "name",
                    "Name must be unique within a namespace (metadata.name).", 0));
            for (PrinterColumn column : type.columns()) {
                headers.add(column(column.name(), column.type(), column.format(), column.description(),
                        column.priority()));
            }
        }
        ArrayNode rows = table.putArray("rows");
        for (JsonNode object : objects) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            cells.add(object.path("metadata").path("name").asText());
            for (PrinterColumn column : type.columns()) {
                cells.add(column.cell(object, now));
            }
            switch (include) {
                case NONE -> { }
                case OBJECT -> row.set("object", object);
                case METADATA -> {
                    ObjectNode partial = row.putObject("object");
                    partial.put("kind", "PartialObjectMetadata");
                    partial.put("apiVersion", "meta.k8s.io/v1");
                    partial.set("metadata", object.path("metadata"));
                }
            }
        }
        return table;
    }

    private static ObjectNode column(String name, String type, String format, String description, int priority) {
        ObjectNode column = Json.object();
        column.put("name", name);
        column.put("type", type);
        column.put("format", format);
        column.put("description", description);
        column.put("priority", priority);
        return column;
    }
}
