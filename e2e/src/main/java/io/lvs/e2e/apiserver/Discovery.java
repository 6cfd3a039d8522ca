package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * The discovery documents kubectl reads before anything else ({@code /version}, {@code /api},
 * {@code /apis}, {@code /api/v1}, {@code /apis/{group}/{version}}), in the legacy
 * (non-aggregated) format, which every client falls back to.
 */
final class Discovery {

    /** The Kubernetes release the server claims to be, matching the kubectl the project uses. */
    static final String KUBERNETES_VERSION = "v1.35.0";

    private final ResourceCatalog catalog;

    Discovery(ResourceCatalog catalog) {
        this.catalog = catalog;
    }

    static ObjectNode version() {
        ObjectNode version = Json.object();
        version.put("major", "1");
        version.put("minor", "35");
        version.put("gitVersion", KUBERNETES_VERSION + "+lvs-embedded");
        version.put("gitCommit", "0000000000000000000000000000000000000000");
        version.put("gitTreeState", "clean");
        version.put("buildDate", "1970-01-01T00:00:00Z");
        version.put("goVersion", "n/a (Fabric8 mock server in CRUD mode)");
        version.put("compiler", "n/a");
        version.put("platform", "linux/amd64");
        return version;
    }

    /** {@code /api}: the core group's versions. */
    static ObjectNode coreVersions(String serverAddress) {
        ObjectNode versions = Json.object();
        versions.put("kind", "APIVersions");
        versions.set("versions", Json.array(List.of("v1")));
        ObjectNode address = Json.object();
        address.put("clientCIDR", "0.0.0.0/0");
        address.put("serverAddress", serverAddress);
        versions.putArray("serverAddressByClientCIDRs").add(address);
        return versions;
    }

    /** {@code /apis}: every named group with its served versions. */
    ObjectNode groups() {
        ObjectNode list = Json.object();
        list.put("kind", "APIGroupList");
        list.put("apiVersion", "v1");
        ArrayNode groups = list.putArray("groups");
        for (ResourceCatalog.Group group : catalog.groups()) {
            ObjectNode entry = groups.addObject();
            entry.put("name", group.name());
            ArrayNode versions = entry.putArray("versions");
            for (String version : group.versions()) {
                versions.add(groupVersion(group.name(), version));
            }
            entry.set("preferredVersion", groupVersion(group.name(), group.versions().getFirst()));
        }
        return list;
    }

    private static ObjectNode groupVersion(String group, String version) {
        ObjectNode entry = Json.object();
        entry.put("groupVersion", group + "/" + version);
        entry.put("version", version);
        return entry;
    }

    /** {@code /api/v1} or {@code /apis/{group}/{version}}; empty when nothing is served there. */
    Optional<ObjectNode> resources(String group, String version) {
        List<ResourceType> types = catalog.all().stream()
                .filter(t -> t.group().equals(group) && t.version().equals(version))
                .toList();
        if (types.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode list = Json.object();
        list.put("kind", "APIResourceList");
        list.put("apiVersion", "v1");
        list.put("groupVersion", types.getFirst().groupVersion());
        ArrayNode resources = list.putArray("resources");
        for (ResourceType type : types) {
            ObjectNode resource = resources.addObject();
            resource.put("name", type.plural());
            resource.put("singularName", type.singular());
            resource.put("namespaced", type.namespaced());
            resource.put("kind", type.kind());
            resource.set("verbs", Json.array(ResourceType.VERBS));
            if (!type.shortNames().isEmpty()) {
                resource.set("shortNames", Json.array(type.shortNames()));
            }
            if (!type.categories().isEmpty()) {
                resource.set("categories", Json.array(type.categories()));
            }
            for (String subresource : type.subresources()) {
                resources.add(subresource(type, subresource));
            }
        }
        return Optional.of(list);
    }

    private static ObjectNode subresource(ResourceType type, String subresource) {
        ObjectNode resource = Json.object();
        resource.put("name", type.plural() + "/" + subresource);
        resource.put("singularName", "");
        resource.put("namespaced", type.namespaced());
        if (subresource.equals("scale")) {
            resource.put("group", "autoscaling");
            resource.put("version", "v1");
            resource.put("kind", "Scale");
        } else {
            resource.put("kind", type.kind());
        }
        resource.set("verbs", Json.array(List.of("get", "patch", "update")));
        return resource;
    }
}
