package io.lvs.e2e.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import io.lvs.apiserver.model.KubernetesCel;
import io.lvs.e2e.helm.ChartRbac;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CEL of the chart's agent policy (rendered by the real helm), evaluated the way the API server evaluates it, on
 * writes no e2e scenario makes: a report moved between nodes, node names too long for a label value, objects without
 * labels, tokens without extra attributes, other accounts. Like the CRD rule tests, no server: the expressions and
 * the objects only.
 */
class AgentPolicyCelTest {
    private static final ResourceType REPORTS = new ResourceType("lvs.io", "v1alpha1", "NodeReport", "nodereports",
            "nodereport", true, List.of(), List.of(), List.of("status"), List.of(), Optional.empty(), true, List.of());
    private static final ResourceType LEASES = new ResourceType("coordination.k8s.io", "v1", "Lease", "leases", "lease",
            true, List.of(), List.of(), List.of(), List.of(), Optional.empty(), false, List.of());
    private static final String AGENT = "system:serviceaccount:lvs-system:lvs-node-agent";
    private static List<JsonNode> policies;
    private static List<JsonNode> bindings;
    private static AdmissionPolicies admission;

    @BeforeAll
    static void renderThePolicy() {
        policies = new ArrayList<>();
        bindings = new ArrayList<>();
        for (JsonNode d : ChartRbac.render()) {
            switch (d.path("kind").asText()) {
                case "ValidatingAdmissionPolicy" -> policies.add(d);
                case "ValidatingAdmissionPolicyBinding" -> bindings.add(d);
                default -> { }
            }
        }
        admission = new AdmissionPolicies(path -> path.endsWith("/validatingadmissionpolicies") ? policies
                : path.endsWith("/validatingadmissionpolicybindings") ? bindings : List.of(), path -> Optional.empty());
    }

    private static UserInfo agent(String node) {
        return UserInfo.serviceAccount("lvs-system", "lvs-node-agent", "uid-1",
                Map.of(UserInfo.NODE_NAME, List.of(node), UserInfo.CREDENTIAL_ID, List.of("JTI=1")));
    }

    private static JsonNode report(String name, String node, Map<String, String> labels) {
        ObjectNode r = Json.object();
        r.put("apiVersion", "lvs.io/v1alpha1").put("kind", "NodeReport");
        ObjectNode meta = r.putObject("metadata").put("name", name).put("namespace", "default");
        if (!labels.isEmpty()) {
            ObjectNode l = meta.putObject("labels");
            labels.forEach(l::put);
        }
        r.putObject("spec").put("virtualService", "web").put("nodeName", node);
        return r;
    }

    private static JsonNode report(String node) {
        return report("web." + node, node, Map.of("lvs.io/node", node, "lvs.io/virtual-service", "web"));
    }

    private static Optional<String> write(AdmissionPolicies.Operation op, ResourceType type, String name,
            String subresource, Optional<JsonNode> object, Optional<JsonNode> old, UserInfo user) {
        ResourcePath path = new ResourcePath(type.group(), type.version(), Optional.of(type == LEASES ? "lvs-system" : "default"),
                type.plural(), op == AdmissionPolicies.Operation.CREATE ? Optional.empty() : Optional.of(name),
                subresource.isEmpty() ? Optional.empty() : Optional.of(subresource));
        return admission.validate(new AdmissionPolicies.Request(op, type, path, object, old, user))
                .map(AgentPolicyCelTest::message);
    }

    private static String message(MockResponse r) {
        return Json.parse(new String(r.getBody().getBytes(), StandardCharsets.UTF_8)).orElseThrow()
                .at("/details/causes/0/message").asText();
    }

    @Test
    void everyExpressionOfThePolicyCompiles() {
        assertEquals(1, policies.size());
        assertEquals(1, bindings.size());
        JsonNode spec = policies.getFirst().path("spec");
        List<String> expressions = new ArrayList<>();
        spec.path("matchConditions").forEach(c -> expressions.add(c.path("expression").asText()));
        spec.path("variables").forEach(v -> expressions.add(v.path("expression").asText()));
        spec.path("validations").forEach(v -> {
            expressions.add(v.path("expression").asText());
            if (v.has("messageExpression")) {
                expressions.add(v.path("messageExpression").asText());
            }
        });
        for (String e : expressions) {
            assertEquals("", KubernetesCel.admissionCompileError(e), e);
        }
        assertEquals(List.of("Deny"), Rbac.strings(bindings.getFirst().at("/spec/validationActions")));
    }

    @Test
    void aReportCannotBeMovedToOrTakenFromAnotherNode() {
        assertEquals(Optional.empty(), write(AdmissionPolicies.Operation.UPDATE, REPORTS, "web.node-a", "status",
                Optional.of(report("node-a")), Optional.of(report("node-a")), agent("node-a")));
        Optional<String> taken = write(AdmissionPolicies.Operation.UPDATE, REPORTS, "web.node-b", "",
                Optional.of(report("web.node-b", "node-a", Map.of())), Optional.of(report("node-b")), agent("node-a"));
        assertTrue(taken.orElseThrow().endsWith("may write only its own node's NodeReports, and this one is node "
                + "node-a's"), taken.orElseThrow());
        assertTrue(write(AdmissionPolicies.Operation.UPDATE, REPORTS, "web.node-a", "", Optional.of(report("node-b")),
                Optional.of(report("node-a")), agent("node-a")).isPresent(), "given away");
        assertEquals(Optional.empty(), write(AdmissionPolicies.Operation.DELETE, REPORTS, "web.node-a", "",
                Optional.empty(), Optional.of(report("node-a")), agent("node-a")));
        assertTrue(write(AdmissionPolicies.Operation.DELETE, REPORTS, "web.node-b", "", Optional.empty(),
                Optional.of(report("node-b")), agent("node-a")).isPresent());
    }

    @Test
    void labelsAndNamesAreCheckedWhereTheyCanBe() {
        assertEquals(Optional.empty(), write(AdmissionPolicies.Operation.CREATE, REPORTS, "", "",
                Optional.of(report("web.node-a", "node-a", Map.of())), Optional.empty(), agent("node-a")),
                "without labels it shows in no agent's informer");
        String longNode = "n".repeat(70) + ".example.org";
        assertEquals(Optional.empty(), write(AdmissionPolicies.Operation.CREATE, REPORTS, "", "", Optional.of(report(
                "web." + longNode, longNode, Map.of("lvs.io/node", "h-0123456789abcdef0123456789abcdef01234567"))),
                Optional.empty(), agent(longNode)), "a node name longer than a label value is labelled by its hash");
        String veryLongNode = "n".repeat(250);
        assertEquals(Optional.empty(), write(AdmissionPolicies.Operation.CREATE, REPORTS, "", "", Optional.of(report(
                "web.n-hashed", veryLongNode, Map.of())), Optional.empty(), agent(veryLongNode)),
                "a report name too long for the node is hashed too");
        assertTrue(write(AdmissionPolicies.Operation.CREATE, REPORTS, "", "", Optional.of(report("other.node-a", "node-a",
                Map.of())), Optional.empty(), agent("node-a")).isPresent(), "the name names its VirtualService");
    }

    @Test
    void theAgentsLeaseIsItsNodesOnly() {
        ObjectNode lease = Json.object();
        lease.putObject("metadata").put("name", "lvs-agent-node-a").put("namespace", "lvs-system");
        assertEquals(Optional.empty(), write(AdmissionPolicies.Operation.UPDATE, LEASES, "lvs-agent-node-a", "",
                Optional.of(lease), Optional.of(lease), agent("node-a")));
        assertEquals(Optional.of(
                "ValidatingAdmissionPolicy 'lvs-lvs-operator-agent-own-node' with binding 'lvs-lvs-operator-agent-own-node' "
                        + "denied request: the agent of node node-b may write only its own Lease lvs-agent-node-b, not "
                        + "lvs-agent-node-a"),
                write(AdmissionPolicies.Operation.DELETE, LEASES, "lvs-agent-node-a", "", Optional.empty(),
                        Optional.of(lease), agent("node-b")));

        // its own Lease, held as its node and labelled so; never as another node (which would then look alive)
        ObjectNode held = lease.deepCopy();
        held.withObject("/metadata").putObject("labels").put("lvs.io/node", "node-a");
        held.putObject("spec").put("holderIdentity", "node-a");
        assertEquals(Optional.empty(), write(AdmissionPolicies.Operation.UPDATE, LEASES, "lvs-agent-node-a", "",
                Optional.of(held), Optional.of(lease), agent("node-a")));
        ObjectNode posing = held.deepCopy();
        posing.withObject("/spec").put("holderIdentity", "node-b");
        assertEquals(Optional.of(
                "ValidatingAdmissionPolicy 'lvs-lvs-operator-agent-own-node' with binding 'lvs-lvs-operator-agent-own-node' "
                        + "denied request: the agent of node node-a holds its Lease as node-a and labels it "
                        + "lvs.io/node=node-a, not as another node"),
                write(AdmissionPolicies.Operation.UPDATE, LEASES, "lvs-agent-node-a", "", Optional.of(posing),
                        Optional.of(held), agent("node-a")));
        ObjectNode labelled = held.deepCopy();
        labelled.withObject("/metadata").withObject("/labels").put("lvs.io/node", "node-b");
        assertTrue(write(AdmissionPolicies.Operation.CREATE, LEASES, "", "", Optional.of(labelled), Optional.empty(),
                agent("node-a")).isPresent(), "labelled as another node");
    }

    @Test
    void onlyTheAgentsAccountIsPolicedAndItNeedsANodeInItsToken() {
        UserInfo operator = UserInfo.serviceAccount("lvs-system", "lvs-lvs-operator", "uid-2", Map.of());
        assertEquals(Optional.empty(), write(AdmissionPolicies.Operation.CREATE, REPORTS, "", "",
                Optional.of(report("node-b")), Optional.empty(), operator));
        assertEquals(Optional.empty(), write(AdmissionPolicies.Operation.CREATE, REPORTS, "", "",
                Optional.of(report("node-b")), Optional.empty(), UserInfo.admin()));
        UserInfo sameNameElsewhere = UserInfo.serviceAccount("team-a", "lvs-node-agent", "uid-3", Map.of());
        assertEquals(Optional.empty(), write(AdmissionPolicies.Operation.CREATE, REPORTS, "", "",
                Optional.of(report("node-b")), Optional.empty(), sameNameElsewhere), "another namespace's account");
        UserInfo noExtra = new UserInfo(AGENT, "uid-1", List.of("system:authenticated"), Map.of());
        assertTrue(write(AdmissionPolicies.Operation.CREATE, REPORTS, "", "", Optional.of(report("node-a")),
                Optional.empty(), noExtra).orElseThrow().endsWith("the agent's token names no node "
                + "(authentication.kubernetes.io/node-name): agents must run with their pod's projected service-account "
                + "token"));
    }
}
