package io.lvs.api.v1alpha1.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.lvs.api.v1alpha1.RealServerSpec;
import io.lvs.api.v1alpha1.VipPoolSpec;
import io.lvs.api.v1alpha1.VirtualServiceSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON-type check kube-apiserver makes on a custom resource before storing it (k8s.io/kube-openapi's
 * validate.typeValidator, against the CRD's OpenAPI schema), with its sentences, so that an object a schema-less server
 * stored is refused by the operator with the words a real server would have used:
 * {@code spec.ports[0].port in body must be of type integer: "string"}. The server decodes JSON numbers as Go does: an
 * integer literal within int64 is an integer, anything else a float, and an integral float within ±2^53 passes as an
 * integer ({@code 80.0}), so it does here (and the read gets the integer). Numbers beyond what the spec's Java types
 * hold (int32) get the bound the server would name first ({@code ... should be less than or equal to 65535}); every
 * other bound, pattern and enum is left to the validators. The schemas are the generated CRDs this jar ships.
 */
final class SchemaTypes {
    /** What the check found. */
    sealed interface Outcome permits Readable, Refused {
    }

    /** No type mismatch: the tree to read, with integral floats at integer fields made integers. */
    record Readable(JsonNode tree) implements Outcome {
    }

    /** The server would refuse the object: the field and its sentence. */
    record Refused(String field, String sentence) implements Outcome {
    }

    private static final String IN = "body";
    /** swag.IsFloat64AJSONInteger: integral floats beyond ±2^53 are not taken for integers. */
    private static final double MAX_JSON_INTEGER = 9007199254740992d;
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private static final Map<Class<?>, String> CRDS = Map.of(
            VirtualServiceSpec.class, "virtualservices.lvs.io",
            RealServerSpec.class, "realservers.lvs.io",
            VipPoolSpec.class, "vippools.lvs.io");

    private static final ClassValue<Optional<JsonNode>> SPEC_SCHEMAS = new ClassValue<>() {
        @Override
        protected Optional<JsonNode> computeValue(Class<?> type) {
            return Optional.ofNullable(CRDS.get(type)).map(SchemaTypes::specSchema);
        }
    };

    private SchemaTypes() {
    }

    /** The OpenAPI schema of the spec of the kind whose spec class is {@code type}, if this jar has its CRD. */
    static Optional<JsonNode> specSchemaOf(Class<?> type) {
        return SPEC_SCHEMAS.get(type);
    }

    private static JsonNode specSchema(String crd) {
        String resource = "/META-INF/fabric8/" + crd + "-v1.yml";
        try (InputStream in = SchemaTypes.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the lvs-crds jar");
            }
            JsonNode schema = new YAMLMapper().readTree(in)
                    .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
            if (!schema.isObject()) {
                throw new IllegalStateException(resource + " has no spec schema");
            }
            return schema;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Checks {@code value}, found at {@code path} ("spec", "status.acceptedSpec"), against {@code schema}. */
    static Outcome check(JsonNode schema, JsonNode value, String path) {
        try {
            return new Readable(walk(schema, value, path));
        } catch (Refusal r) {
            return new Refused(r.field, r.sentence);
        }
    }

    private static JsonNode walk(JsonNode schema, JsonNode value, String path) {
        if (value == null || value.isNull()) {
            return value; // the server prunes nulls of fields that are not nullable before it validates
        }
        String expected = schema.path("type").asText("");
        String actual = jsonType(value);
        JsonNode read = value;
        if (!expected.isEmpty() && !expected.equals(actual)) {
            if (expected.equals("integer") && actual.equals("number") && isJsonInteger(value)) {
                read = JsonNodeFactory.instance.numberNode(value.decimalValue().longValueExact());
            } else if (!(expected.equals("number") && actual.equals("integer"))) {
                throw new Refusal(path, path + " in " + IN + " must be of type " + expected + ": \"" + actual + "\"");
            }
        }
        if (expected.equals("integer") && !read.canConvertToInt()) {
            bounds(schema, read, path, actual.equals("integer"));
        }
        if (read.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            JsonNode properties = schema.path("properties");
            JsonNode additional = schema.path("additionalProperties");
            for (Map.Entry<String, JsonNode> field : read.properties()) {
                JsonNode sub = properties.has(field.getKey()) ? properties.get(field.getKey())
                        : additional.isObject() ? additional : null;
                // unknown fields: the server prunes them, the read ignores them
                out.set(field.getKey(), sub == null ? field.getValue()
                        : walk(sub, field.getValue(), path + "." + field.getKey()));
            }
            return out;
        }
        if (read.isArray() && schema.path("items").isObject()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < read.size(); i++) {
                out.add(walk(schema.get("items"), read.get(i), path + "[" + i + "]"));
            }
            return out;
        }
        return read;
    }

    /** An integer the spec's Java type cannot hold: the bound the server names (minimum and maximum are checked alike). */
    private static void bounds(JsonNode schema, JsonNode value, String path, boolean int64) {
        // the server compares an int64 with int64(bound) and prints that; a float64 with the bound printed as %v
        BigDecimal v = value.decimalValue();
        if (schema.path("maximum").isNumber() && v.compareTo(schema.get("maximum").decimalValue()) > 0) {
            throw new Refusal(path, path + " in " + IN + " should be less than or equal to "
                    + bound(schema.get("maximum"), int64));
        }
        if (schema.path("minimum").isNumber() && v.compareTo(schema.get("minimum").decimalValue()) < 0) {
            throw new Refusal(path, path + " in " + IN + " should be greater than or equal to "
                    + bound(schema.get("minimum"), int64));
        }
    }

    private static String bound(JsonNode bound, boolean int64) {
        return int64 ? Long.toString(bound.decimalValue().longValue()) : GoFloat.format(bound.doubleValue());
    }

    /** The JSON type the server's decoder gives: integer only for an integer literal within int64. */
    private static String jsonType(JsonNode n) {
        if (n.isTextual()) {
            return "string";
        }
        if (n.isBoolean()) {
            return "boolean";
        }
        if (n.isArray()) {
            return "array";
        }
        if (n.isObject()) {
            return "object";
        }
        if (n.isIntegralNumber()) {
            BigInteger b = n.bigIntegerValue();
            return b.compareTo(LONG_MIN) >= 0 && b.compareTo(LONG_MAX) <= 0 ? "integer" : "number";
        }
        if (n.isNumber()) {
            return "number";
        }
        return n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }

    /** A float the server takes for an integer: integral and within ±2^53. */
    private static boolean isJsonInteger(JsonNode n) {
        double d = n.doubleValue();
        return !Double.isInfinite(d) && Math.abs(d) <= MAX_JSON_INTEGER && d == Math.rint(d);
    }

    /** The first refusal ends the walk: one sentence per object, as the read can report one. */
    private static final class Refusal extends RuntimeException {
        private final String field;
        private final String sentence;

        Refusal(String field, String sentence) {
            super(sentence, null, false, false);
            this.field = field;
            this.sentence = sentence;
        }
    }

    /** Go's fmt %v of a float64 (strconv 'g', shortest): 65535, 2.147483647e+09, 1e-05. */
    static final class GoFloat {
        private GoFloat() {
        }

        static String format(double d) {
            if (d == 0) {
                return (1 / d < 0) ? "-0" : "0";
            }
            BigDecimal shortest = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
            String digits = shortest.unscaledValue().toString();
            int exp = digits.length() - shortest.scale() - 1; // the decimal exponent of the first digit
            String sign = d < 0 ? "-" : "";
            if (exp < -4 || exp >= 6) {
                String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
                return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
            }
            return sign + shortest.toPlainString();
        }
    }
}
