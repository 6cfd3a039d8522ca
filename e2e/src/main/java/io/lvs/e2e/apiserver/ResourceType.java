package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * A kind of object the embedded API server serves at one group/version: what discovery lists,
 * what server-side printing uses, and, for custom resources, the schema OpenAPI publishes.
 *
 * @param group empty for the core ("legacy") group
 * @param subresources "status" and/or "scale"
 * @param schema the CRD version's {@code openAPIV3Schema}; empty for built-in types
 * @param custom true for a type defined by a CustomResourceDefinition
 * @param selectableFields a custom resource's {@code selectableFields} (paths without the leading dot)
 */
public record ResourceType(String group, String version, String kind, String plural, String singular,
        boolean namespaced, List<String> shortNames, List<String> categories, List<String> subresources,
        List<PrinterColumn> columns, Optional<JsonNode> schema, boolean custom, List<String> selectableFields) {

    public ResourceType {
        selectableFields = List.copyOf(selectableFields);
        shortNames = List.copyOf(shortNames);
        categories = List.copyOf(categories);
        subresources = List.copyOf(subresources);
        columns = List.copyOf(columns);
    }

    /** The verbs every type here supports; the store implements all of them. */
    public static final List<String> VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    /**
     * The first of {@code fields} a real server refuses in a field selector on this type: custom resources take
     * {@code metadata.name}, {@code metadata.namespace} and their declared {@code selectableFields} only. Built-in
     * types take a per-type list this server does not have, so it refuses none of theirs.
     */
    public Optional<String> unsupportedField(List<String> fields) {
        if (!custom) {
            return Optional.empty();
        }
        return fields.stream().filter(f -> !f.equals("metadata.name") && !f.equals("metadata.namespace")
                && !selectableFields.contains(f)).findFirst();
    }

    /** "apps/v1", or "v1" for the core group. */
    public String groupVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** "virtualservices.lvs.io", or "pods" for the core group: how the API names it in messages. */
    public String groupResource() {
        return group.isEmpty() ? plural : plural + "." + group;
    }

    /** The path prefix of this type's group/version: "/api/v1" or "/apis/apps/v1". */
    public String apiPrefix() {
        return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    }
}
