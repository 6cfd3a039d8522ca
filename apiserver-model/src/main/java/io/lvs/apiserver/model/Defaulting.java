package io.lvs.apiserver.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Structural defaulting, as kube-apiserver applies a CRD's {@code default}s to custom resources on create and
 * update: an absent property with a default gets it, recursively through objects that are present (and through
 * defaults just set), array items and map values. A property set to null that is not {@code nullable} is treated
 * as absent (defaulted, or dropped when it has no default), as the API server does before defaulting. Never touches
 * a present value.
 */
final class Defaulting {
    private Defaulting() {
    }

    /** Applies the defaults of {@code schema} to {@code value}, in place. */
    static void fill(JsonNode schema, JsonNode value) {
        if (value instanceof ObjectNode o) {
            JsonNode properties = schema.path("properties");
            List<String> nulls = new ArrayList<>();
            o.fields().forEachRemaining(e -> {
                if (e.getValue().isNull() && properties.has(e.getKey())
                        && !properties.get(e.getKey()).path("nullable").asBoolean(false)) {
                    nulls.add(e.getKey());
                }
            });
            nulls.forEach(o::remove);
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
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
