package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import io.lvs.apiserver.model.CustomResourceSchema;
import io.lvs.apiserver.model.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a write of a custom resource goes through before the store, as on a real API server: decoding prunes the
 * fields its CRD's schema does not declare (refused under {@code fieldValidation=Strict}, warned about under
 * {@code Warn}, the default, dropped silently under {@code Ignore}), then defaulting, then validation against the
 * OpenAPI schema and the CEL rules (422 Invalid with the real server's causes and message). The status subresource
 * splits the object as a real server does: a write of the main resource keeps the stored status, a write of
 * {@code /status} keeps everything else; what is validated is that whole object, with the stored one as the old
 * object of transition rules and ratcheting.
 *
 * <p>In schema-less mode ({@code --no-schema-validation}) only the defaults are applied: the operator's own
 * validation then meets whatever a client sends, as with an API server that skips schemas.
 */
final class Admission {

    /** The outcome of one write: the object to store (with the warnings to send), or the refusal. */
    sealed interface Outcome permits Admitted, Refused {
    }

    /** @param warnings what the response's {@code Warning} headers say */
    record Admitted(ObjectNode object, List<String> warnings) implements Outcome {
    }

    record Refused(MockResponse response) implements Outcome {
    }

    /** How a write is about to change an object. */
    enum Write { CREATE, UPDATE, UPDATE_STATUS }

    private final boolean validate;

    /** @param validate false for the schema-less mode: defaults only */
    Admission(boolean validate) {
        this.validate = validate;
    }

    /**
     * @param body what the client sent, or the object its patch made; not changed
     * @param stored the object as stored now (empty on a create)
     * @param fieldValidation the request's {@code fieldValidation} parameter
     */
    Outcome admit(ResourceType type, Write write, ObjectNode body, Optional<JsonNode> stored,
            Optional<String> fieldValidation) {
        if (type.schema().isEmpty()) {
            return new Admitted(body, List.of()); // built-in types: no schema here
        }
        CustomResourceSchema schema = CustomResourceSchema.of(type.schema().get());
        ObjectNode object = body.deepCopy();
        List<String> warnings = new ArrayList<>();
        if (validate) {
            List<String> unknown = schema.prune(object);
            String directive = fieldValidation.orElse("Warn");
            if (!unknown.isEmpty() && directive.equals("Strict")) {
                return new Refused(strictDecodingError(type, body, unknown));
            }
            if (directive.equals("Warn")) {
                unknown.forEach(f -> warnings.add("unknown field \"" + f + "\""));
            }
        }
        ObjectNode effective = split(type, write, object, stored);
        schema.applyDefaults(effective);
        if (!validate) {
            return new Admitted(effective, warnings);
        }
        Optional<JsonNode> old = stored.map(s -> {
            ObjectNode copy = (ObjectNode) s.deepCopy();
            schema.applyDefaults(copy);
            return copy;
        });
        List<FieldError> errors = schema.validate(effective, old);
        if (!errors.isEmpty()) {
            return new Refused(invalid(type, effective.path("metadata").path("name").asText(""), errors));
        }
        return new Admitted(effective, warnings);
    }

    /** The object the write leaves, given the status subresource: what a real server validates and stores. */
    private static ObjectNode split(ResourceType type, Write write, ObjectNode object, Optional<JsonNode> stored) {
        if (!type.subresources().contains("status")) {
            return object;
        }
        return switch (write) {
            case CREATE -> {
                object.remove("status");
                yield object;
            }
            case UPDATE -> {
                object.remove("status");
                stored.map(s -> s.get("status")).ifPresent(status -> object.set("status", status.deepCopy()));
                yield object;
            }
            case UPDATE_STATUS -> {
                ObjectNode whole = (ObjectNode) stored.orElseThrow().deepCopy();
                whole.remove("status");
                if (object.has("status")) {
                    whole.set("status", object.get("status"));
                }
                yield whole;
            }
        };
    }

    /**
     * 400 for fields a Strict request may not send: {@code VirtualService in version "v1alpha1" cannot be handled as a
     * VirtualService: strict decoding error: unknown field "spec.colour"}.
     */
    private static MockResponse strictDecodingError(ResourceType type, JsonNode body, List<String> unknown) {
        List<String> fields = new ArrayList<>();
        unknown.forEach(f -> fields.add("unknown field \"" + f + "\""));
        String apiVersion = body.path("apiVersion").asText(type.groupVersion());
        String kind = body.path("kind").asText(type.kind());
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        return Responses.badRequest(kind + " in version \"" + version + "\" cannot be handled as a " + type.kind()
                + ": strict decoding error: " + String.join(", ", fields));
    }

    /**
     * 422 Invalid, as apierrors.NewInvalid builds it: {@code VirtualService.lvs.io "web" is invalid: spec.vip: ...}
     * (several errors in brackets, duplicates once), one cause per error.
     */
    static MockResponse invalid(ResourceType type, String name, List<FieldError> errors) {
        Set<String> messages = new LinkedHashSet<>();
        errors.forEach(e -> messages.add(e.toString()));
        String aggregate = messages.size() == 1 ? messages.iterator().next() : "[" + String.join(", ", messages) + "]";
        String qualifiedKind = type.group().isEmpty() ? type.kind() : type.kind() + "." + type.group();
        ObjectNode status = Responses.failureStatus("Invalid", qualifiedKind + " \"" + name + "\" is invalid: "
                + aggregate);
        ObjectNode details = status.putObject("details");
        details.put("name", name);
        if (!type.group().isEmpty()) {
            details.put("group", type.group());
        }
        details.put("kind", type.kind());
        ArrayNode causes = details.putArray("causes");
        for (FieldError e : errors) {
            causes.addObject().put("reason", e.type().reason()).put("message", e.body()).put("field", e.field());
        }
        status.put("code", 422);
        return Responses.json(422, status);
    }
}
