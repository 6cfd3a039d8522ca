package io.lvs.api.v1alpha1.validation;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.lvs.api.v1alpha1.RealServerSpec;
import io.lvs.api.v1alpha1.StoredSpec;
import io.lvs.api.v1alpha1.VipPoolSpec;
import io.lvs.api.v1alpha1.VirtualServiceSpec;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads VirtualService, RealServer and VipPool specs strictly and never fails the read of the object around them.
 * Strictly: what the CRD's schema refuses is refused here too, in the API server's words for a field of the wrong JSON
 * type ({@link SchemaTypes}: no string for a number or a boolean, no number for a string or an enum, no fraction for an
 * integer, no bare string for an object), and no padded enum value. Never failing: a spec that cannot be read becomes a
 * default spec {@linkplain VirtualServiceSpec#markUnreadable marked} with the field and why, which validation reports
 * on that object; the object's metadata is intact, so a watch of the kind
 * keeps running and every other object keeps reconciling (an API server that skips schemas, or an object stored
 * before a CRD change, would otherwise stop the watch for good). Such a spec is written back as it was stored, so a
 * copy of the object (a cache's clone) is marked again and writing the object's status loses nothing.
 */
final class TolerantSpecs {
    /** The mapper that reads a spec's tree, with the schema's strictness and without this module (no recursion). */
    private static final ObjectMapper STRICT = strict();

    private TolerantSpecs() {
    }

    static SimpleModule module() {
        SimpleModule m = new SimpleModule("lvs-tolerant-specs");
        m.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription desc,
                                                          JsonDeserializer<?> deserializer) {
                Class<?> c = desc.getBeanClass();
                if (c == VirtualServiceSpec.class) {
                    return new Tolerant<>(VirtualServiceSpec.class, VirtualServiceSpec::new);
                }
                if (c == RealServerSpec.class) {
                    return new Tolerant<>(RealServerSpec.class, RealServerSpec::new);
                }
                if (c == VipPoolSpec.class) {
                    return new Tolerant<>(VipPoolSpec.class, VipPoolSpec::new);
                }
                return deserializer;
            }
        });
        m.setSerializerModifier(new BeanSerializerModifier() {
            @Override
            @SuppressWarnings("unchecked")
            public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription desc,
                                                      JsonSerializer<?> serializer) {
                Class<?> c = desc.getBeanClass();
                if (c == VirtualServiceSpec.class || c == RealServerSpec.class || c == VipPoolSpec.class) {
                    return new AsStored((JsonSerializer<Object>) serializer);
                }
                return serializer;
            }
        });
        return m;
    }

    /** Writes a spec that could not be read as it was stored; any other as usual. */
    private static final class AsStored extends StdSerializer<Object> {
        private final JsonSerializer<Object> usual;

        AsStored(JsonSerializer<Object> usual) {
            super(Object.class);
            this.usual = usual;
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            java.util.Optional<JsonNode> raw = value instanceof StoredSpec stored ? stored.raw() : java.util.Optional.empty();
            if (raw.isPresent()) {
                gen.writeTree(raw.get());
            } else {
                usual.serialize(value, gen, provider);
            }
        }
    }

    private static ObjectMapper strict() {
        JsonMapper m = JsonMapper.builder()
                .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL) // named by validation, as the CRD does
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // a real API server prunes them
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        for (LogicalType t : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            m.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        m.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Enum).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        m.registerModule(new SimpleModule("lvs-strict-enums").setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyEnumDeserializer(DeserializationConfig config, JavaType type,
                                                              BeanDescription desc, JsonDeserializer<?> deserializer) {
                return new Unpadded(type, deserializer);
            }
        }));
        return m;
    }

    /** Reads the spec's tree with {@link #STRICT}; on a mismatch, a default spec marked with the reason. */
    private static final class Tolerant<T extends StoredSpec> extends StdDeserializer<T> {
        private final Class<T> type;
        private final Supplier<T> blank;

        Tolerant(Class<T> type, Supplier<T> blank) {
            super(type);
            this.type = type;
            this.blank = blank;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String at = dotted(p.getParsingContext());
            JsonNode tree = p.readValueAsTree();
            JsonNode read = tree;
            Optional<JsonNode> schema = SchemaTypes.specSchemaOf(type);
            if (schema.isPresent()) {
                switch (SchemaTypes.check(schema.get(), tree, at)) {
                    case SchemaTypes.Refused refused -> {
                        return unreadable(refused.sentence(), tree);
                    }
                    case SchemaTypes.Readable readable -> read = readable.tree();
                }
            }
            try {
                return STRICT.treeToValue(read, type);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                return unreadable(describe(at, e, read), tree);
            }
        }

        private T unreadable(String why, JsonNode stored) {
            T t = blank.get();
            t.markUnreadable(why, stored);
            return t;
        }
    }

    /** An enum value with surrounding blanks ("TCP ") is refused, as the CRD's enum refuses it. */
    private static final class Unpadded extends StdDeserializer<Object> {
        private final JsonDeserializer<?> inner;

        Unpadded(JavaType type, JsonDeserializer<?> inner) {
            super(type);
            this.inner = inner;
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                String text = p.getText();
                if (!text.equals(text.strip())) {
                    return ctxt.handleWeirdStringValue(handledType(), text, "surrounded by blanks");
                }
            }
            return inner.deserialize(p, ctxt);
        }
    }

    /**
     * "spec", "status.acceptedSpec": where the spec sits in its object, also when the object is one item of a list
     * (the path stops at the list).
     */
    private static String dotted(JsonStreamContext c) {
        java.util.ArrayDeque<String> names = new java.util.ArrayDeque<>();
        for (JsonStreamContext x = c; x != null && !x.inRoot() && !x.inArray(); x = x.getParent()) {
            if (x.getCurrentName() != null) {
                names.addFirst(x.getCurrentName());
            }
        }
        return names.isEmpty() ? "spec" : String.join(".", names);
    }

    /**
     * Why the strict read failed where {@link SchemaTypes} found no mismatch (a padded enum value, "TCP "):
     * "spec.ports[0].protocol must be one of TCP, UDP, SCTP (got the string "TCP ")".
     */
    static String describe(String at, Exception e, JsonNode tree) {
        StringBuilder field = new StringBuilder(at);
        JsonNode node = tree;
        if (e instanceof JsonMappingException m) {
            for (JsonMappingException.Reference r : m.getPath()) {
                if (r.getFieldName() != null) {
                    field.append('.').append(r.getFieldName());
                    node = node == null ? null : node.get(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    field.append('[').append(r.getIndex()).append(']');
                    node = node == null ? null : node.get(r.getIndex());
                }
            }
        }
        return field + " must be " + expected(targetType(e)) + " (got " + got(node) + ")";
    }

    /** The Java type the read wanted: a mismatch names it, a number out of range names it in its cause. */
    private static Class<?> targetType(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MismatchedInputException mi && mi.getTargetType() != null) {
                return mi.getTargetType();
            }
            if (t instanceof InputCoercionException ic && ic.getTargetType() != null) {
                return ic.getTargetType();
            }
        }
        return null;
    }

    private static String expected(Class<?> t) {
        if (t == null) {
            return "a value of the type the schema gives";
        }
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
            return "an integer (a JSON number without a fraction, within the field's range)";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (t == String.class) {
            return "a string";
        }
        if (t.isEnum()) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            String allowed = ApiObjects.allowedValues((Class) t);
            return "one of " + allowed;
        }
        if (Collection.class.isAssignableFrom(t) || t.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(t)) {
            return "an object of string values";
        }
        return "an object";
    }

    private static String got(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "a value of another type";
        }
        return switch (n.getNodeType()) {
            case STRING -> "the string \"" + n.asText() + "\"";
            case NUMBER -> "the number " + n.asText();
            case BOOLEAN -> n.asText();
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
