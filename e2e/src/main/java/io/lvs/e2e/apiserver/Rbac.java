package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The RBAC authorizer, as kube-apiserver's: a request is allowed when a rule of a role bound to its user allows it;
 * nothing denies. ClusterRoleBindings grant their ClusterRole everywhere; RoleBindings grant their Role or ClusterRole
 * in their namespace. Subjects: a User by name, a Group by membership, a ServiceAccount by its user name (a
 * RoleBinding's ServiceAccount without a namespace is in the binding's). A rule allows a resource request when its
 * verbs, apiGroups, resources ({@code *}, {@code resource/subresource}, {@code *}{@code /subresource}) and
 * resourceNames (none: any name; some: only those, never a request without a name) all match; a non-resource request
 * when its verbs and nonResourceURLs (exact, or a prefix ending in {@code *}) match. Users in {@code system:masters}
 * are allowed everything before RBAC is asked, as kube-apiserver's privileged-group authorizer allows them.
 * Aggregated ClusterRoles are not aggregated (their own rules count).
 *
 * <p>The roles and bindings are read from the store once and again only after {@link #invalidate()} (called after
 * every write to the RBAC group).
 */
final class Rbac {
    static final String GROUP = "rbac.authorization.k8s.io";
    private static final String PREFIX = "/apis/" + GROUP + "/v1";

    /** A decision and its reason, in kube-apiserver's words ("RBAC: allowed by ClusterRoleBinding ..."). */
    record Decision(boolean allowed, String reason) {
    }

    /** One rule of a role, as stored. */
    record Rule(List<String> verbs, List<String> apiGroups, List<String> resources, List<String> resourceNames,
            List<String> nonResourceUrls) {
        static Rule of(JsonNode rule) {
            return new Rule(strings(rule.path("verbs")), strings(rule.path("apiGroups")), strings(rule.path("resources")),
                    strings(rule.path("resourceNames")), strings(rule.path("nonResourceURLs")));
        }

        boolean allows(RequestAttributes a) {
            if (!matches(verbs, a.verb())) {
                return false;
            }
            if (!a.resourceRequest()) {
                return nonResourceUrls.stream().anyMatch(u -> u.equals("*") || u.equals(a.path())
                        || u.endsWith("*") && a.path().startsWith(u.substring(0, u.length() - 1)));
            }
            return matches(apiGroups, a.apiGroup()) && resourceMatches(a)
                    && (resourceNames.isEmpty() || resourceNames.contains(a.name()));
        }

        private boolean resourceMatches(RequestAttributes a) {
            String combined = a.combinedResource();
            for (String r : resources) {
                if (r.equals("*") || r.equals(combined)) {
                    return true;
                }
                if (!a.subresource().isEmpty() && r.equals("*/" + a.subresource())) {
                    return true;
                }
            }
            return false;
        }

        private static boolean matches(List<String> allowed, String value) {
            return allowed.contains("*") || allowed.contains(value);
        }
    }

    /** A binding's grant: where it comes from (for reasons), and the rules it grants, or why they are missing. */
    private record Grant(String source, List<Rule> rules, Optional<String> missing) {
    }

    /** The stored RBAC objects, indexed: ClusterRole and Role rules by name, bindings in order. */
    private record Policy(Map<String, List<Rule>> clusterRoles, Map<String, List<Rule>> roles,
            List<JsonNode> clusterRoleBindings, List<JsonNode> roleBindings) {
    }

    private final Function<String, List<JsonNode>> list;
    private final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
    private volatile Snapshot snapshot;

    /** The policy as read while {@code generation} RBAC writes had completed. */
    private record Snapshot(long generation, Policy policy) {
    }

    /** @param list the stored objects of a collection path */
    Rbac(Function<String, List<JsonNode>> list) {
        this.list = list;
    }

    /** Called after each write to a role or binding: the next decision reads them again. */
    void invalidate() {
        writes.incrementAndGet();
    }

    Decision authorize(RequestAttributes a) {
        if (a.user().in(UserInfo.MASTERS)) {
            return new Decision(true, "");
        }
        List<String> errors = new ArrayList<>();
        for (Grant grant : grants(a.user(), a.namespace())) {
            if (grant.missing().isPresent()) {
                errors.add(grant.missing().get());
                continue;
            }
            if (grant.rules().stream().anyMatch(r -> r.allows(a))) {
                return new Decision(true, "RBAC: allowed by " + grant.source());
            }
        }
        String reason = errors.isEmpty() ? "" : "RBAC: " + (errors.size() == 1 ? errors.getFirst()
                : "[" + String.join(", ", errors) + "]");
        return new Decision(false, reason);
    }

    /** Every rule granted to {@code user} in {@code namespace} ("" for the cluster's alone), for a rules review. */
    List<Rule> rules(UserInfo user, String namespace) {
        List<Rule> out = new ArrayList<>();
        grants(user, namespace).forEach(g -> out.addAll(g.rules()));
        return out;
    }

    /** The names of the roles missing behind the bindings that apply to {@code user} in {@code namespace}. */
    List<String> missing(UserInfo user, String namespace) {
        return grants(user, namespace).stream().flatMap(g -> g.missing().stream()).toList();
    }

    private List<Grant> grants(UserInfo user, String namespace) {
        Policy p = policy();
        List<Grant> out = new ArrayList<>();
        for (JsonNode binding : p.clusterRoleBindings()) {
            for (JsonNode subject : binding.path("subjects")) {
                if (appliesTo(user, subject, "")) {
                    out.add(grant(p, binding, subject, ""));
                    break;
                }
            }
        }
        if (!namespace.isEmpty()) {
            for (JsonNode binding : p.roleBindings()) {
                String bindingNamespace = binding.path("metadata").path("namespace").asText("");
                if (!bindingNamespace.equals(namespace)) {
                    continue;
                }
                for (JsonNode subject : binding.path("subjects")) {
                    if (appliesTo(user, subject, bindingNamespace)) {
                        out.add(grant(p, binding, subject, bindingNamespace));
                        break;
                    }
                }
            }
        }
        return out;
    }

    private static Grant grant(Policy p, JsonNode binding, JsonNode subject, String namespace) {
        String roleKind = binding.path("roleRef").path("kind").asText();
        String roleName = binding.path("roleRef").path("name").asText();
        String bindingName = binding.path("metadata").path("name").asText();
        String source = (namespace.isEmpty() ? "ClusterRoleBinding \"" + bindingName + "\""
                : "RoleBinding \"" + bindingName + "/" + namespace + "\"") + " of " + roleKind + " \"" + roleName
                + "\" to " + describe(subject, namespace);
        List<Rule> rules = roleKind.equals("Role") && !namespace.isEmpty()
                ? p.roles().get(namespace + "/" + roleName) : roleKind.equals("ClusterRole")
                ? p.clusterRoles().get(roleName) : null;
        if (rules == null) {
            return new Grant(source, List.of(), Optional.of((roleKind.equals("Role") ? "role" : "clusterrole")
                    + "." + GROUP + " \"" + roleName + "\" not found"));
        }
        return new Grant(source, rules, Optional.empty());
    }

    private static boolean appliesTo(UserInfo user, JsonNode subject, String bindingNamespace) {
        String name = subject.path("name").asText();
        return switch (subject.path("kind").asText()) {
            case "User" -> user.name().equals(name);
            case "Group" -> user.in(name);
            case "ServiceAccount" -> {
                String ns = subject.path("namespace").asText("");
                ns = ns.isEmpty() ? bindingNamespace : ns;
                yield !ns.isEmpty() && user.name().equals(UserInfo.serviceAccountName(ns, name));
            }
            default -> false;
        };
    }

    private static String describe(JsonNode subject, String bindingNamespace) {
        String kind = subject.path("kind").asText();
        String name = subject.path("name").asText();
        if (kind.equals("ServiceAccount")) {
            String ns = subject.path("namespace").asText("");
            return kind + " \"" + name + "/" + (ns.isEmpty() ? bindingNamespace : ns) + "\"";
        }
        return kind + " \"" + name + "\"";
    }

    private Policy policy() {
        long generation = writes.get();
        Snapshot cached = snapshot;
        if (cached != null && cached.generation() == generation) {
            return cached.policy();
        }
        Map<String, List<Rule>> clusterRoles = new LinkedHashMap<>();
        for (JsonNode role : list.apply(PREFIX + "/clusterroles")) {
            clusterRoles.put(role.path("metadata").path("name").asText(), rulesOf(role));
        }
        Map<String, List<Rule>> roles = new LinkedHashMap<>();
        for (JsonNode role : list.apply(PREFIX + "/roles")) {
            roles.put(role.path("metadata").path("namespace").asText() + "/" + role.path("metadata").path("name").asText(),
                    rulesOf(role));
        }
        Policy p = new Policy(Map.copyOf(clusterRoles), Map.copyOf(roles), list.apply(PREFIX + "/clusterrolebindings"),
                list.apply(PREFIX + "/rolebindings"));
        snapshot = new Snapshot(generation, p); // stale at once if a write ended meanwhile: its generation moved
        return p;
    }

    private static List<Rule> rulesOf(JsonNode role) {
        List<Rule> rules = new ArrayList<>();
        role.path("rules").forEach(r -> rules.add(Rule.of(r)));
        return List.copyOf(rules);
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return List.copyOf(out);
    }
}
