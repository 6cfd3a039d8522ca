package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Strategic merge patch for the built-in kinds, as kube-apiserver applies it to the fields the chart, Helm and kubectl
 * patch: lists with a merge key (containers, env, volumes, ports...) merged element by element, primitive lists with
 * the merge strategy (finalizers) merged as sets, every other list replaced; and the directives Helm's and kubectl's
 * three-way patches carry: {@code $patch} (merge, replace, delete), {@code $retainKeys},
 * {@code $setElementOrder/<list>} and {@code $deleteFromPrimitiveList/<list>}. The merge keys are those of the Go
 * types' {@code patchMergeKey} tags, by field name; a directive this class does not know is refused
 * ({@link Unsupported}) rather than guessed.
 */
final class StrategicMergePatch {
    /** The merge key of a list of objects, by the list's field name ({@code ports} is decided per element). */
    private static final Map<String, String> MERGE_KEYS = Map.ofEntries(
            Map.entry("containers", "name"), Map.entry("initContainers", "name"),
            Map.entry("ephemeralContainers", "name"), Map.entry("env", "name"), Map.entry("volumes", "name"),
            Map.entry("volumeMounts", "mountPath"), Map.entry("volumeDevices", "devicePath"),
            Map.entry("imagePullSecrets", "name"), Map.entry("hostAliases", "ip"), Map.entry("conditions", "type"),
            Map.entry("ownerReferences", "uid"), Map.entry("topologySpreadConstraints", "topologyKey"),
            Map.entry("resourceClaims", "name"));
    /** Primitive lists whose strategy is merge: the patch's values are added to the stored ones. */
    private static final List<String> MERGED_SETS = List.of("finalizers");
    private static final String PATCH = "$patch";
    private static final String RETAIN_KEYS = "$retainKeys";
    private static final String ORDER = "$setElementOrder/";
    private static final String DELETE_PRIMITIVES = "$deleteFromPrimitiveList/";

    /** A directive the embedded API server does not apply. */
    static final class Unsupported extends RuntimeException {
        Unsupported(String directive) {
            super("the embedded API server does not apply the strategic merge directive " + directive);
        }
    }

    private StrategicMergePatch() {}

    /** {@code target} with {@code patch} applied; neither argument is modified. */
    static JsonNode apply(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        return mergeObject(target != null && target.isObject() ? (ObjectNode) target : Json.object(), (ObjectNode) patch)
                .orElseGet(Json::object);
    }

    /** The merged object, or empty when the patch deletes it ({@code $patch: delete}). */
    private static Optional<ObjectNode> mergeObject(ObjectNode target, ObjectNode patch) {
        String how = patch.path(PATCH).asText("merge");
        switch (how) {
            case "delete" -> {
                return Optional.empty();
            }
            case "replace" -> {
                ObjectNode replaced = patch.deepCopy();
                replaced.remove(PATCH);
                return Optional.of(replaced);
            }
            case "merge" -> {
            }
            default -> throw new Unsupported(PATCH + ": " + how);
        }
        ObjectNode result = target.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.equals(PATCH) || name.equals(RETAIN_KEYS) || name.startsWith(ORDER)) {
                continue; // applied below, once the fields are merged
            }
            if (name.startsWith(DELETE_PRIMITIVES)) {
                String list = name.substring(DELETE_PRIMITIVES.length());
                if (result.get(list) instanceof ArrayNode stored) {
                    ArrayNode kept = Json.MAPPER.createArrayNode();
                    stored.forEach(v -> {
                        if (!contains(value, v)) {
                            kept.add(v);
                        }
                    });
                    result.set(list, kept);
                }
                continue;
            }
            if (name.startsWith("$")) {
                throw new Unsupported(name);
            }
            if (value.isNull()) {
                result.remove(name);
            } else if (value.isObject()) {
                JsonNode stored = result.get(name);
                Optional<ObjectNode> merged = mergeObject(stored != null && stored.isObject() ? (ObjectNode) stored
                        : Json.object(), (ObjectNode) value);
                if (merged.isPresent()) {
                    result.set(name, merged.get());
                } else {
                    result.remove(name);
                }
            } else if (value.isArray()) {
                result.set(name, mergeList(name, result.get(name), (ArrayNode) value));
            } else {
                result.set(name, value.deepCopy());
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().startsWith(ORDER)) {
                String list = field.getKey().substring(ORDER.length());
                if (result.get(list) instanceof ArrayNode merged) {
                    result.set(list, ordered(merged, field.getValue()));
                }
            }
        }
        if (patch.get(RETAIN_KEYS) instanceof ArrayNode retained) {
            List<String> drop = new ArrayList<>();
            result.fieldNames().forEachRemaining(n -> {
                if (!contains(retained, com.fasterxml.jackson.databind.node.TextNode.valueOf(n))) {
                    drop.add(n);
                }
            });
            drop.forEach(result::remove);
        }
        return Optional.of(result);
    }

    private static JsonNode mergeList(String name, JsonNode stored, ArrayNode patch) {
        ArrayNode current = stored instanceof ArrayNode a ? a : Json.MAPPER.createArrayNode();
        if (MERGED_SETS.contains(name)) {
            ArrayNode union = current.deepCopy();
            patch.forEach(v -> {
                if (!contains(union, v)) {
                    union.add(v.deepCopy());
                }
            });
            return union;
        }
        Optional<String> key = mergeKey(name, patch);
        if (key.isEmpty()) {
            for (JsonNode item : patch) {
                if (item.isObject() && item.has(PATCH)) {
                    throw new Unsupported(PATCH + " in list " + name + ", which has no merge key here");
                }
            }
            return patch.deepCopy(); // a list without a merge key is replaced, as in a JSON merge patch
        }
        ArrayNode result = current.deepCopy();
        for (JsonNode item : patch) {
            if (item.isObject() && item.path(PATCH).asText("").equals("replace") && item.size() == 1) {
                ArrayNode replaced = Json.MAPPER.createArrayNode();
                patch.forEach(i -> {
                    if (i != item) {
                        replaced.add(i.deepCopy());
                    }
                });
                return replaced;
            }
        }
        for (JsonNode item : patch) {
            if (!item.isObject() || !item.has(key.get())) {
                throw new Unsupported("an element of list " + name + " without its merge key " + key.get());
            }
            JsonNode id = item.get(key.get());
            int at = indexOf(result, key.get(), id);
            if (at < 0) {
                Optional<ObjectNode> added = mergeObject(Json.object(), (ObjectNode) item);
                added.ifPresent(result::add);
            } else {
                Optional<ObjectNode> merged = mergeObject((ObjectNode) result.get(at), (ObjectNode) item);
                if (merged.isPresent()) {
                    result.set(at, merged.get());
                } else {
                    result.remove(at);
                }
            }
        }
        return result;
    }

    /** The list's merge key: from the table; a list of ports is keyed by containerPort in a pod, by port elsewhere. */
    private static Optional<String> mergeKey(String name, ArrayNode patch) {
        if (name.equals("ports")) {
            for (JsonNode item : patch) {
                if (item.has("containerPort")) {
                    return Optional.of("containerPort");
                }
                if (item.has("port")) {
                    return Optional.of("port");
                }
            }
            return Optional.empty();
        }
        return Optional.ofNullable(MERGE_KEYS.get(name));
    }

    /** {@code merged} in the order {@code order} gives (elements it does not name keep their order, after it). */
    private static ArrayNode ordered(ArrayNode merged, JsonNode order) {
        Optional<String> key = order.size() > 0 && order.get(0).isObject()
                ? Optional.ofNullable(order.get(0).fieldNames().hasNext() ? order.get(0).fieldNames().next() : null)
                : Optional.empty();
        ArrayNode out = Json.MAPPER.createArrayNode();
        List<Integer> used = new ArrayList<>();
        for (JsonNode o : order) {
            for (int i = 0; i < merged.size(); i++) {
                boolean same = key.isPresent() ? merged.get(i).path(key.get()).equals(o.path(key.get()))
                        : merged.get(i).equals(o);
                if (same && !used.contains(i)) {
                    used.add(i);
                    out.add(merged.get(i));
                    break;
                }
            }
        }
        for (int i = 0; i < merged.size(); i++) {
            if (!used.contains(i)) {
                out.add(merged.get(i));
            }
        }
        return out;
    }

    private static int indexOf(ArrayNode list, String key, JsonNode id) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).path(key).equals(id)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean contains(JsonNode list, JsonNode value) {
        for (JsonNode v : list) {
            if (v.equals(value)) {
                return true;
            }
        }
        return false;
    }
}
