package io.lvs.api.v1alpha1.validation;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How lvs.io objects are read from the API: unknown enum values become null (so one object with a typo, stored by an
 * API server that skipped the schema, is reported instead of breaking every read), unknown fields are ignored, and a
 * spec with a field of the wrong JSON type is read as a marked default that validation reports.
 */
public final class ApiObjects {
    /** A mapper configured the way the operator's Kubernetes client reads lvs.io objects. */
    public static final ObjectMapper MAPPER = configure(new ObjectMapper());

    private ApiObjects() {
    }

    /**
     * Applies this project's reading rules to {@code mapper} and returns it; specs are read strictly and a spec of the
     * wrong shape never fails the read of its object ({@link TolerantSpecs}).
     */
    public static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .registerModule(TolerantSpecs.module());
    }

    private static final ClassValue<String> ALLOWED = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            return Arrays.stream(type.getEnumConstants()).map(e -> jsonName((Enum<?>) e)).collect(Collectors.joining(", "));
        }
    };

    /** "TCP, UDP, SCTP" - the values an enum accepts in the API (its JSON names). */
    static <E extends Enum<E>> String allowedValues(Class<E> type) {
        return ALLOWED.get(type);
    }

    private static String jsonName(Enum<?> e) {
        for (var m : e.getDeclaringClass().getMethods()) {
            if (m.isAnnotationPresent(JsonValue.class)) {
                try {
                    return String.valueOf(m.invoke(e));
                } catch (ReflectiveOperationException ex) {
                    throw new IllegalStateException(ex);
                }
            }
        }
        return e.name();
    }
}
