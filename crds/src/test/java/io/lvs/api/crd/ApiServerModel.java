package io.lvs.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.runtime.CelEvaluationException;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What kube-apiserver does with a custom resource before storing it, for the parts a CRD controls: apply the
 * schema's defaults, validate against the OpenAPI schema, then evaluate the {@code x-kubernetes-validations} CEL
 * rules, all read from the generated CRD (the real rule text, not a copy).
 */
final class ApiServerModel {
    /** Which layer of the API server rejected a field. */
    enum Layer { OPENAPI, CEL }

    /** One rejection: the layer, the field path (spec.ports[0].port) and the message. */
    record Rejection(Layer layer, String field, String message) {
        @Override
        public String toString() {
            return layer + " " + field + ": " + message;
        }
    }

    private final JsonNode schema;
    private final JsonSchema openApi;

    ApiServerModel(Class<? extends CustomResource<?, ?>> kind) {
        this.schema = Crds.schema(kind);
        this.openApi = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
    }

    /** Admits a new object (no oldSelf). */
    List<Rejection> admit(JsonNode object) {
        return admit(object, null);
    }

    /** Admits an object as a create ({@code old == null}) or an update. Mutates nothing the caller keeps. */
    List<Rejection> admit(JsonNode object, JsonNode old) {
        JsonNode obj = withDefaults(object);
        JsonNode prev = old == null ? null : withDefaults(old);
        List<Rejection> out = new ArrayList<>();
        for (ValidationMessage m : openApi.validate(obj)) {
            out.add(new Rejection(Layer.OPENAPI, field(m.getInstanceLocation().toString()), m.getMessage()));
        }
        if (out.isEmpty()) { // like the API server, CEL runs on schema-valid objects
            cel(schema, obj, prev, "", out);
        }
        return out;
    }

    /** The object with the schema's defaults applied, the way the API server defaults before validating. */
    JsonNode withDefaults(JsonNode object) {
        JsonNode copy = object.deepCopy();
        applyDefaults(schema, copy);
        return copy;
    }

    private static void applyDefaults(JsonNode s, JsonNode v) {
        if (v instanceof ObjectNode o) {
            JsonNode props = s.path("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                if (!o.has(p.getKey()) && p.getValue().has("default")) {
                    o.set(p.getKey(), p.getValue().get("default").deepCopy());
                }
                if (o.has(p.getKey())) {
                    applyDefaults(p.getValue(), o.get(p.getKey()));
                }
            }
            JsonNode additional = s.path("additionalProperties");
            if (additional.isObject()) {
                o.fields().forEachRemaining(e -> applyDefaults(additional, e.getValue()));
            }
        } else if (v instanceof ArrayNode a && s.has("items")) {
            a.forEach(e -> applyDefaults(s.get("items"), e));
        }
    }

    private static void cel(JsonNode s, JsonNode v, JsonNode old, String path, List<Rejection> out) {
        if (v == null || v.isNull()) {
            return;
        }
        for (JsonNode rule : s.path("x-kubernetes-validations")) {
            String text = rule.path("rule").asText();
            if (text.contains("oldSelf") && old == null) {
                continue; // transition rules only run on updates
            }
            try {
                if (!KubernetesCel.evaluate(text, plain(v), old == null ? null : plain(old))) {
                    out.add(new Rejection(Layer.CEL, path.isEmpty() ? "<root>" : path, rule.path("message").asText()));
                }
            } catch (CelEvaluationException e) {
                out.add(new Rejection(Layer.CEL, path, "rule " + text + " failed: " + e.getMessage()));
            }
        }
        if (v.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = s.path("properties").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                cel(p.getValue(), v.get(p.getKey()), old == null ? null : old.get(p.getKey()),
                        path.isEmpty() ? p.getKey() : path + "." + p.getKey(), out);
            }
        } else if (v.isArray() && s.has("items")) {
            for (int i = 0; i < v.size(); i++) {
                cel(s.get("items"), v.get(i), null, path + "[" + i + "]", out);
            }
        }
    }

    /** JSON to the plain Java values CEL takes: maps, lists, String, Long, Double, Boolean. */
    static Object plain(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) {
                    m.put(e.getKey(), plain(e.getValue()));
                }
            });
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(e -> l.add(plain(e)));
            return l;
        }
        if (n.isIntegralNumber()) {
            return n.asLong();
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        return n.asText();
    }

    /** "$.spec.ports[0].port" to "spec.ports[0].port". */
    private static String field(String instanceLocation) {
        return instanceLocation.startsWith("$.") ? instanceLocation.substring(2) : instanceLocation;
    }
}
