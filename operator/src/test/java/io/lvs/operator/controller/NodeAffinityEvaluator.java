package io.lvs.operator.controller;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which nodes a DaemonSet's required node affinity selects, by the rules the DaemonSet controller applies
 * (terms ORed, requirements within a term ANDed; matchFields on metadata.name). Written for the tests apart from
 * the operator's own placement code, so the test checks the object the operator wrote, not its reasoning.
 */
final class NodeAffinityEvaluator {
    private NodeAffinityEvaluator() {
    }

    static SortedSet<String> nodesSelected(DaemonSet ds, List<Node> nodes) {
        List<NodeSelectorTerm> terms = ds.getSpec().getTemplate().getSpec().getAffinity().getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
        SortedSet<String> out = new TreeSet<>();
        for (Node n : nodes) {
            if (terms.stream().anyMatch(t -> matches(t, n))) {
                out.add(n.getMetadata().getName());
            }
        }
        return out;
    }

    private static boolean matches(NodeSelectorTerm term, Node n) {
        Map<String, String> labels = n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
        for (NodeSelectorRequirement r : term.getMatchExpressions() == null ? List.<NodeSelectorRequirement>of() : term.getMatchExpressions()) {
            if (!requirement(r, labels.get(r.getKey()), labels.containsKey(r.getKey()))) {
                return false;
            }
        }
        for (NodeSelectorRequirement r : term.getMatchFields() == null ? List.<NodeSelectorRequirement>of() : term.getMatchFields()) {
            if (!"metadata.name".equals(r.getKey()) || !requirement(r, n.getMetadata().getName(), true)) {
                return false;
            }
        }
        return (term.getMatchExpressions() != null && !term.getMatchExpressions().isEmpty())
                || (term.getMatchFields() != null && !term.getMatchFields().isEmpty()); // an empty term selects nothing
    }

    private static boolean requirement(NodeSelectorRequirement r, String value, boolean present) {
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        return switch (r.getOperator()) {
            case "In" -> present && values.contains(value);
            case "NotIn" -> !present || !values.contains(value);
            case "Exists" -> present;
            case "DoesNotExist" -> !present;
            case "Gt" -> present && Long.parseLong(value) > Long.parseLong(values.getFirst());
            case "Lt" -> present && Long.parseLong(value) < Long.parseLong(values.getFirst());
            default -> throw new AssertionError("unknown node selector operator " + r.getOperator());
        };
    }
}
