package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OpenAPI v3 for the custom resources' group/versions, built from their CRD schemas the way the
 * apiextensions-apiserver publishes them, which is what {@code kubectl explain} reads.
 *
 * <p>Only CRD groups are published: the built-in types' schemas are not available here, so
 * {@code kubectl explain pods} fails against this server.
 */
final class OpenApiV3 {

    private static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    private static final String LIST_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";

    private final ResourceCatalog catalog;

    OpenApiV3(ResourceCatalog catalog) {
        this.catalog = catalog;
    }

    /** {@code /openapi/v3}: one entry per CRD group/version, its URL carrying the document's hash. */
    ObjectNode index() {
        ObjectNode index = Json.object();
        ObjectNode paths = index.putObject("paths");
        for (Map.Entry<String, List<ResourceType>> entry : byGroupVersion().entrySet()) {
            String key = "apis/" + entry.getKey();
            String hash = sha512(Json.write(document(entry.getValue())));
            paths.putObject(key).put("serverRelativeURL", "/openapi/v3/" + key + "?hash=" + hash);
        }
        return index;
    }

    /** {@code /openapi/v3/apis/{group}/{version}}; empty when no CRD serves it. */
    Optional<ObjectNode> document(String group, String version) {
        List<ResourceType> types = byGroupVersion().get(group + "/" + version);
        return types == null ? Optional.empty() : Optional.of(document(types));
    }

    private Map<String, List<ResourceType>> byGroupVersion() {
        Map<String, List<ResourceType>> groups = new LinkedHashMap<>();
        for (ResourceType type : catalog.all()) {
            if (type.custom()) {
                groups.computeIfAbsent(type.groupVersion(), gv -> new ArrayList<>()).add(type);
            }
        }
        return groups;
    }

    private static ObjectNode document(List<ResourceType> types) {
        ObjectNode document = Json.object();
        document.put("openapi", "3.0.0");
        document.putObject("info").put("title", "Kubernetes CRD Swagger").put("version", "v0.1.0");
        ObjectNode paths = document.putObject("paths");
        ObjectNode schemas = document.putObject("components").putObject("schemas");
        for (ResourceType type : types) {
            String name = schemaName(type);
            schemas.set(name, kindSchema(type));
            schemas.set(name + "List", listSchema(type, name));
            addPaths(paths, type, name);
        }
        schemas.set(OBJECT_META, objectMeta());
        schemas.set(LIST_META, listMeta());
        return document;
    }

    /** "io.lvs.v1alpha1.VirtualService" for group lvs.io: the group's labels reversed. */
    static String schemaName(ResourceType type) {
        List<String> labels = new ArrayList<>(List.of(type.group().split("\\.")));
        Collections.reverse(labels);
        return String.join(".", labels) + "." + type.version() + "." + type.kind();
    }

    private static ObjectNode gvk(ResourceType type) {
        ObjectNode gvk = Json.object();
        gvk.put("group", type.group());
        gvk.put("kind", type.kind());
        gvk.put("version", type.version());
        return gvk;
    }

    private static ObjectNode kindSchema(ResourceType type) {
        ObjectNode schema = type.schema().map(s -> ((ObjectNode) s).deepCopy()).orElseGet(() -> {
            ObjectNode open = Json.object();
            open.put("type", "object");
            open.put("x-kubernetes-preserve-unknown-fields", true);
            return open;
        });
        ObjectNode properties = schema.has("properties") ? (ObjectNode) schema.get("properties")
                : schema.putObject("properties");
        if (!properties.has("apiVersion")) {
            properties.set("apiVersion", stringProperty("APIVersion defines the versioned schema of this "
                    + "representation of an object; here " + type.groupVersion() + "."));
        }
        if (!properties.has("kind")) {
            properties.set("kind", stringProperty("Kind is the type of this object; here " + type.kind() + "."));
        }
        ObjectNode metadata = Json.object();
        metadata.putArray("allOf").addObject().put("$ref", "#/components/schemas/" + OBJECT_META);
        metadata.put("description", "Standard object's metadata: name, namespace, labels, annotations.");
        properties.set("metadata", metadata);
        schema.putArray("x-kubernetes-group-version-kind").add(gvk(type));
        return schema;
    }

    private static ObjectNode listSchema(ResourceType type, String itemSchema) {
        ObjectNode schema = Json.object();
        schema.put("description", type.kind() + "List is a list of " + type.kind());
        schema.putArray("required").add("items");
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        properties.set("apiVersion", stringProperty("APIVersion of the list."));
        ObjectNode items = properties.putObject("items");
        items.put("description", "List of " + type.plural() + ".");
        items.put("type", "array");
        items.putObject("items").put("$ref", "#/components/schemas/" + itemSchema);
        properties.set("kind", stringProperty("Kind of the list."));
        ObjectNode metadata = properties.putObject("metadata");
        metadata.putArray("allOf").addObject().put("$ref", "#/components/schemas/" + LIST_META);
        metadata.put("description", "Standard list metadata.");
        ObjectNode gvk = gvk(type);
        gvk.put("kind", type.kind() + "List");
        schema.putArray("x-kubernetes-group-version-kind").add(gvk);
        return schema;
    }

    /** Resource paths with the GVK extension on each operation: explain finds the kind through them. */
    private static void addPaths(ObjectNode paths, ResourceType type, String schemaName) {
        String prefix = type.apiPrefix() + (type.namespaced() ? "/namespaces/{namespace}" : "");
        String collection = prefix + "/" + type.plural();
        ObjectNode list = paths.putObject(collection);
        list.set("get", operation(type, "list", schemaName + "List"));
        list.set("post", operation(type, "post", schemaName));
        ObjectNode object = paths.putObject(collection + "/{name}");
        object.set("get", operation(type, "get", schemaName));
        object.set("put", operation(type, "put", schemaName));
        object.set("patch", operation(type, "patch", schemaName));
        object.set("delete", operation(type, "delete", schemaName));
        for (String subresource : type.subresources()) {
            if (subresource.equals("status")) {
                ObjectNode status = paths.putObject(collection + "/{name}/status");
                status.set("get", operation(type, "get", schemaName));
                status.set("put", operation(type, "put", schemaName));
                status.set("patch", operation(type, "patch", schemaName));
            }
        }
    }

    private static ObjectNode operation(ResourceType type, String action, String schemaName) {
        ObjectNode operation = Json.object();
        operation.putArray("tags").add(type.group().replace('.', '_') + "_" + type.version());
        operation.put("description", action + " " + type.kind());
        ObjectNode ok = operation.putObject("responses").putObject("200");
        ok.put("description", "OK");
        ok.putObject("content").putObject("application/json").putObject("schema")
                .put("$ref", "#/components/schemas/" + schemaName);
        operation.put("x-kubernetes-action", action);
        operation.set("x-kubernetes-group-version-kind", gvk(type));
        if (action.equals("post") || action.equals("put") || action.equals("patch")) {
            // kubectl looks for this parameter on the PATCH operation: found, it sends fieldValidation=Strict and
            // leaves validation to the server (it would otherwise validate with OpenAPI v2, which is not served)
            ObjectNode fieldValidation = operation.putArray("parameters").addObject();
            fieldValidation.put("name", "fieldValidation");
            fieldValidation.put("in", "query");
            fieldValidation.put("description", "How the server handles fields the schema does not declare: Ignore "
                    + "(drop them), Warn (drop them with a Warning header; the default) or Strict (refuse the request).");
            fieldValidation.putObject("schema").put("type", "string").put("uniqueItems", true);
        }
        return operation;
    }

    private static ObjectNode stringProperty(String description) {
        ObjectNode property = Json.object();
        property.put("description", description);
        property.put("type", "string");
        return property;
    }

    /** The ObjectMeta fields a manifest author sets; system-populated fields are described briefly. */
    private static ObjectNode objectMeta() {
        ObjectNode meta = Json.object();
        meta.put("description", "ObjectMeta is metadata that all persisted resources must have.");
        meta.put("type", "object");
        ObjectNode properties = meta.putObject("properties");
        properties.set("name", stringProperty("Name, unique within a namespace; cannot be updated."));
        properties.set("namespace", stringProperty("The namespace the object lives in; empty for cluster-scoped objects."));
        properties.set("generateName", stringProperty("Prefix the server uses to generate a unique name if name is empty."));
        properties.set("labels", stringMap("Map of string keys and values used to organize and select objects."));
        properties.set("annotations", stringMap("Unstructured key/value map for tools; not queryable."));
        ObjectNode finalizers = properties.putObject("finalizers");
        finalizers.put("description", "Conditions that must be cleared before the object is deleted.");
        finalizers.put("type", "array");
        finalizers.putObject("items").put("type", "string").put("default", "");
        properties.set("uid", stringProperty("Unique identifier set by the server. Read-only."));
        properties.set("resourceVersion", stringProperty("Opaque version for optimistic concurrency. Read-only."));
        ObjectNode generation = properties.putObject("generation");
        generation.put("description", "Sequence number of the desired state, bumped on spec changes. Read-only.");
        generation.put("type", "integer");
        generation.put("format", "int64");
        ObjectNode created = stringProperty("When the object was created, RFC 3339, UTC. Read-only.");
        created.put("format", "date-time");
        properties.set("creationTimestamp", created);
        ObjectNode deleted = stringProperty("When deletion was requested, RFC 3339. Read-only.");
        deleted.put("format", "date-time");
        properties.set("deletionTimestamp", deleted);
        return meta;
    }

    private static ObjectNode listMeta() {
        ObjectNode meta = Json.object();
        meta.put("description", "ListMeta describes metadata that synthetic resources must have.");
        meta.put("type", "object");
        ObjectNode properties = meta.putObject("properties");
        properties.set("resourceVersion", stringProperty("Version of the list for watches. Read-only."));
        properties.set("continue", stringProperty("Token to fetch the next page of a limited list."));
        return meta;
    }

    private static ObjectNode stringMap(String description) {
        ObjectNode map = Json.object();
        map.put("description", description);
        map.put("type", "object");
        map.putObject("additionalProperties").put("type", "string").put("default", "");
        return map;
    }

    private static String sha512(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-512", e);
        }
    }
}
