package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.Optional;

/**
 * HTTP responses: JSON documents, and failures as {@code v1 Status} objects with the reasons
 * clients branch on.
 */
final class Responses {

    private Responses() {}

    /**
     * A {@code v1 Status} of a failure up to its reason, in the real server's field order: the caller adds
     * {@code details}, if any, then {@code code}.
     */
    static ObjectNode failureStatus(String reason, String message) {
        ObjectNode status = Json.object();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure");
        status.put("message", message);
        status.put("reason", reason);
        return status;
    }

    static MockResponse failure(int code, String reason, String message) {
        return failure(code, reason, message, Optional.empty(), Optional.empty());
    }

    /**
     * @param type the resource the failure concerns, named in {@code details}
     * @param name the object's name, named in {@code details}
     */
    static MockResponse failure(int code, String reason, String message, Optional<ResourceType> type,
            Optional<String> name) {
        ObjectNode status = failureStatus(reason, message);
        if (type.isPresent() || name.isPresent()) {
            ObjectNode details = status.putObject("details");
            name.ifPresent(n -> details.put("name", n));
            type.ifPresent(t -> {
                if (!t.group().isEmpty()) {
                    details.put("group", t.group());
                }
                details.put("kind", t.plural());
            });
        }
        status.put("code", code);
        return json(code, status);
    }

    /** 404 for a path that names no served resource (the real server's words). */
    static MockResponse noSuchResource() {
        return failure(404, "NotFound", "the server could not find the requested resource");
    }

    /** 404 for a missing object: {@code virtualservices.lvs.io "web" not found}. */
    static MockResponse notFound(ResourceType type, String name) {
        return failure(404, "NotFound", type.groupResource() + " \"" + name + "\" not found", Optional.of(type),
                Optional.of(name));
    }

    static MockResponse badRequest(String message) {
        return failure(400, "BadRequest", message);
    }

    static MockResponse unsupportedMediaType(String message) {
        return failure(415, "UnsupportedMediaType", message);
    }

    static MockResponse json(int code, JsonNode body) {
        return json(code, body, "application/json");
    }

    static MockResponse json(int code, JsonNode body, String contentType) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", contentType)
                .setBody(Json.write(body));
    }
}
