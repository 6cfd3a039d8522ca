package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A {@code labelSelector} or {@code fieldSelector} query parameter, evaluated here on whole
 * objects because the mock store understands only equality and existence and silently ignores
 * set-based requirements ({@code in}, {@code notin}) and most fields.
 *
 * <p>Field selectors accept any dotted field path ({@code involvedObject.name},
 * {@code spec.nodeName}); which paths a type accepts is {@link ResourceType#unsupportedField}'s business.
 */
final class Selector {

    private enum Operator { EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, NOT_EXISTS }

    private record Requirement(String key, Operator operator, Set<String> values) {}

    private final boolean labels;
    private final List<Requirement> requirements;

    private Selector(boolean labels, List<Requirement> requirements) {
        this.labels = labels;
        this.requirements = requirements;
    }

    static final Selector EVERYTHING = new Selector(true, List.of());

    /**
     * @throws IllegalArgumentException naming the requirement that does not parse
     */
    static Selector labels(String expression) {
        List<Requirement> requirements = new ArrayList<>();
        for (String part : splitTopLevel(expression)) {
            String text = part.strip();
            if (text.isEmpty()) {
                continue;
            }
            requirements.add(labelRequirement(text));
        }
        return new Selector(true, List.copyOf(requirements));
    }

    /**
     * @throws IllegalArgumentException naming the requirement that does not parse
     */
    static Selector fields(String expression) {
        List<Requirement> requirements = new ArrayList<>();
        for (String part : expression.split(",")) {
            String text = part.strip();
            if (text.isEmpty()) {
                continue;
            }
            int notEquals = text.indexOf("!=");
            int doubleEquals = text.indexOf("==");
            int equals = text.indexOf('=');
            if (notEquals >= 0) {
                requirements.add(new Requirement(text.substring(0, notEquals).strip(), Operator.NOT_EQUALS,
                        Set.of(text.substring(notEquals + 2).strip())));
            } else if (doubleEquals >= 0) {
                requirements.add(new Requirement(text.substring(0, doubleEquals).strip(), Operator.EQUALS,
                        Set.of(text.substring(doubleEquals + 2).strip())));
            } else if (equals >= 0) {
                requirements.add(new Requirement(text.substring(0, equals).strip(), Operator.EQUALS,
                        Set.of(text.substring(equals + 1).strip())));
            } else {
                throw new IllegalArgumentException("invalid field selector requirement: " + text);
            }
        }
        return new Selector(false, List.copyOf(requirements));
    }

    /** The keys (labels or field paths) the requirements name, in order. */
    List<String> keys() {
        return requirements.stream().map(Requirement::key).toList();
    }

    boolean isEverything() {
        return requirements.isEmpty();
    }

    boolean matches(JsonNode object) {
        for (Requirement requirement : requirements) {
            Optional<String> value = labels ? label(object, requirement.key()) : field(object, requirement.key());
            boolean ok = switch (requirement.operator()) {
                case EQUALS, IN -> value.isPresent() && requirement.values().contains(value.get());
                // A missing label satisfies "!=" and "notin", as in Kubernetes.
                case NOT_EQUALS, NOT_IN -> value.isEmpty() || !requirement.values().contains(value.get());
                case EXISTS -> value.isPresent();
                case NOT_EXISTS -> value.isEmpty();
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static Optional<String> label(JsonNode object, String key) {
        JsonNode value = object.path("metadata").path("labels").path(key);
        return value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
    }

    /** A field's text; an absent field reads as "" (a real server compares against the zero value). */
    private static Optional<String> field(JsonNode object, String path) {
        JsonNode node = object;
        for (String part : path.split("\\.")) {
            node = node.path(part);
        }
        if (node.isMissingNode() || node.isNull()) {
            return Optional.of("");
        }
        return Optional.of(node.isValueNode() ? node.asText() : node.toString());
    }

    private static Requirement labelRequirement(String text) {
        if (text.startsWith("!")) {
            return new Requirement(text.substring(1).strip(), Operator.NOT_EXISTS, Set.of());
        }
        String padded = " " + text + " ";
        int notIn = padded.indexOf(" notin ");
        int in = padded.indexOf(" in ");
        if (notIn >= 0 || in >= 0) {
            boolean negated = notIn >= 0;
            int at = negated ? notIn : in;
            String key = text.substring(0, at).strip();
            int open = text.indexOf('(');
            int close = text.lastIndexOf(')');
            if (open < 0 || close < open || !text.substring(close + 1).isBlank()) {
                throw new IllegalArgumentException("invalid label selector requirement: " + text
                        + " (a set is written \"key in (a,b)\")");
            }
            String set = text.substring(open + 1, close);
            Set<String> values = new HashSet<>();
            for (String value : set.split(",")) {
                values.add(value.strip());
            }
            return new Requirement(key, negated ? Operator.NOT_IN : Operator.IN, Set.copyOf(values));
        }
        int notEquals = text.indexOf("!=");
        if (notEquals >= 0) {
            return new Requirement(text.substring(0, notEquals).strip(), Operator.NOT_EQUALS,
                    Set.of(text.substring(notEquals + 2).strip()));
        }
        int equals = text.indexOf('=');
        if (equals >= 0) {
            int valueAt = text.startsWith("=", equals + 1) ? equals + 2 : equals + 1;
            return new Requirement(text.substring(0, equals).strip(), Operator.EQUALS,
                    Set.of(text.substring(valueAt).strip()));
        }
        if (text.contains("(") || text.contains(")") || text.contains(" ")) {
            throw new IllegalArgumentException("invalid label selector requirement: " + text);
        }
        return new Requirement(text, Operator.EXISTS, Set.of());
    }

    /** Splits on commas outside parentheses: "a in (x,y),b" is two requirements. */
    private static List<String> splitTopLevel(String expression) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(expression.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(expression.substring(from));
        return parts;
    }
}
