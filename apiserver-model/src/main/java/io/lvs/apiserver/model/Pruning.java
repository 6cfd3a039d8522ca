package io.lvs.apiserver.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Structural pruning, as kube-apiserver decodes a custom resource: fields the schema does not declare are dropped
 * (kept under {@code x-kubernetes-preserve-unknown-fields: true}), {@code apiVersion}, {@code kind} and
 * {@code metadata} are kept at the root and in embedded resources, and {@code metadata} keeps the ObjectMeta fields
 * only. The paths of what was dropped are what {@code fieldValidation=Warn} warns about and {@code Strict} refuses.
 */
final class Pruning {
    /** The fields of ObjectMeta (k8s.io/apimachinery/pkg/apis/meta/v1). */
    private static final Set<String> OBJECT_META = Set.of("name", "generateName", "namespace", "selfLink", "uid",
            "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
            "labels", "annotations", "ownerReferences", "finalizers", "managedFields");
    private static final Set<String> RESOURCE = Set.of("apiVersion", "kind", "metadata");

    private Pruning() {
    }

    /** Prunes {@code object} in place against its CRD's root schema; returns the dropped fields' paths, sorted. */
    static List<String> prune(JsonNode schema, ObjectNode object) {
        List<String> dropped = new ArrayList<>();
        resource(schema, object, "", dropped);
        dropped.sort(null); // the API server sorts them before it warns or refuses
        return dropped;
    }

    /** A resource: apiVersion, kind and metadata are known whatever the schema says. */
    private static void resource(JsonNode s, ObjectNode o, String path, List<String> dropped) {
        if (o.path("metadata") instanceof ObjectNode metadata) {
            List<String> unknown = new ArrayList<>();
            metadata.fieldNames().forEachRemaining(f -> {
                if (!OBJECT_META.contains(f)) {
                    unknown.add(f);
                }
            });
            for (String f : unknown) {
                metadata.remove(f);
                dropped.add(SchemaValidation.child(SchemaValidation.child(path, "metadata"), f));
            }
        }
        fields(s, o, path, RESOURCE, dropped);
    }

    private static void value(JsonNode s, JsonNode v, String path, List<String> dropped) {
        if (v instanceof ObjectNode o) {
            if (s.path("x-kubernetes-embedded-resource").asBoolean(false)) {
                resource(s, o, path, dropped);
            } else {
                fields(s, o, path, Set.of(), dropped);
            }
        } else if (v.isArray() && s.path("items").isObject()) {
            for (int i = 0; i < v.size(); i++) {
                value(s.get("items"), v.get(i), path + "[" + i + "]", dropped);
            }
        }
    }

    private static void fields(JsonNode s, ObjectNode o, String path, Set<String> alwaysKnown, List<String> dropped) {
        JsonNode properties = s.path("properties");
        JsonNode additional = s.path("additionalProperties");
        boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
                || additional.asBoolean(false);
        List<String> unknown = new ArrayList<>();
        o.fields().forEachRemaining(e -> {
            String f = e.getKey();
            String fieldPath = SchemaValidation.child(path, f);
            if (alwaysKnown.contains(f)) {
                return; // apiVersion, kind and metadata (checked against ObjectMeta above)
            }
            if (properties.has(f)) {
                value(properties.get(f), e.getValue(), fieldPath, dropped);
            } else if (additional.isObject()) {
                value(additional, e.getValue(), fieldPath, dropped);
            } else if (!preserve) {
                unknown.add(f);
            }
        });
        for (String f : unknown) {
            o.remove(f);
            dropped.add(SchemaValidation.child(path, f));
        }
    }
}
