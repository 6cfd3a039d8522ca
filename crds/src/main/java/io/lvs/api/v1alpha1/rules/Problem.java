package io.lvs.api.v1alpha1.rules;

/** Why something was not accepted: a condition reason (CamelCase) and a message a person can act on. */
public record Problem(String reason, String message) {
}
