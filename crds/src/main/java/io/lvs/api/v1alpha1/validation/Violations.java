package io.lvs.api.v1alpha1.validation;

import java.util.ArrayList;
import java.util.List;

/** Collects violations while a validator walks an object. */
final class Violations {
    private final List<Violation> list = new ArrayList<>();

    /** Records a violation of {@code field} unless {@code ok}; returns {@code ok} so callers can stop early. */
    boolean check(boolean ok, String field, String message) {
        if (!ok) {
            list.add(new Violation(field, message));
        }
        return ok;
    }

    boolean range(Integer value, long min, long max, String field, String what) {
        return value == null || check(value >= min && value <= max, field, what + " must be between " + min + " and " + max
                + " (got " + value + ")");
    }

    boolean maxLength(String value, int max, String field) {
        return value == null || check(value.length() <= max, field, field + " must be at most " + max + " characters long");
    }

    /**
     * A field of enum type must hold a known value. Readers of these objects map unknown values to null (see
     * {@link ApiObjects#MAPPER}), and an absent field keeps its Java default, so null means "unknown or explicitly
     * null".
     */
    <E extends Enum<E>> boolean known(E value, Class<E> type, String field) {
        return value != null || check(false, field, field + " must be one of " + ApiObjects.allowedValues(type));
    }

    List<Violation> list() {
        return List.copyOf(list);
    }
}
