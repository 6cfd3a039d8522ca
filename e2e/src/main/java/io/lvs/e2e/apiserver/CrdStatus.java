package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** The status a real API server gives an accepted CustomResourceDefinition. */
final class CrdStatus {

    private CrdStatus() {}

    /** NamesAccepted and Established true, acceptedNames = spec.names, storedVersions = the storage version. */
    static ObjectNode established(JsonNode crd, Instant now) {
        JsonNode spec = crd.path("spec");
        ObjectNode status = Json.object();
        ObjectNode accepted = ((ObjectNode) spec.path("names").deepCopy());
        if (!accepted.has("listKind")) {
            accepted.put("listKind", spec.path("names").path("kind").asText() + "List");
        }
        if (!accepted.has("singular")) {
            accepted.put("singular", spec.path("names").path("kind").asText().toLowerCase(Locale.ROOT));
        }
        String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
        ArrayNode conditions = status.putArray("conditions");
        conditions.add(condition("NamesAccepted", "NoConflicts", "no conflicts found", time));
        conditions.add(condition("Established", "InitialNamesAccepted", "the initial names have been accepted", time));
        status.set("acceptedNames", accepted);
        ArrayNode stored = status.putArray("storedVersions");
        for (JsonNode version : spec.path("versions")) {
            if (version.path("storage").asBoolean(false)) {
                stored.add(version.path("name").asText());
            }
        }
        return status;
    }

    private static ObjectNode condition(String type, String reason, String message, String time) {
        ObjectNode condition = Json.object();
        condition.put("type", type);
        condition.put("status", "True");
        condition.put("lastTransitionTime", time);
        condition.put("reason", reason);
        condition.put("message", message);
        return condition;
    }

    /** Equal once transition times are ignored: then writing the status again would only churn. */
    static boolean sameApartFromTimes(JsonNode a, JsonNode b) {
        return withoutTimes(a).equals(withoutTimes(b));
    }

    private static JsonNode withoutTimes(JsonNode status) {
        JsonNode copy = status.deepCopy();
        if (copy.isObject()) {
            copy.path("conditions").forEach(c -> ((ObjectNode) c).remove("lastTransitionTime"));
        }
        return copy;
    }
}
