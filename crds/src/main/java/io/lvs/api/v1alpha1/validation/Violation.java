package io.lvs.api.v1alpha1.validation;

/** One broken rule: the field (as a path such as {@code spec.ports[1].port}) and a sentence a person can act on. */
public record Violation(String field, String message) {
    /** "field: message", or the message alone when it already begins with the field (as the API server's do). */
    @Override
    public String toString() {
        return message.startsWith(field + " ") ? message : field + ": " + message;
    }
}
