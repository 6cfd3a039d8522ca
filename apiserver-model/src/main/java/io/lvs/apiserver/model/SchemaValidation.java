package io.lvs.apiserver.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The OpenAPI v3 part of custom resource validation, as kube-openapi's schema validator applies a CRD's structural
 * schema and apiextensions-apiserver turns its results into field errors: types (an integral float passes as an
 * integer, {@code format} does not bound a number), string lengths and patterns, number bounds, item counts,
 * {@code enum}, {@code required}, property counts, {@code x-kubernetes-list-type} set/map uniqueness, and the
 * value-only {@code allOf}/{@code anyOf}/{@code oneOf}/{@code not} a structural schema may hold.
 *
 * <p>On an update, a subtree equal to its counterpart in the old object is not validated (validation ratcheting,
 * on by default since Kubernetes 1.30): an object stored before its CRD grew stricter can still be changed
 * elsewhere. Old values are correlated by property name, map key and, in {@code x-kubernetes-list-type: map}
 * lists, by the list's keys; items of other lists have no counterpart.
 */
final class SchemaValidation {
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SchemaValidation() {
    }

    /**
     * Validates {@code v} against schema node {@code s}.
     *
     * @param old  the correlated value of the old object, or null (a create, or nothing to correlate with)
     * @param path the field path of {@code v} ("spec.ports[0].port"); empty at the root
     */
    static void validate(JsonNode s, JsonNode v, JsonNode old, String path, List<FieldError> out) {
        if (old != null && old.equals(v)) {
            return; // ratcheting: an unchanged value keeps whatever it was accepted with
        }
        if (v.isNull()) {
            if (!s.path("nullable").asBoolean(false) && !types(s).isEmpty()) {
                out.add(typeError(path, s, "null"));
            }
            return;
        }
        List<String> types = types(s);
        String actual = jsonType(v);
        if (!types.isEmpty() && !types.contains(actual) && !(actual.equals("number") && types.contains("integer")
                && integralFloat(v.asDouble())) && !(actual.equals("integer") && types.contains("number"))) {
            out.add(typeError(path, s, actual));
            return;
        }
        if (v.isTextual()) {
            string(s, v, path, out);
        }
        if (v.isNumber()) {
            number(s, v, path, out);
        }
        if (v.isArray()) {
            array(s, v, old, path, out);
        }
        enumeration(s, v, path, out);
        if (v.isObject()) {
            object(s, v, old, path, out);
        }
        composition(s, v, old, path, out);
    }

    private static List<String> types(JsonNode s) {
        if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
            return List.of("integer", "string");
        }
        String t = s.path("type").asText("");
        return t.isEmpty() ? List.of() : List.of(t);
    }

    /** The schema type kube-openapi infers for a decoded JSON value (int64 when integral and in range). */
    static String jsonType(JsonNode v) {
        if (v.isObject()) {
            return "object";
        }
        if (v.isArray()) {
            return "array";
        }
        if (v.isTextual()) {
            return "string";
        }
        if (v.isBoolean()) {
            return "boolean";
        }
        if (v.isNull()) {
            return "null";
        }
        return v.isIntegralNumber() && v.canConvertToLong() ? "integer" : "number";
    }

    /** swag.IsFloat64AJSONInteger: a float64 that is an integer JSON can carry exactly (below 2^53). */
    private static boolean integralFloat(double f) {
        return !Double.isNaN(f) && !Double.isInfinite(f) && Math.abs(f) <= 9007199254740991d && f == Math.rint(f);
    }

    private static FieldError typeError(String path, JsonNode s, String actual) {
        return FieldError.typeInvalid(path, actual, path + " in body must be of type " + String.join(",", types(s))
                + ": " + GoText.quote(actual));
    }

    private static void string(JsonNode s, JsonNode v, String path, List<FieldError> out) {
        String text = v.asText();
        long length = text.codePointCount(0, text.length());
        if (s.has("maxLength") && length > s.get("maxLength").asLong()) {
            out.add(FieldError.tooLong(path, v, s.get("maxLength").asLong()));
        }
        if (s.has("minLength") && length < s.get("minLength").asLong()) {
            out.add(FieldError.invalid(FieldError.Layer.SCHEMA, path, v, path + " in body should be at least "
                    + s.get("minLength").asLong() + " chars long"));
        }
        if (s.has("pattern")) {
            String pattern = s.get("pattern").asText();
            if (!PATTERNS.computeIfAbsent(pattern, Pattern::compile).matcher(text).find()) {
                out.add(FieldError.invalid(FieldError.Layer.SCHEMA, path, v, path + " in body should match '"
                        + pattern + "'"));
            }
        }
    }

    /**
     * Bounds as kube-openapi's {@code MaximumNativeType}/{@code MinimumNativeType} print them: an integer value (what a
     * JSON integer decodes to) is compared with the bound as an int64 and the message prints that int64 ("2147483647");
     * a fractional value with the float64 ("1.5", "2.147483647e+09").
     */
    private static String bound(JsonNode v, double bound) {
        return v.isIntegralNumber() && v.canConvertToLong() ? Long.toString((long) bound) : GoText.float64(bound);
    }

    private static void number(JsonNode s, JsonNode v, String path, List<FieldError> out) {
        double d = v.asDouble();
        if (s.has("maximum")) {
            double max = s.get("maximum").asDouble();
            boolean exclusive = s.path("exclusiveMaximum").asBoolean(false);
            if (exclusive ? d >= max : d > max) {
                out.add(FieldError.invalid(FieldError.Layer.SCHEMA, path, v, path + " in body should be less than "
                        + (exclusive ? "" : "or equal to ") + bound(v, max)));
            }
        }
        if (s.has("minimum")) {
            double min = s.get("minimum").asDouble();
            boolean exclusive = s.path("exclusiveMinimum").asBoolean(false);
            if (exclusive ? d <= min : d < min) {
                out.add(FieldError.invalid(FieldError.Layer.SCHEMA, path, v, path + " in body should be greater than "
                        + (exclusive ? "" : "or equal to ") + bound(v, min)));
            }
        }
        if (s.has("multipleOf")) {
            double factor = s.get("multipleOf").asDouble();
            double q = d / factor;
            if (factor > 0 && q != Math.rint(q)) {
                out.add(FieldError.invalid(FieldError.Layer.SCHEMA, path, v, path + " in body should be a multiple of "
                        + GoText.float64(factor)));
            }
        }
    }

    private static void array(JsonNode s, JsonNode v, JsonNode old, String path, List<FieldError> out) {
        int size = v.size();
        if (s.has("maxItems") && size > s.get("maxItems").asLong()) {
            out.add(FieldError.tooMany(path, size, s.get("maxItems").asLong()));
        }
        if (s.has("minItems") && size < s.get("minItems").asLong()) {
            out.add(FieldError.invalid(FieldError.Layer.SCHEMA, path, NODES.numberNode((long) size), path
                    + " in body should have at least " + s.get("minItems").asLong() + " items"));
        }
        JsonNode items = s.path("items");
        if (items.isObject()) {
            for (int i = 0; i < size; i++) {
                validate(items, v.get(i), ListCorrelation.counterpart(s, v.get(i), old), path + "[" + i + "]", out);
            }
        }
        listType(s, v, path, out);
    }

    /** x-kubernetes-list-type set and map: no value, or no key combination, twice. */
    private static void listType(JsonNode s, JsonNode v, String path, List<FieldError> out) {
        String listType = s.path("x-kubernetes-list-type").asText("atomic");
        if (!listType.equals("set") && !listType.equals("map")) {
            return;
        }
        Set<JsonNode> seen = new HashSet<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode key = listType.equals("set") ? v.get(i) : ListCorrelation.keys(s, v.get(i));
            if (!seen.add(key)) {
                out.add(FieldError.duplicate(FieldError.Layer.SCHEMA, path + "[" + i + "]", key));
            }
        }
    }

    private static void enumeration(JsonNode s, JsonNode v, String path, List<FieldError> out) {
        JsonNode allowed = s.path("enum");
        if (!allowed.isArray() || allowed.isEmpty()) {
            return;
        }
        for (JsonNode a : allowed) {
            if (sameValue(a, v)) {
                return;
            }
        }
        List<String> values = new ArrayList<>();
        for (JsonNode a : allowed) {
            values.add(GoText.quote(a.isTextual() ? a.asText() : GoText.json(a)));
        }
        out.add(new FieldError(FieldError.Layer.SCHEMA, FieldError.Type.NOT_SUPPORTED, path, v,
                "supported values: " + String.join(", ", values)));
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.asDouble() == b.asDouble();
        }
        return a.equals(b);
    }

    private static void object(JsonNode s, JsonNode v, JsonNode old, String path, List<FieldError> out) {
        int count = v.size();
        if (s.has("maxProperties") && count > s.get("maxProperties").asLong()) {
            out.add(FieldError.tooMany(path, count, s.get("maxProperties").asLong()));
        }
        if (s.has("minProperties") && count < s.get("minProperties").asLong()) {
            out.add(FieldError.invalid(FieldError.Layer.SCHEMA, path, NODES.numberNode((long) count), path
                    + " in body should have at least " + s.get("minProperties").asLong() + " properties"));
        }
        for (JsonNode required : s.path("required")) {
            if (!v.has(required.asText())) {
                out.add(FieldError.required(FieldError.Layer.SCHEMA, child(path, required.asText()), ""));
            }
        }
        JsonNode properties = s.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            if (v.has(p.getKey())) {
                validate(p.getValue(), v.get(p.getKey()), old == null ? null : old.get(p.getKey()),
                        child(path, p.getKey()), out);
            }
        }
        JsonNode additional = s.path("additionalProperties");
        if (additional.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!properties.has(e.getKey())) {
                    validate(additional, e.getValue(), old == null ? null : old.get(e.getKey()),
                            child(path, e.getKey()), out);
                }
            }
        }
    }

    /** The value validations a structural schema may nest in allOf, anyOf, oneOf and not. */
    private static void composition(JsonNode s, JsonNode v, JsonNode old, String path, List<FieldError> out) {
        for (JsonNode part : s.path("allOf")) {
            validate(part, v, old, path, out);
        }
        if (s.path("anyOf").isArray() && !s.path("anyOf").isEmpty()) {
            long passing = count(s.get("anyOf"), v, path);
            if (passing == 0) {
                out.add(FieldError.invalid(FieldError.Layer.SCHEMA, path, v, path
                        + " in body must validate at least one schema (anyOf)"));
            }
        }
        if (s.path("oneOf").isArray() && !s.path("oneOf").isEmpty()) {
            long passing = count(s.get("oneOf"), v, path);
            if (passing != 1) {
                out.add(FieldError.invalid(FieldError.Layer.SCHEMA, path, v, path
                        + " in body must validate one and only one schema (oneOf)"));
            }
        }
        if (s.path("not").isObject()) {
            List<FieldError> inner = new ArrayList<>();
            validate(s.get("not"), v, null, path, inner);
            if (inner.isEmpty()) {
                out.add(FieldError.invalid(FieldError.Layer.SCHEMA, path, v, path
                        + " in body must not validate the schema (not)"));
            }
        }
    }

    private static long count(JsonNode alternatives, JsonNode v, String path) {
        long passing = 0;
        for (JsonNode alternative : alternatives) {
            List<FieldError> inner = new ArrayList<>();
            validate(alternative, v, null, path, inner);
            if (inner.isEmpty()) {
                passing++;
            }
        }
        return passing;
    }

    static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
