package io.lvs.e2e.apiserver;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A REST path to objects, taken apart: {@code /apis/{group}/{version}[/namespaces/{ns}]/{plural}
 * [/{name}[/{subresource}]]}, or the same under {@code /api/{version}} for the core group.
 */
record ResourcePath(String group, String version, Optional<String> namespace, String plural,
        Optional<String> name, Optional<String> subresource) {

    /** The parts of {@code path} (no query string), or empty if it does not name objects. */
    static Optional<ResourcePath> parse(String path) {
        List<String> parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        int at;
        String group;
        if (parts.size() >= 3 && parts.get(0).equals("api")) {
            group = "";
            at = 1;
        } else if (parts.size() >= 4 && parts.get(0).equals("apis")) {
            group = parts.get(1);
            at = 2;
        } else {
            return Optional.empty();
        }
        String version = parts.get(at);
        List<String> rest = parts.subList(at + 1, parts.size());
        Optional<String> namespace = Optional.empty();
        // "namespaces/{ns}/{plural}..." unless it is the namespace object itself or its subresource
        if (rest.size() >= 3 && rest.get(0).equals("namespaces")
                && !(rest.size() == 3 && (rest.get(2).equals("status") || rest.get(2).equals("finalize")))) {
            namespace = Optional.of(rest.get(1));
            rest = rest.subList(2, rest.size());
        }
        if (rest.isEmpty() || rest.size() > 3) {
            return Optional.empty();
        }
        return Optional.of(new ResourcePath(group, version, namespace, rest.get(0),
                rest.size() > 1 ? Optional.of(rest.get(1)) : Optional.empty(),
                rest.size() > 2 ? Optional.of(rest.get(2)) : Optional.empty()));
    }

    boolean isCollection() {
        return name.isEmpty();
    }

    /** The path of the collection this path is in (same namespace). */
    String collectionPath() {
        StringBuilder path = new StringBuilder(group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version);
        namespace.ifPresent(ns -> path.append("/namespaces/").append(ns));
        return path.append('/').append(plural).toString();
    }

    /** The path of the named object itself, without subresource. */
    String objectPath() {
        return collectionPath() + name.map(n -> "/" + n).orElse("");
    }

    /** The full path, subresource included. */
    String path() {
        return objectPath() + subresource.map(s -> "/" + s).orElse("");
    }
}
