package io.lvs.e2e.apiserver;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The built-in Kubernetes types the project's operator, agents, chart and kubectl use, as real
 * discovery names them. The store would hold any built-in type; only these are discoverable.
 */
final class BuiltinTypes {

    private BuiltinTypes() {}

    static final List<ResourceType> ALL = List.of(
            type("", "Namespace", "namespaces", false, List.of("ns"), List.of(), "status"),
            type("", "Node", "nodes", false, List.of("no"), List.of(), "status"),
            type("", "Pod", "pods", true, List.of("po"), List.of("all"), "status"),
            type("", "Service", "services", true, List.of("svc"), List.of("all"), "status"),
            type("", "ConfigMap", "configmaps", true, List.of("cm"), List.of()),
            type("", "Secret", "secrets", true, List.of(), List.of()),
            type("", "ServiceAccount", "serviceaccounts", true, List.of("sa"), List.of()),
            type("", "Event", "events", true, List.of("ev"), List.of()),
            type("apps/v1", "DaemonSet", "daemonsets", true, List.of("ds"), List.of("all"), "status"),
            type("apps/v1", "Deployment", "deployments", true, List.of("deploy"), List.of("all"), "status", "scale"),
            type("coordination.k8s.io/v1", "Lease", "leases", true, List.of(), List.of()),
            type("events.k8s.io/v1", "Event", "events", true, List.of("ev"), List.of()),
            type("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", true, List.of("pdb"), List.of(), "status"),
            type("rbac.authorization.k8s.io/v1", "Role", "roles", true, List.of(), List.of()),
            type("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", true, List.of(), List.of()),
            type("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", false, List.of(), List.of()),
            type("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", false, List.of(),
                    List.of()),
            type("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies", false,
                    List.of(), List.of("api-extensions"), "status"),
            type("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding",
                    "validatingadmissionpolicybindings", false, List.of(), List.of("api-extensions")),
            type("apiextensions.k8s.io/v1", "CustomResourceDefinition", "customresourcedefinitions", false,
                    List.of("crd", "crds"), List.of(), "status"));

    /** Groups reserved for built-in types: a CRD cannot take them over, unknown paths in them still store. */
    static final Set<String> GROUPS = ALL.stream().map(ResourceType::group).collect(Collectors.toUnmodifiableSet());

    private static ResourceType type(String groupVersion, String kind, String plural, boolean namespaced,
            List<String> shortNames, List<String> categories, String... subresources) {
        String group = groupVersion.contains("/") ? groupVersion.substring(0, groupVersion.indexOf('/')) : "";
        String version = groupVersion.isEmpty() ? "v1" : groupVersion.substring(groupVersion.indexOf('/') + 1);
        return new ResourceType(group, version, kind, plural, kind.toLowerCase(Locale.ROOT), namespaced,
                shortNames, categories, List.of(subresources), List.of(PrinterColumn.age()), Optional.empty(),
                false, List.of());
    }
}
