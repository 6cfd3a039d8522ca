package io.lvs.apiserver.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A custom resource through pruning, defaulting and validation, with each refusal printed as kube-apiserver 1.35
 * prints it in a 422 (the sentences a user of a real cluster reads in kubectl's error).
 */
class CustomResourceSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CustomResourceSchema FRONTEND = CustomResourceSchema.of(read("""
            {"type": "object",
             "properties": {
               "spec": {"type": "object", "required": ["vip", "ports"],
                 "x-kubernetes-validations": [
                   {"rule": "!has(self.tls) || self.ports.exists(p, p.port == 443)",
                    "message": "tls needs port 443"},
                   {"rule": "self.ports.size() <= 3 || self.scheduler == 'mh'", "fieldPath": ".scheduler",
                    "reason": "FieldValueForbidden", "message": "more than 3 ports need mh"}],
                 "properties": {
                   "vip": {"type": "string", "maxLength": 45,
                           "x-kubernetes-validations": [{"rule": "isIP(self)",
                             "messageExpression": "'vip ' + self + ' is not an IP address'"}]},
                   "scheduler": {"type": "string", "enum": ["rr", "wlc", "mh"], "default": "wlc"},
                   "tls": {"type": "boolean"},
                   "labels": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 3}},
                   "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                   "weight": {"type": "integer", "format": "int32", "minimum": 0, "maximum": 65535},
                   "connections": {"type": "integer", "format": "int32"},
                   "ports": {"type": "array", "minItems": 1, "maxItems": 4,
                     "items": {"type": "object", "required": ["port"],
                       "properties": {
                         "name": {"type": "string", "pattern": "^[a-z]+$"},
                         "port": {"type": "integer", "minimum": 1, "maximum": 65535}}}}}},
               "status": {"type": "object",
                 "properties": {"node": {"type": "string",
                   "x-kubernetes-validations": [{"rule": "self == oldSelf", "message": "node is immutable"}]}}}}}
            """));

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ObjectNode frontend(String spec) {
        return (ObjectNode) read("""
                {"apiVersion": "e2e.lvs.io/v1", "kind": "Frontend", "metadata": {"name": "web"}, "spec": %s}
                """.formatted(spec));
    }

    /** Defaults, then validation of a new object; the errors as kube-apiserver prints them. */
    private static List<String> create(ObjectNode object) {
        FRONTEND.applyDefaults(object);
        return FRONTEND.validate(object, Optional.empty()).stream().map(FieldError::toString).toList();
    }

    @Test
    void aValidObjectIsAdmittedWithItsDefaults() {
        ObjectNode web = frontend("{\"vip\": \"192.0.2.10\", \"ports\": [{\"port\": 80}], \"connections\": 3000000000}");
        assertEquals(List.of(), create(web), "int32 is a format: it does not bound the value, as on a real server");
        assertEquals("wlc", web.at("/spec/scheduler").asText());
    }

    @Test
    void numbersOutOfRangeNameTheBound() {
        assertEquals(List.of("spec.ports[0].port: Invalid value: 70000: spec.ports[0].port in body should be less "
                        + "than or equal to 65535"),
                create(frontend("{\"vip\": \"192.0.2.10\", \"ports\": [{\"port\": 70000}]}")));
        assertEquals(List.of("spec.weight: Invalid value: -1: spec.weight in body should be greater than or equal to 0"),
                create(frontend("{\"vip\": \"192.0.2.10\", \"ports\": [{\"port\": 80}], \"weight\": -1}")));
    }

    @Test
    void aValueOfTheWrongJsonTypeIsRefusedAndBlocksTheRules() {
        assertEquals(List.of("spec.ports[0].port: Invalid value: \"string\": spec.ports[0].port in body must be of "
                        + "type integer: \"string\"",
                        "<nil>: Invalid value: \"null\": some validation rules were not checked because the object "
                                + "was invalid; correct the existing errors to complete validation"),
                create(frontend("{\"vip\": \"nonsense\", \"ports\": [{\"port\": \"eighty\"}]}")));
        assertEquals("spec.weight: Invalid value: \"number\": spec.weight in body must be of type integer: \"number\"",
                create(frontend("{\"vip\": \"192.0.2.1\", \"ports\": [{\"port\": 80}], \"weight\": 1.5}")).getFirst());
        assertEquals(List.of(), create(frontend("{\"vip\": \"192.0.2.1\", \"ports\": [{\"port\": 80.0}]}")),
                "an integral float is an integer");
    }

    @Test
    void enumsRequiredFieldsPatternsAndCountsUseTheRealWords() {
        assertEquals(List.of("spec.scheduler: Unsupported value: \"wrr\": supported values: \"rr\", \"wlc\", \"mh\"",
                        "spec.ports[0].port: Required value",
                        "spec.ports[1].name: Invalid value: \"HTTP\": spec.ports[1].name in body should match '^[a-z]+$'",
                        "<nil>: Invalid value: \"null\": some validation rules were not checked because the object "
                                + "was invalid; correct the existing errors to complete validation"),
                create(frontend("{\"vip\": \"192.0.2.1\", \"scheduler\": \"wrr\", \"ports\": [{}, "
                        + "{\"port\": 80, \"name\": \"HTTP\"}]}")));
        assertEquals("spec.vip: Required value", create(frontend("{\"ports\": [{\"port\": 80}]}")).getFirst());
        assertEquals("spec.ports: Invalid value: 0: spec.ports in body should have at least 1 items",
                create(frontend("{\"vip\": \"192.0.2.1\", \"ports\": []}")).getFirst());
        assertEquals("spec.ports: Too many: 5: must have at most 4 items", create(frontend("{\"vip\": \"192.0.2.1\", "
                + "\"scheduler\": \"mh\", \"ports\": [{\"port\": 1}, {\"port\": 2}, {\"port\": 3}, {\"port\": 4}, "
                + "{\"port\": 5}]}")).getFirst());
        assertEquals("spec.vip: Too long: may not be more than 45 bytes",
                create(frontend("{\"vip\": \"" + "1".repeat(46) + "\", \"ports\": [{\"port\": 80}]}")).getFirst());
        assertEquals("spec.labels.tier: Too long: may not be more than 3 bytes",
                create(frontend("{\"vip\": \"192.0.2.1\", \"ports\": [{\"port\": 80}], \"labels\": {\"tier\": "
                        + "\"gold\"}}")).getFirst());
    }

    @Test
    void celRulesSayTheirMessageOnTheirField() {
        assertEquals(List.of("spec.vip: Invalid value: \"string\": vip 192.0.2.300 is not an IP address"),
                create(frontend("{\"vip\": \"192.0.2.300\", \"ports\": [{\"port\": 80}]}")), "messageExpression");
        assertEquals(List.of("spec: Invalid value: \"object\": tls needs port 443"),
                create(frontend("{\"vip\": \"192.0.2.1\", \"tls\": true, \"ports\": [{\"port\": 80}]}")));
        assertEquals(List.of("spec.scheduler: Forbidden: more than 3 ports need mh"),
                create(frontend("{\"vip\": \"192.0.2.1\", \"ports\": [{\"port\": 1}, {\"port\": 2}, {\"port\": 3}, "
                        + "{\"port\": 4}]}")), "fieldPath and reason");
    }

    @Test
    void transitionRulesRunOnUpdatesAndUnchangedFieldsAreRatcheted() {
        ObjectNode old = frontend("{\"vip\": \"192.0.2.1\", \"ports\": [{\"port\": 80}]}");
        old.putObject("status").put("node", "a");
        FRONTEND.applyDefaults(old);
        ObjectNode moved = old.deepCopy();
        ((ObjectNode) moved.get("status")).put("node", "b");
        assertEquals(List.of("status.node: Invalid value: \"string\": node is immutable"),
                FRONTEND.validate(moved, Optional.of(old)).stream().map(FieldError::toString).toList());

        // stored before the CRD said maximum 65535: an update elsewhere is admitted, a change of it is not
        ObjectNode before = frontend("{\"vip\": \"192.0.2.1\", \"ports\": [{\"port\": 70000}]}");
        FRONTEND.applyDefaults(before);
        ObjectNode relabelled = before.deepCopy();
        ((ObjectNode) relabelled.get("spec")).putObject("labels").put("a", "b");
        assertEquals(List.of(), FRONTEND.validate(relabelled, Optional.of(before)));
        ObjectNode changed = before.deepCopy();
        ((ObjectNode) changed.at("/spec/ports/0")).put("port", 70001);
        assertEquals(1, FRONTEND.validate(changed, Optional.of(before)).size());
    }

    @Test
    void undeclaredFieldsArePrunedExceptWherePreservedAndNullsAreDefaulted() {
        ObjectNode web = frontend("{\"vip\": \"192.0.2.1\", \"scheduler\": null, \"ports\": [{\"port\": 80, "
                + "\"nmae\": \"http\"}], \"colour\": \"blue\", \"extra\": {\"anything\": {\"goes\": 1}}}");
        ((ObjectNode) web.get("metadata")).put("colour", "red");
        web.putObject("unknownTop");
        assertEquals(List.of("metadata.colour", "spec.colour", "spec.ports[0].nmae", "unknownTop"),
                FRONTEND.prune(web));
        assertEquals(List.of(), create(web));
        assertEquals("{\"anything\":{\"goes\":1}}", web.at("/spec/extra").toString());
        assertEquals("wlc", web.at("/spec/scheduler").asText(), "a null that may not be null takes the default");
        assertEquals("web", web.at("/metadata/name").asText());
    }

    @Test
    void aNameMustBeADnsSubdomain() {
        ObjectNode web = frontend("{\"vip\": \"192.0.2.1\", \"ports\": [{\"port\": 80}]}");
        ((ObjectNode) web.get("metadata")).put("name", "Web_1");
        assertEquals(List.of("metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of "
                + "lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character "
                + "(e.g. 'example.com', regex used for validation is "
                + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"), create(web));
    }
}
