package io.lvs.e2e.apiserver;

import java.util.List;

/**
 * The default ClusterRoles and ClusterRoleBindings every kube-apiserver creates at start (its RBAC bootstrap policy),
 * the part that matters to clients here: {@code cluster-admin} for {@code system:masters}; {@code system:discovery}
 * and {@code system:public-info-viewer} (discovery, OpenAPI, /version and the health endpoints) and
 * {@code system:basic-user} (self reviews) for every authenticated user. The aggregated user-facing roles
 * (admin, edit, view) and the controllers' roles are not created.
 */
final class BootstrapPolicy {

    private BootstrapPolicy() {
    }

    /** The objects as JSON documents, ClusterRoles first. */
    static List<String> objects() {
        return List.of(
                clusterRole("cluster-admin", """
                        [{"apiGroups":["*"],"resources":["*"],"verbs":["*"]},{"nonResourceURLs":["*"],"verbs":["*"]}]"""),
                clusterRole("system:discovery", """
                        [{"nonResourceURLs":["/api","/api/*","/apis","/apis/*","/healthz","/livez","/openapi",\
                        "/openapi/*","/readyz","/version","/version/"],"verbs":["get"]}]"""),
                clusterRole("system:public-info-viewer", """
                        [{"nonResourceURLs":["/healthz","/livez","/readyz","/version","/version/"],"verbs":["get"]}]"""),
                clusterRole("system:basic-user", """
                        [{"apiGroups":["authorization.k8s.io"],"resources":["selfsubjectaccessreviews",\
                        "selfsubjectrulesreviews"],"verbs":["create"]},{"apiGroups":["authentication.k8s.io"],\
                        "resources":["selfsubjectreviews"],"verbs":["create"]}]"""),
                binding("cluster-admin", "cluster-admin", List.of(UserInfo.MASTERS)),
                binding("system:discovery", "system:discovery", List.of(UserInfo.AUTHENTICATED)),
                binding("system:public-info-viewer", "system:public-info-viewer",
                        List.of(UserInfo.AUTHENTICATED, "system:unauthenticated")),
                binding("system:basic-user", "system:basic-user", List.of(UserInfo.AUTHENTICATED)));
    }

    private static String clusterRole(String name, String rules) {
        return """
                {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"%s",%s},\
                "rules":%s}""".formatted(name, METADATA, rules.strip());
    }

    private static String binding(String name, String role, List<String> groups) {
        StringBuilder subjects = new StringBuilder();
        for (String g : groups) {
            subjects.append(subjects.isEmpty() ? "" : ",")
                    .append("{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"Group\",\"name\":\"").append(g)
                    .append("\"}");
        }
        return """
                {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"%s",%s},\
                "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"%s"},"subjects":[%s]}"""
                .formatted(name, METADATA, role, subjects);
    }

    private static final String METADATA = """
            "labels":{"kubernetes.io/bootstrapping":"rbac-defaults"},\
            "annotations":{"rbac.authorization.kubernetes.io/autoupdate":"true"}""";
}
