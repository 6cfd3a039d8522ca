package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import io.lvs.e2e.apiserver.jsonpath.JsonPathException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every type the server serves right now: the built-ins plus each served version of each stored
 * CustomResourceDefinition. Read from the store on every call, so a CRD is discoverable from the
 * moment it is created and gone the moment it is deleted.
 */
final class ResourceCatalog {

    private static final Pattern KUBE_VERSION = Pattern.compile("^v(\\d+)(?:(alpha|beta)(\\d+))?$");

    private final Supplier<List<JsonNode>> crds;

    /** @param crds the CustomResourceDefinitions currently stored, as JSON */
    ResourceCatalog(Supplier<List<JsonNode>> crds) {
        this.crds = crds;
    }

    List<ResourceType> all() {
        List<JsonNode> current = crds.get();
        Built last = built;
        if (last != null && last.from() == current) {
            return last.types(); // the same CRDs as last time (the supplier hands out one list until they change)
        }
        List<ResourceType> all = new ArrayList<>(BuiltinTypes.ALL);
        for (JsonNode crd : current) {
            all.addAll(typesOf(crd));
        }
        List<ResourceType> types = List.copyOf(all);
        built = new Built(current, types);
        return types;
    }

    /** The types built from one list of CRDs. */
    private record Built(List<JsonNode> from, List<ResourceType> types) {
    }

    private volatile Built built;

    Optional<ResourceType> find(String group, String version, String plural) {
        return all().stream()
                .filter(t -> t.group().equals(group) && t.version().equals(version) && t.plural().equals(plural))
                .findFirst();
    }

    /** A group and its served versions, preferred version first. */
    record Group(String name, List<String> versions) {}

    /** Built-in groups first (core excluded: it lives at /api), then CRD groups in creation order. */
    List<Group> groups() {
        Map<String, List<String>> versions = new LinkedHashMap<>();
        for (ResourceType type : all()) {
            if (type.group().isEmpty()) {
                continue;
            }
            List<String> list = versions.computeIfAbsent(type.group(), g -> new ArrayList<>());
            if (!list.contains(type.version())) {
                list.add(type.version());
            }
        }
        List<Group> groups = new ArrayList<>();
        versions.forEach((name, list) -> {
            list.sort(ResourceCatalog::byKubeVersionPriority);
            groups.add(new Group(name, List.copyOf(list)));
        });
        return groups;
    }

    /**
     * The types one CRD serves, one per served version. A CRD that claims a built-in group, or
     * whose printer columns do not parse, serves nothing (the real server would have rejected it).
     */
    static List<ResourceType> typesOf(JsonNode crd) {
        JsonNode spec = crd.path("spec");
        String group = spec.path("group").asText();
        if (group.isEmpty() || BuiltinTypes.GROUPS.contains(group)) {
            return List.of();
        }
        JsonNode names = spec.path("names");
        String kind = names.path("kind").asText();
        String plural = names.path("plural").asText();
        String singular = names.path("singular").asText(kind.toLowerCase(Locale.ROOT));
        boolean namespaced = !"Cluster".equals(spec.path("scope").asText("Namespaced"));
        List<ResourceType> types = new ArrayList<>();
        for (JsonNode version : spec.path("versions")) {
            if (!version.path("served").asBoolean(false)) {
                continue;
            }
            List<String> subresources = new ArrayList<>();
            version.path("subresources").fieldNames().forEachRemaining(subresources::add);
            List<PrinterColumn> columns;
            try {
                columns = PrinterColumn.of(version);
            } catch (JsonPathException e) {
                return List.of();
            }
            JsonNode schema = version.path("schema").path("openAPIV3Schema");
            types.add(new ResourceType(group, version.path("name").asText(), kind, plural,
                    singular.isEmpty() ? kind.toLowerCase(Locale.ROOT) : singular, namespaced,
                    strings(names.path("shortNames")), strings(names.path("categories")), subresources, columns,
                    schema.isObject() ? Optional.of(schema) : Optional.empty(), true,
                    strings(version.path("selectableFields"), "jsonPath").stream()
                            .map(f -> f.startsWith(".") ? f.substring(1) : f).toList()));
        }
        return types;
    }

    private static List<String> strings(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(item -> out.add(item.path(field).asText()));
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(item -> out.add(item.asText()));
        return out;
    }

    /**
     * Kubernetes' version ordering: GA before beta before alpha, higher numbers first, anything
     * that does not look like a Kubernetes version last and alphabetically.
     */
    static int byKubeVersionPriority(String a, String b) {
        Matcher ma = KUBE_VERSION.matcher(a);
        Matcher mb = KUBE_VERSION.matcher(b);
        if (!ma.matches() || !mb.matches()) {
            return ma.matches() ? -1 : mb.matches() ? 1 : a.compareTo(b);
        }
        Comparator<Matcher> order = Comparator
                .comparingInt((Matcher m) -> m.group(2) == null ? 0 : m.group(2).equals("beta") ? 1 : 2)
                .thenComparing(m -> -Integer.parseInt(m.group(1)))
                .thenComparing(m -> m.group(3) == null ? 0 : -Integer.parseInt(m.group(3)));
        return order.compare(ma, mb);
    }
}
