package io.lvs.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.CustomResource;
import io.lvs.apiserver.model.CustomResourceSchema;
import io.lvs.apiserver.model.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What kube-apiserver does with a custom resource before storing it, for the parts a CRD controls, read from the
 * generated CRD (the real rule text, not a copy): prune undeclared fields, apply the schema's defaults, validate
 * against the OpenAPI schema, then evaluate the {@code x-kubernetes-validations} CEL rules (the lvs-apiserver-model
 * module, which the embedded API server uses too). A field that would be pruned is a rejection here, as kubectl's
 * {@code fieldValidation=Strict} makes it.
 */
final class ApiServerModel {
    /** Which layer of the API server rejected a field. */
    enum Layer { UNKNOWN_FIELD, OPENAPI, CEL }

    /** One rejection: the layer, the field path (spec.ports[0].port) and the message as the API server words it. */
    record Rejection(Layer layer, String field, String message) {
        @Override
        public String toString() {
            return layer + " " + field + ": " + message;
        }
    }

    private final CustomResourceSchema schema;

    ApiServerModel(Class<? extends CustomResource<?, ?>> kind) {
        this.schema = CustomResourceSchema.of(Crds.schema(kind));
    }

    /** Admits a new object (no oldSelf). */
    List<Rejection> admit(JsonNode object) {
        return admit(object, null);
    }

    /** Admits an object as a create ({@code old == null}) or an update. Mutates nothing the caller keeps. */
    List<Rejection> admit(JsonNode object, JsonNode old) {
        ObjectNode obj = (ObjectNode) object.deepCopy();
        List<Rejection> out = new ArrayList<>();
        for (String unknown : schema.prune(obj)) {
            out.add(new Rejection(Layer.UNKNOWN_FIELD, unknown, "unknown field \"" + unknown + "\""));
        }
        schema.applyDefaults(obj);
        Optional<JsonNode> prev = Optional.ofNullable(old).map(o -> {
            ObjectNode copy = (ObjectNode) o.deepCopy();
            schema.prune(copy);
            schema.applyDefaults(copy);
            return copy;
        });
        for (FieldError e : schema.validate(obj, prev)) {
            out.add(new Rejection(e.layer() == FieldError.Layer.CEL ? Layer.CEL : Layer.OPENAPI, e.field(), e.body()));
        }
        return out;
    }
}
