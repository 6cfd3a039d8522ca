package io.lvs.apiserver.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cel.runtime.CelEvaluationException;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code x-kubernetes-validations} part of custom resource validation, as apiextensions-apiserver's CEL
 * validator runs it: every rule of every schema node whose value is present and not null, with {@code self} the
 * node's value and, for a transition rule (one that uses {@code oldSelf}), {@code oldSelf} its correlated old value
 * (a transition rule without one does not run). A failed rule refuses the node's field, or the rule's
 * {@code fieldPath} under it, with the rule's {@code reason} (FieldValueInvalid unless set), the node's schema type
 * as the value, and {@code messageExpression}'s result, {@code message}, or "failed rule: RULE".
 *
 * <p>On an update, rules that do not use {@code oldSelf} do not run on a subtree equal to its old counterpart
 * (ratcheting). Rules with {@code optionalOldSelf: true} run on updates only: the CEL model has no optional type.
 */
final class CelValidation {
    private static final Pattern OLD_SELF = Pattern.compile("\\boldSelf\\b");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<JsonNode, Object> plain = new IdentityHashMap<>();

    private CelValidation() {
    }

    /** Runs every rule of {@code schema} over {@code object}; {@code old} is null on a create. */
    static void validate(JsonNode schema, JsonNode object, JsonNode old, List<FieldError> out) {
        new CelValidation().node(schema, object, old, "", false, out);
    }

    private void node(JsonNode s, JsonNode v, JsonNode old, String path, boolean unchanged, List<FieldError> out) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return;
        }
        boolean same = unchanged || (old != null && old.equals(v));
        for (JsonNode rule : s.path("x-kubernetes-validations")) {
            rule(s, rule, v, old, path, same, out);
        }
        if (v.isObject()) {
            JsonNode properties = s.path("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                node(p.getValue(), v.get(p.getKey()), old == null ? null : old.get(p.getKey()),
                        SchemaValidation.child(path, p.getKey()), same, out);
            }
            JsonNode additional = s.path("additionalProperties");
            if (additional.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!properties.has(e.getKey())) {
                        node(additional, e.getValue(), old == null ? null : old.get(e.getKey()),
                                path + "[" + e.getKey() + "]", same, out);
                    }
                }
            }
        } else if (v.isArray() && s.path("items").isObject()) {
            for (int i = 0; i < v.size(); i++) {
                node(s.get("items"), v.get(i), ListCorrelation.counterpart(s, v.get(i), old), path + "[" + i + "]",
                        same, out);
            }
        }
    }

    private void rule(JsonNode s, JsonNode rule, JsonNode v, JsonNode old, String path, boolean unchanged,
                      List<FieldError> out) {
        String text = rule.path("rule").asText();
        boolean transition = OLD_SELF.matcher(text).find();
        if (transition && old == null || !transition && unchanged) {
            return;
        }
        String type = s.path("type").asText("");
        String field = fieldOf(path, rule.path("fieldPath").asText(""));
        Object self = plain(v);
        Object oldSelf = transition ? plain(old) : null;
        boolean passed;
        try {
            passed = KubernetesCel.evaluate(text, self, oldSelf);
        } catch (CelEvaluationException | IllegalArgumentException e) {
            out.add(FieldError.invalid(FieldError.Layer.CEL, printable(path), NODES.textNode(type),
                    e.getMessage() + " evaluating rule: " + ruleText(rule)));
            return;
        }
        if (passed) {
            return;
        }
        String message = message(rule, self, oldSelf);
        out.add(switch (rule.path("reason").asText("FieldValueInvalid")) {
            case "FieldValueForbidden" -> FieldError.forbidden(FieldError.Layer.CEL, field, message);
            case "FieldValueRequired" -> FieldError.required(FieldError.Layer.CEL, field, message);
            case "FieldValueDuplicate" -> FieldError.duplicate(FieldError.Layer.CEL, field, NODES.textNode(type));
            default -> FieldError.invalid(FieldError.Layer.CEL, field, NODES.textNode(type), message);
        });
    }

    private static String message(JsonNode rule, Object self, Object oldSelf) {
        String expression = rule.path("messageExpression").asText("");
        if (!expression.isEmpty()) {
            try {
                String built = KubernetesCel.message(expression, self, oldSelf).strip();
                if (!built.isEmpty()) {
                    return built;
                }
            } catch (CelEvaluationException | IllegalArgumentException e) {
                // the API server then falls back to the message, as here
            }
        }
        String message = rule.path("message").asText("").strip();
        return message.isEmpty() ? "failed rule: " + rule.path("rule").asText().strip() : message;
    }

    /** ruleErrorString: the message when there is one, else the rule. */
    private static String ruleText(JsonNode rule) {
        String message = rule.path("message").asText("").strip();
        return message.isEmpty() ? rule.path("rule").asText().strip() : message;
    }

    /** The node's path with the rule's fieldPath (".spec.x", relative to the node) under it. */
    private static String fieldOf(String path, String fieldPath) {
        String relative = fieldPath.startsWith(".") ? fieldPath.substring(1) : fieldPath;
        return printable(relative.isEmpty() ? path : SchemaValidation.child(path, relative));
    }

    /** A nil field.Path prints as "<nil>": rules on the root have no field. */
    private static String printable(String path) {
        return path.isEmpty() ? "<nil>" : path;
    }

    private Object plain(JsonNode v) {
        return plain.computeIfAbsent(v, CelValues::of);
    }
}
