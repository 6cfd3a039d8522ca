package io.lvs.e2e.apiserver;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What an authorizer is asked about a request, taken from its path, method and query as kube-apiserver's
 * RequestInfoFactory takes them: a resource request (verb, API group, version, resource, subresource, namespace, name)
 * or a non-resource request (verb and path).
 *
 * <p>Verbs: GET is {@code get} on a named object, {@code list} or {@code watch} (with {@code watch=true}) on a
 * collection; POST {@code create}; PUT {@code update}; PATCH {@code patch}; DELETE {@code delete}, or
 * {@code deletecollection} on a collection. A list or watch whose field selector requires {@code metadata.name} is
 * about that name (so {@code resourceNames} rules can allow it). A namespace object is in its own namespace. A
 * non-resource request's verb is the method in lower case.
 */
record RequestAttributes(UserInfo user, String verb, boolean resourceRequest, String path, String apiGroup,
        String apiVersion, String resource, String subresource, String namespace, String name) {

    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");
    private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");

    static RequestAttributes of(UserInfo user, ApiRequest request) {
        String path = request.path();
        String method = request.method().name();
        RequestAttributes nonResource = new RequestAttributes(user, method.toLowerCase(Locale.ROOT), false, path, "", "",
                "", "", "", "");
        List<String> parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        if (parts.size() < 3 || !(parts.get(0).equals("api") || parts.get(0).equals("apis"))) {
            return nonResource;
        }
        List<String> rest = parts.subList(1, parts.size());
        String group = "";
        if (parts.get(0).equals("apis")) {
            if (rest.size() < 3) {
                return nonResource;
            }
            group = rest.get(0);
            rest = rest.subList(1, rest.size());
        }
        String version = rest.get(0);
        rest = rest.subList(1, rest.size());
        String verb;
        if (rest.get(0).equals("watch") && rest.size() >= 2) { // the deprecated /watch/ paths
            verb = "watch";
            rest = rest.subList(1, rest.size());
        } else {
            verb = switch (request.method()) {
                case POST -> "create";
                case GET -> "get";
                case PUT -> "update";
                case PATCH -> "patch";
                case DELETE -> "delete";
                default -> "";
            };
        }
        String namespace = "";
        if (rest.get(0).equals("namespaces") && rest.size() > 1) {
            namespace = rest.get(1);
            if (rest.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(rest.get(2))) {
                rest = rest.subList(2, rest.size());
            }
        }
        String resource = rest.get(0);
        String name = rest.size() >= 2 ? rest.get(1) : "";
        String subresource = rest.size() >= 3 ? rest.get(2) : "";
        if (name.isEmpty() && verb.equals("get")) {
            verb = request.query().containsKey("watch") && TRUE.contains(request.query().get("watch")) ? "watch" : "list";
            name = exactName(request.query().getOrDefault("fieldSelector", ""));
        }
        if (name.isEmpty() && verb.equals("delete")) {
            verb = "deletecollection";
        }
        return new RequestAttributes(user, verb, true, path, group, version, resource, subresource, namespace, name);
    }

    /** The name a field selector requires ({@code metadata.name=x} among its terms), or "". */
    private static String exactName(String fieldSelector) {
        for (String term : fieldSelector.split(",")) {
            String t = term.strip();
            for (String op : List.of("==", "=")) {
                if (t.startsWith("metadata.name" + op)) {
                    String value = t.substring(("metadata.name" + op).length()).strip();
                    return value.contains("/") || value.equals(".") || value.equals("..") || value.contains("%")
                            ? "" : value;
                }
            }
        }
        return "";
    }

    /** Attributes asked about in a SelfSubjectAccessReview (no request behind them). */
    static RequestAttributes resource(UserInfo user, String verb, String group, String version, String resource,
            String subresource, String namespace, String name) {
        return new RequestAttributes(user, verb, true, "", group, version, resource, subresource, namespace, name);
    }

    static RequestAttributes nonResource(UserInfo user, String verb, String path) {
        return new RequestAttributes(user, verb, false, path, "", "", "", "", "", "");
    }

    /** "resource/subresource", or the resource alone. */
    String combinedResource() {
        return subresource.isEmpty() ? resource : resource + "/" + subresource;
    }
}
