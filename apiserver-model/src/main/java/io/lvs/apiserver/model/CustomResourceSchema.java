package io.lvs.apiserver.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One CRD version's {@code openAPIV3Schema}, applied to its custom resources the way kube-apiserver applies it, in
 * its order: {@link #prune} (decoding), {@link #applyDefaults}, then {@link #validate} (metadata.name, the OpenAPI
 * schema, then the CEL rules). The errors read as the real server's: a test comparing them with kubectl's output
 * against a real cluster would see the same sentences.
 */
public final class CustomResourceSchema {
    /** Schema errors after which the API server does not run CEL rules (hasBlockingErr). */
    private static final Set<FieldError.Type> BLOCKING = EnumSet.of(FieldError.Type.NOT_SUPPORTED,
            FieldError.Type.REQUIRED, FieldError.Type.TOO_LONG, FieldError.Type.TOO_MANY,
            FieldError.Type.TYPE_INVALID);
    private static final String BLOCKED = "some validation rules were not checked because the object was invalid; "
            + "correct the existing errors to complete validation";
    private static final String DNS1123_SUBDOMAIN = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
    private static final Pattern NAME = Pattern.compile(DNS1123_SUBDOMAIN);

    private final JsonNode schema;

    private CustomResourceSchema(JsonNode schema) {
        this.schema = schema;
    }

    /**
     * The schema of one CRD version ({@code spec.versions[].schema.openAPIV3Schema}), read where it is (cheap: no
     * copy, no compilation beyond the CEL programs' cache); nothing may change it afterwards.
     */
    public static CustomResourceSchema of(JsonNode openApiV3Schema) {
        return new CustomResourceSchema(openApiV3Schema);
    }

    /** Drops the fields the schema does not declare, in place; returns their paths ("spec.ports[0].nmae"). */
    public List<String> prune(ObjectNode object) {
        return Pruning.prune(schema, object);
    }

    /** Applies the schema's defaults, in place. */
    public void applyDefaults(JsonNode object) {
        Defaulting.fill(schema, object);
    }

    /**
     * Validates a pruned and defaulted object.
     *
     * @param old the stored object on an update (which ratchets unchanged fields and feeds transition rules); empty
     *            on a create
     * @return the refusals in the API server's order; empty when the object is admitted
     */
    public List<FieldError> validate(JsonNode object, Optional<JsonNode> old) {
        List<FieldError> errors = new ArrayList<>();
        if (old.isEmpty()) {
            name(object.path("metadata"), errors);
        }
        SchemaValidation.validate(schema, object, old.orElse(null), "", errors);
        if (errors.stream().anyMatch(e -> BLOCKING.contains(e.type()))) {
            errors.add(FieldError.invalid(FieldError.Layer.CEL, "<nil>", JsonNodeFactory.instance.nullNode(), BLOCKED));
        } else {
            CelValidation.validate(schema, object, old.orElse(null), errors);
        }
        return errors;
    }

    /** ValidateObjectMeta's name rule for custom resources: a DNS-1123 subdomain, or a generateName to make one. */
    private static void name(JsonNode metadata, List<FieldError> errors) {
        String name = metadata.path("name").asText("");
        if (name.isEmpty()) {
            if (metadata.path("generateName").asText("").isEmpty()) {
                errors.add(FieldError.required(FieldError.Layer.METADATA, "metadata.name",
                        "name or generateName is required"));
            }
            return;
        }
        JsonNode value = JsonNodeFactory.instance.textNode(name);
        if (name.length() > 253) {
            errors.add(FieldError.invalid(FieldError.Layer.METADATA, "metadata.name", value,
                    "must be no more than 253 characters"));
        }
        if (!NAME.matcher(name).matches()) {
            errors.add(FieldError.invalid(FieldError.Layer.METADATA, "metadata.name", value, "a lowercase RFC 1123 "
                    + "subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and "
                    + "end with an alphanumeric character (e.g. 'example.com', regex used for validation is '"
                    + DNS1123_SUBDOMAIN + "')"));
        }
    }
}
