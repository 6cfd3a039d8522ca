package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Structural defaulting, as kube-apiserver applies a CRD's {@code default}s to custom resources on create and
 * update: an absent property with a default gets it, recursively through objects that are present (and through
 * defaults just set), array items and map values. Never touches a present value.
 */
final class SchemaDefaults {
    private SchemaDefaults() {
    }

    /** A copy of {@code object} with the defaults of {@code schema} applied. */
    static JsonNode apply(JsonNode schema, JsonNode object) {
        JsonNode copy = object.deepCopy();
        fill(schema, copy);
        return copy;
    }

    private static void fill(JsonNode schema, JsonNode value) {
        if (value instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                if (!o.has(p.getKey()) && p.getValue().has("default")) {
                    o.set(p.getKey(), p.getValue().get("default").deepCopy());
                }
                if (o.has(p.getKey())) {
                    fill(p.getValue(), o.get(p.getKey()));
                }
            }
            JsonNode additional = schema.path("additionalProperties");
            if (additional.isObject()) {
                o.fields().forEachRemaining(e -> fill(additional, e.getValue()));
            }
        } else if (value instanceof ArrayNode a && schema.has("items")) {
            a.forEach(item -> fill(schema.get("items"), item));
        }
    }
}
