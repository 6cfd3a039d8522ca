package io.lvs.api.v1alpha1.validation;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Validation of metav1.LabelSelector the way the API server validates it for built-in objects. */
final class LabelSelectors {
    private static final Pattern NAME = Pattern.compile("^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$");
    private static final Pattern PREFIX = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
    private static final Pattern VALUE = Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");
    private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

    private LabelSelectors() {
    }

    static void validate(Violations v, LabelSelector s, String field) {
        if (s == null) {
            return;
        }
        Map<String, String> labels = s.getMatchLabels();
        if (labels != null) {
            labels.forEach((k, val) -> {
                key(v, k, field + ".matchLabels");
                v.check(val != null && val.length() <= 63 && VALUE.matcher(val).matches(), field + ".matchLabels",
                        "label value \"" + val + "\" of key " + k + " is not a valid label value (at most 63 characters: "
                                + "letters, digits, '-', '_', '.', starting and ending with a letter or digit)");
            });
        }
        List<LabelSelectorRequirement> exprs = s.getMatchExpressions();
        if (exprs != null) {
            for (int i = 0; i < exprs.size(); i++) {
                LabelSelectorRequirement r = exprs.get(i);
                String f = field + ".matchExpressions[" + i + "]";
                if (!v.check(r.getKey() != null, f + ".key", "key is required")) {
                    continue;
                }
                key(v, r.getKey(), f + ".key");
                String op = r.getOperator();
                if (!v.check(op != null && OPERATORS.contains(op), f + ".operator",
                        "operator must be In, NotIn, Exists or DoesNotExist (got " + op + ")")) {
                    continue;
                }
                boolean hasValues = r.getValues() != null && !r.getValues().isEmpty();
                if (op.equals("In") || op.equals("NotIn")) {
                    v.check(hasValues, f + ".values", "values must not be empty when the operator is " + op);
                } else {
                    v.check(!hasValues, f + ".values", "values must be empty when the operator is " + op);
                }
            }
        }
    }

    private static void key(Violations v, String key, String field) {
        String name = key;
        int slash = key.indexOf('/');
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            v.check(prefix.length() <= 253 && PREFIX.matcher(prefix).matches(), field,
                    "label key prefix \"" + prefix + "\" must be a DNS subdomain");
        }
        v.check(!name.isEmpty() && name.length() <= 63 && NAME.matcher(name).matches(), field,
                "label key \"" + key + "\" is not valid (name part: at most 63 characters, letters, digits, '-', '_', '.')");
    }
}
