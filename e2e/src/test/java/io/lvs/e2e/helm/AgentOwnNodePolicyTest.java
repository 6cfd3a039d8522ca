package io.lvs.e2e.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.lvs.api.v1alpha1.AgentLeases;
import io.lvs.api.v1alpha1.NodeReport;
import io.lvs.api.v1alpha1.NodeReportSpec;
import io.lvs.api.v1alpha1.NodeReportStatus;
import io.lvs.api.v1alpha1.NodeReports;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.e2e.apiserver.EmbeddedApiServer;
import io.lvs.e2e.apiserver.Kubectl;
import io.lvs.e2e.apiserver.RealKubectl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chart's ValidatingAdmissionPolicy on the embedded API server, with the chart's RBAC and tokens as the kubelet
 * gives agents (bound to their node): an agent writes its own node's NodeReports and Lease and nothing of another
 * node's; the operator and the administrator are not concerned.
 */
class AgentOwnNodePolicyTest {
    private static final String NS = "default";
    private static final String POLICY = "ValidatingAdmissionPolicy 'lvs-lvs-operator-agent-own-node' with binding "
            + "'lvs-lvs-operator-agent-own-node' denied request: ";

    private EmbeddedApiServer server;
    private Path work;
    private KubernetesClient admin;
    private KubernetesClient nodeA;
    private KubernetesClient nodeB;
    private KubernetesClient operator;
    private KubernetesClient unbound;

    @BeforeEach
    void installTheChartsRights() throws Exception {
        server = EmbeddedApiServer.start();
        admin = server.newClient();
        Kubectl kubectl = RealKubectl.against(server);
        work = Files.createTempDirectory("own-node-");
        kubectl.run("apply", "--validate=false", "-f", Path.of("../crds").toAbsolutePath().toString()).orFail();
        kubectl.run("apply", "--validate=false", "-f", Path.of("src/test/resources/project/nodes.yaml").toAbsolutePath()
                .toString()).orFail();
        ChartRbac.install(kubectl, work);
        nodeA = server.newClient(ChartRbac.token(kubectl, work, ChartRbac.AGENT_ACCOUNT, Optional.of("node-a")));
        nodeB = server.newClient(ChartRbac.token(kubectl, work, ChartRbac.AGENT_ACCOUNT, Optional.of("node-b")));
        operator = server.newClient(ChartRbac.token(kubectl, work, ChartRbac.OPERATOR_ACCOUNT, Optional.empty()));
        unbound = server.newClient(ChartRbac.token(kubectl, work, ChartRbac.AGENT_ACCOUNT, Optional.empty()));
        VirtualService web = new VirtualService();
        web.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace(NS).build());
        admin.resource(web).create();
    }

    @AfterEach
    void stop() throws java.io.IOException {
        for (KubernetesClient c : new KubernetesClient[] {nodeA, nodeB, operator, unbound, admin}) {
            if (c != null) {
                c.close();
            }
        }
        server.close();
        if (work != null) {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** The report an agent on {@code node} writes about web, as the agent names and labels it. */
    private static NodeReport report(String node) {
        return report(NodeReports.name("web", node), node, node);
    }

    private static NodeReport report(String name, String labelNode, String specNode) {
        NodeReport r = new NodeReport();
        r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS)
                .withLabels(NodeReports.labels("web", labelNode)).build());
        r.setSpec(new NodeReportSpec("web", specNode));
        return r;
    }

    private static Lease lease(String name, String node) {
        return new LeaseBuilder().withNewMetadata().withName(name).withNamespace(ChartRbac.NAMESPACE)
                .withLabels(AgentLeases.labels(node)).endMetadata().withNewSpec().withHolderIdentity(node)
                .withLeaseDurationSeconds(40).endSpec().build();
    }

    /** The refusal of {@code write}: its code and message. */
    private static KubernetesClientException refused(Supplier<?> write) {
        return assertThrows(KubernetesClientException.class, write::get);
    }

    @Test
    void anAgentWritesItsOwnNodesReportAndLease() {
        NodeReport mine = nodeA.resource(report("node-a")).create();
        NodeReportStatus status = new NodeReportStatus();
        status.setProgrammed(true);
        mine.setStatus(status);
        mine = nodeA.resource(mine).updateStatus();
        assertEquals(true, mine.getStatus().getProgrammed());
        nodeA.resource(lease(AgentLeases.name("node-a"), "node-a")).create();
        Lease renewed = nodeA.leases().inNamespace(ChartRbac.NAMESPACE).withName(AgentLeases.name("node-a")).get();
        renewed.getSpec().setHolderIdentity("node-a");
        nodeA.resource(renewed).update();
        nodeA.resource(mine).delete();
        nodeA.leases().inNamespace(ChartRbac.NAMESPACE).withName(AgentLeases.name("node-a")).delete();
    }

    @Test
    void anAgentWritingAnotherNodesReportIsRefusedAsARealServerRefusesIt() {
        KubernetesClientException e = refused(() -> nodeA.resource(report("node-b")).create());
        assertEquals(422, e.getCode());
        assertEquals("Invalid", e.getStatus().getReason());
        assertEquals("nodereports.lvs.io \"web.node-b\" is forbidden: " + POLICY + "the agent of node node-a may write only "
                + "its own node's NodeReports, and this one is node node-b's", e.getStatus().getMessage());
        assertEquals(POLICY + "the agent of node node-a may write only its own node's NodeReports, and this one is node "
                + "node-b's", e.getStatus().getDetails().getCauses().getFirst().getMessage());

        // node-b's own report, written by its agent: node-a may neither change its status nor delete it
        NodeReport theirs = nodeB.resource(report("node-b")).create();
        NodeReportStatus forged = new NodeReportStatus();
        forged.setProgrammed(true);
        theirs.setStatus(forged);
        assertEquals(422, refused(() -> nodeA.resource(theirs).updateStatus()).getCode());
        assertEquals(422, refused(() -> nodeA.resource(theirs).delete()).getCode());
        NodeReportStatus stored = admin.resource(theirs).get().getStatus();
        assertEquals(null, stored == null ? null : stored.getProgrammed(), "nothing of node-a's reached node-b's report");

        // nor take node-b's report name, nor show in node-b's informer with node-b's label
        KubernetesClientException squat = refused(() -> nodeA.resource(report("web.node-b-2", "node-a", "node-a")).create());
        assertTrue(squat.getStatus().getMessage().endsWith("the agent of node node-a names its NodeReports "
                + "<virtualService>.node-a and labels them lvs.io/node=node-a"), squat.getStatus().getMessage());
        assertEquals(422, refused(() -> nodeA.resource(report("web.node-a", "node-b", "node-a")).create()).getCode());
    }

    @Test
    void anAgentWritesNoOtherLeaseThanItsOwn() {
        KubernetesClientException e = refused(() -> nodeA.resource(lease(AgentLeases.name("node-b"), "node-b")).create());
        assertEquals(422, e.getCode());
        assertEquals("leases.coordination.k8s.io \"lvs-agent-node-b\" is forbidden: " + POLICY + "the agent of node "
                + "node-a may write only its own Lease lvs-agent-node-a, not lvs-agent-node-b", e.getStatus().getMessage());
        operator.resource(lease("lvs-lvs-operator-leader", "operator-0")).create();
        Lease leader = admin.leases().inNamespace(ChartRbac.NAMESPACE).withName("lvs-lvs-operator-leader").get();
        leader.getSpec().setHolderIdentity("node-a");
        assertEquals(422, refused(() -> nodeA.resource(leader).update()).getCode(), "not the operator's leader Lease");
        assertEquals(422, refused(() -> nodeA.leases().inNamespace(ChartRbac.NAMESPACE).withName("lvs-lvs-operator-leader")
                .delete()).getCode());
    }

    @Test
    void anAgentsTokenThatNamesNoNodeWritesNothing() {
        KubernetesClientException e = refused(() -> unbound.resource(report("node-a")).create());
        assertEquals(422, e.getCode());
        assertTrue(e.getStatus().getMessage().endsWith(POLICY + "the agent's token names no node "
                + "(authentication.kubernetes.io/node-name): agents must run with their pod's projected service-account "
                + "token"), e.getStatus().getMessage());
    }

    @Test
    void theOperatorAndTheAdministratorAreNotConcerned() {
        admin.resource(report("node-b")).create();
        admin.resource(report("web.node-a", "node-a", "node-b")).create(); // an administrator may write anything
        admin.resource(lease(AgentLeases.name("node-b"), "node-b")).create();
        operator.resource(lease("lvs-lvs-operator-leader", "operator-0")).create(); // its own Lease, not policed
        // what RBAC refuses stays refused: 403, not the policy's 422
        KubernetesClientException rbac = refused(() -> operator.resource(report("node-a")).create());
        assertEquals(403, rbac.getCode());
        KubernetesClientException agentRbac = refused(() -> nodeA.resources(VirtualService.class).inNamespace(NS)
                .withName("web").edit(vs -> {
                    vs.getMetadata().setLabels(Map.of("changed", "by-agent"));
                    return vs;
                }));
        assertEquals(403, agentRbac.getCode(), "agents never change VirtualServices");
    }
}
