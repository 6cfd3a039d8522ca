package io.lvs.e2e.apiserver;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who a request comes from, as kube-apiserver's authenticators describe a user: name, uid, groups and extra
 * attributes (a bound service-account token carries {@code authentication.kubernetes.io/node-name} there).
 *
 * @param name the user name, e.g. {@code system:serviceaccount:lvs-system:lvs-node-agent}
 * @param uid the user's uid (a service account's object uid), or ""
 * @param groups the groups, {@code system:authenticated} included
 * @param extra extra attributes: key to values, as in {@code user.Info.GetExtra()}
 */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {

    /** The group every authenticated user is in. */
    public static final String AUTHENTICATED = "system:authenticated";
    /** The group kube-apiserver lets do anything, whatever the RBAC objects say. */
    public static final String MASTERS = "system:masters";
    /** The extra attribute naming the node a service-account token is bound to (directly or through its pod). */
    public static final String NODE_NAME = "authentication.kubernetes.io/node-name";
    public static final String NODE_UID = "authentication.kubernetes.io/node-uid";
    public static final String CREDENTIAL_ID = "authentication.kubernetes.io/credential-id";
    private static final String SA_PREFIX = "system:serviceaccount:";

    public UserInfo {
        groups = List.copyOf(groups);
        extra = Map.copyOf(extra);
    }

    /** The administrator tests and kubectl act as: in {@code system:masters}, so allowed everything. */
    public static UserInfo admin() {
        return new UserInfo("kubernetes-admin", "", List.of(MASTERS, AUTHENTICATED), Map.of());
    }

    /** The server itself, for what it writes at start (system namespaces, default RBAC). */
    static UserInfo apiServer() {
        return new UserInfo("system:apiserver", "", List.of(MASTERS, AUTHENTICATED), Map.of());
    }

    /** A service account as its tokens authenticate: user, its groups, and the token's extra attributes. */
    public static UserInfo serviceAccount(String namespace, String name, String uid, Map<String, List<String>> extra) {
        return new UserInfo(serviceAccountName(namespace, name), uid,
                List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace, AUTHENTICATED), extra);
    }

    /** {@code system:serviceaccount:<namespace>:<name>}. */
    public static String serviceAccountName(String namespace, String name) {
        return SA_PREFIX + namespace + ":" + name;
    }

    /** The (namespace, name) of the service account this user is, if it is one. */
    Optional<String[]> serviceAccount() {
        if (!name.startsWith(SA_PREFIX)) {
            return Optional.empty();
        }
        String[] parts = name.substring(SA_PREFIX.length()).split(":", -1);
        return parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty() ? Optional.of(parts) : Optional.empty();
    }

    boolean in(String group) {
        return groups.contains(group);
    }
}
