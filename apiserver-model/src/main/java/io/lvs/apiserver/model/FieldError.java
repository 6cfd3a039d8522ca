package io.lvs.apiserver.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * One refusal of a field, as k8s.io/apimachinery's field.Error: its type, the field's path, the bad value and a
 * detail. {@link #body()} and {@link #toString()} print it as kube-apiserver does, and {@link Type#reason()} is the
 * {@code details.causes[].reason} of the 422 Status.
 *
 * @param layer    which step refused it (what the CRD rule tests compare)
 * @param badValue the value printed after the type; {@link #OMIT} for errors that print none
 */
public record FieldError(Layer layer, Type type, String field, JsonNode badValue, String detail) {

    /** The step of admission that refused a field. */
    public enum Layer { METADATA, SCHEMA, CEL }

    /** field.ErrorType: the cause reason and the words that start the message. */
    public enum Type {
        NOT_FOUND("FieldValueNotFound", "Not found"),
        REQUIRED("FieldValueRequired", "Required value"),
        DUPLICATE("FieldValueDuplicate", "Duplicate value"),
        INVALID("FieldValueInvalid", "Invalid value"),
        NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value"),
        FORBIDDEN("FieldValueForbidden", "Forbidden"),
        TOO_LONG("FieldValueTooLong", "Too long"),
        TOO_MANY("FieldValueTooMany", "Too many"),
        INTERNAL("InternalError", "Internal error"),
        TYPE_INVALID("FieldValueTypeInvalid", "Invalid value");

        private final String reason;
        private final String text;

        Type(String reason, String text) {
            this.reason = reason;
            this.text = text;
        }

        /** The Status cause's reason, e.g. FieldValueInvalid. */
        public String reason() {
            return reason;
        }

        /** The message's first words, e.g. "Invalid value". */
        public String text() {
            return text;
        }
    }

    /** The bad value of an error that prints none. */
    public static final JsonNode OMIT = MissingNode.getInstance();

    /** The message without the field, as a Status cause carries it ({@code Invalid value: 0: ...}). */
    public String body() {
        String s = switch (type) {
            case REQUIRED, FORBIDDEN, TOO_LONG, INTERNAL -> type.text();
            default -> badValue.isMissingNode() ? type.text() : type.text() + ": " + GoText.value(badValue);
        };
        return detail.isEmpty() ? s : s + ": " + detail;
    }

    /** {@code spec.ports[0].port: Invalid value: 0: ...}. */
    @Override
    public String toString() {
        return field + ": " + body();
    }

    static FieldError required(Layer layer, String field, String detail) {
        return new FieldError(layer, Type.REQUIRED, field, JsonNodeFactory.instance.textNode(""), detail);
    }

    static FieldError invalid(Layer layer, String field, JsonNode value, String detail) {
        return new FieldError(layer, Type.INVALID, field, value, detail);
    }

    static FieldError typeInvalid(String field, String actualType, String detail) {
        return new FieldError(Layer.SCHEMA, Type.TYPE_INVALID, field, JsonNodeFactory.instance.textNode(actualType),
                detail);
    }

    /** field.TooLong as Kubernetes 1.32 and later word it. */
    static FieldError tooLong(String field, JsonNode value, long max) {
        return new FieldError(Layer.SCHEMA, Type.TOO_LONG, field, value,
                "may not be more than " + max + (max == 1 ? " byte" : " bytes"));
    }

    static FieldError tooMany(String field, long actual, long max) {
        return new FieldError(Layer.SCHEMA, Type.TOO_MANY, field, JsonNodeFactory.instance.numberNode(actual),
                "must have at most " + max + " items");
    }

    static FieldError duplicate(Layer layer, String field, JsonNode value) {
        return new FieldError(layer, Type.DUPLICATE, field, value, "");
    }

    static FieldError forbidden(Layer layer, String field, String detail) {
        return new FieldError(layer, Type.FORBIDDEN, field, JsonNodeFactory.instance.textNode(""), detail);
    }
}
