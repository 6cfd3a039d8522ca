package io.lvs.apiserver.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Which item of an old list an item of the new one corresponds to, as kube-apiserver correlates them for
 * transition rules and ratcheting: by the {@code x-kubernetes-list-map-keys} of an {@code x-kubernetes-list-type: map}
 * list, by value in a set; items of an atomic list (the default) have no counterpart.
 */
final class ListCorrelation {
    private ListCorrelation() {
    }

    /** The old counterpart of {@code item} in list schema {@code s}, or null. */
    static JsonNode counterpart(JsonNode s, JsonNode item, JsonNode oldList) {
        if (oldList == null || !oldList.isArray()) {
            return null;
        }
        String listType = s.path("x-kubernetes-list-type").asText("atomic");
        if (listType.equals("map")) {
            JsonNode key = keys(s, item);
            for (JsonNode candidate : oldList) {
                if (keys(s, candidate).equals(key)) {
                    return candidate;
                }
            }
        } else if (listType.equals("set")) {
            for (JsonNode candidate : oldList) {
                if (candidate.equals(item)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /** The values of a map list item's keys, as an object (what a duplicate is reported with). */
    static JsonNode keys(JsonNode s, JsonNode item) {
        ObjectNode key = JsonNodeFactory.instance.objectNode();
        for (JsonNode k : s.path("x-kubernetes-list-map-keys")) {
            JsonNode value = item.get(k.asText());
            if (value != null) {
                key.set(k.asText(), value);
            }
        }
        return key;
    }
}
