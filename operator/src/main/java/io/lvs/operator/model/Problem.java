package io.lvs.operator.model;

/** Why something was not accepted: a condition reason (CamelCase) and a message a person can act on. */
public record Problem(String reason, String message) {
}
