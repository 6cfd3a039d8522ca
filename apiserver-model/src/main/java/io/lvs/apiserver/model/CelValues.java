package io.lvs.apiserver.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON as the plain Java values the CEL runtime takes: maps, lists, String, Long, Double, Boolean. */
public final class CelValues {
    /** CEL's null: an admission variable without a value (oldObject on CREATE, object on DELETE, params). */
    public static final Object NULL = com.google.protobuf.NullValue.NULL_VALUE;

    private CelValues() {
    }

    /**
     * The value of {@code n} as a ValidatingAdmissionPolicy sees an object (unstructured, as decoded): a field set to
     * null is there, with CEL's null.
     */
    public static Object unstructured(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return NULL;
        }
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> m.put(e.getKey(), unstructured(e.getValue())));
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(e -> l.add(unstructured(e)));
            return l;
        }
        return of(n);
    }

    /** The value of {@code n}; fields set to null are left out, as the API server's CEL sees them absent. */
    public static Object of(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) {
                    m.put(e.getKey(), of(e.getValue()));
                }
            });
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(e -> l.add(of(e)));
            return l;
        }
        if (n.isIntegralNumber() && n.canConvertToLong()) {
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
}
