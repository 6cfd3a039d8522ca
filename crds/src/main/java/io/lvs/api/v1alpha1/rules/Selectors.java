package io.lvs.api.v1alpha1.rules;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Label selector matching with metav1.LabelSelector semantics (an empty selector matches everything). */
public final class Selectors {
    private Selectors() {
    }

    public static boolean matches(LabelSelector selector, Map<String, String> labels) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(l.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                List<String> values = r.getValues() == null ? List.of() : r.getValues();
                boolean has = l.containsKey(r.getKey());
                boolean ok = switch (r.getOperator()) {
                    case "In" -> has && values.contains(l.get(r.getKey()));
                    case "NotIn" -> !has || !values.contains(l.get(r.getKey()));
                    case "Exists" -> has;
                    case "DoesNotExist" -> !has;
                    default -> false; // validation reports unknown operators; they match nothing
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    /** "app=web,tier in (a,b)" - the selector as kubectl prints it, for messages. */
    public static String describe(LabelSelector selector) {
        StringBuilder sb = new StringBuilder();
        if (selector.getMatchLabels() != null) {
            sb.append(selector.getMatchLabels().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                if (!sb.isEmpty()) {
                    sb.append(',');
                }
                switch (r.getOperator()) {
                    case "Exists" -> sb.append(r.getKey());
                    case "DoesNotExist" -> sb.append('!').append(r.getKey());
                    default -> sb.append(r.getKey()).append(' ').append(r.getOperator().toLowerCase())
                            .append(" (").append(String.join(",", r.getValues() == null ? List.of() : r.getValues())).append(')');
                }
            }
        }
        return sb.isEmpty() ? "<everything>" : sb.toString();
    }
}
