package io.lvs.apiserver.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cel.runtime.CelEvaluationException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ValidatingAdmissionPolicy expressions in the admission environment: the variables a policy sees, an object's
 * explicit nulls as it decodes them, the same libraries as the CRD rules, and what does not compile.
 */
class KubernetesCelTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** An UPDATE of a NodeReport by an agent whose token names node-a. */
    private static Map<String, Object> update(String newNode) {
        Map<String, Object> inputs = new HashMap<>();
        inputs.put("object", CelValues.unstructured(read("""
                {"metadata": {"name": "web.%s", "labels": null}, "spec": {"nodeName": "%s"}}""".formatted(newNode,
                newNode))));
        inputs.put("oldObject", CelValues.unstructured(read("""
                {"metadata": {"name": "web.node-a"}, "spec": {"nodeName": "node-a"}}""")));
        inputs.put("request", CelValues.unstructured(read("""
                {"operation": "UPDATE", "userInfo": {"username": "system:serviceaccount:lvs-system:lvs-node-agent",
                 "extra": {"authentication.kubernetes.io/node-name": ["node-a"]}}}""")));
        inputs.put("params", CelValues.NULL);
        inputs.put("namespaceObject", CelValues.NULL);
        inputs.put("variables", Map.of());
        return inputs;
    }

    @Test
    void aPolicySeesTheObjectTheOldObjectAndTheRequest() throws CelEvaluationException {
        String ownNode = "object.spec.nodeName == request.userInfo.extra['authentication.kubernetes.io/node-name'][0]"
                + " && oldObject.spec.nodeName == object.spec.nodeName";
        assertEquals(true, KubernetesCel.evaluateAdmission(ownNode, update("node-a")));
        assertEquals(false, KubernetesCel.evaluateAdmission(ownNode, update("node-b")));
        assertEquals("the agent of node-a wrote web.node-b", KubernetesCel.evaluateAdmission(
                "'the agent of ' + request.userInfo.extra['authentication.kubernetes.io/node-name'][0] + ' wrote ' "
                        + "+ object.metadata.name", update("node-b")));
        assertEquals(true, KubernetesCel.evaluateAdmission("params == null && namespaceObject == null",
                update("node-a")));
    }

    @Test
    void anExplicitNullIsThereAsNull() throws CelEvaluationException {
        assertEquals(true, KubernetesCel.evaluateAdmission(
                "has(object.metadata.labels) && object.metadata.labels == null", update("node-a")));
        assertThrows(CelEvaluationException.class, () -> KubernetesCel.evaluateAdmission(
                "oldObject.metadata.labels.size() == 0", update("node-a")), "a missing field is an error unless guarded");
    }

    @Test
    void policiesHaveTheStringsAndIpLibrariesOfTheCrdRules() throws CelEvaluationException {
        assertEquals(true, KubernetesCel.evaluateAdmission(
                "object.metadata.name.split('.')[1] == object.spec.nodeName", update("node-b")));
        assertEquals(true, KubernetesCel.evaluateAdmission("isIP('192.0.2.1') && ip('2001:db8::1').family() == 6",
                update("node-a")));
    }

    @Test
    void anExpressionThatDoesNotCompileSaysWhy() {
        assertEquals("", KubernetesCel.admissionCompileError("object.spec.nodeName != ''"));
        assertTrue(KubernetesCel.admissionCompileError("self.spec == 1").contains("undeclared reference to 'self'"),
                "self belongs to CRD rules, not policies");
        CelEvaluationException e = assertThrows(CelEvaluationException.class,
                () -> KubernetesCel.evaluateAdmission("object.spec.(", update("node-a")));
        assertTrue(e.getMessage().startsWith("compilation failed: "), e.getMessage());
    }
}
