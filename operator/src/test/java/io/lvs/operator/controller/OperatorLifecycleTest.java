package io.lvs.operator.controller;

import static io.lvs.operator.controller.OperatorTestSupport.WAIT;
import static io.lvs.operator.controller.OperatorTestSupport.apply;
import static io.lvs.operator.controller.OperatorTestSupport.applyRealServer;
import static io.lvs.operator.controller.OperatorTestSupport.awaitVs;
import static io.lvs.operator.controller.OperatorTestSupport.has;
import static io.lvs.operator.controller.OperatorTestSupport.node;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.operator.model.Conditions;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A fresh cluster with leader election on: whole-lifecycle behaviour that needs no other objects around. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = OperatorLifecycleTest.MayUseLeases.class)
@TestProfile(OperatorLifecycleTest.LeaderElectionOn.class)
class OperatorLifecycleTest {
    /**
     * Before electing, JOSDK asks the API server (SelfSubjectRulesReview) whether it may get/create/update Leases; the
     * mock's CRUD store cannot answer that, so it answers as a real API server would for the chart's RBAC.
     */
    public static class MayUseLeases implements java.util.function.Consumer<io.quarkus.test.kubernetes.client.KubernetesServer> {
        @Override
        public void accept(io.quarkus.test.kubernetes.client.KubernetesServer server) {
            server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                    .andReturn(201, new io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder()
                            .withNewStatus().withIncomplete(false).addNewResourceRule()
                            .withApiGroups("coordination.k8s.io").withResources("leases").withVerbs("get", "create", "update")
                            .endResourceRule().endStatus().build())
                    .always();
        }
    }

    /** The production setting: replicas elect a leader through a Lease before reconciling. */
    public static class LeaderElectionOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.operator-sdk.activate-leader-election-for-profiles", "test");
        }
    }

    @Inject
    KubernetesClient client;

    @Inject
    io.javaoperatorsdk.operator.Operator operator;

    private static final String TWO_VS = """
            apiVersion: lvs.io/v1alpha1
            kind: VirtualService
            metadata: {name: %s, namespace: default}
            spec:
              vip: %s
              ports: [{port: 80}]
              realServerSelector: {matchLabels: {app: %s}}
              directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
            """;

    @Test
    void aLifecycleFromFirstObjectToLastWithLeaderElection() {
        node(client, "node-a", "198.51.100.1", Map.of("lvs.io/director", "true"));
        OperatorTestSupport.testPool(client);

        apply(client, TWO_VS.formatted("blue", "192.0.2.81", "blue"));
        apply(client, TWO_VS.formatted("green", "192.0.2.82", "green"));
        applyRealServer(client, """
                apiVersion: lvs.io/v1alpha1
                kind: RealServer
                metadata: {name: web-9, namespace: default, labels: {app: blue}}
                spec: {address: 192.0.2.91}
                """);
        awaitVs(client, "blue", has(Conditions.ACCEPTED, "True", "Accepted"));
        awaitVs(client, "green", has(Conditions.ACCEPTED, "False", "NoRealServers"));

        // the operator won the election before it reconciled anything
        Lease lease = client.leases().inNamespace("lvs-system").withName("lvs-operator-leader").get();
        assertNotNull(lease, "the leader Lease");
        assertNotNull(lease.getSpec().getHolderIdentity());

        // relabelling moves the server: both the VirtualService it left and the one it joined are updated
        client.resources(RealServer.class).inNamespace("default").withName("web-9").edit(r -> {
            r.getMetadata().setLabels(Map.of("app", "green"));
            return r;
        });
        awaitVs(client, "green", has(Conditions.ACCEPTED, "True", "Accepted"));
        awaitVs(client, "blue", has(Conditions.ACCEPTED, "False", "NoRealServers"));

        // metrics per VirtualService
        await().atMost(WAIT).untilAsserted(() -> given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("lvs_virtualservice_accepted{name=\"green\",namespace=\"default\"} 1.0"))
                .body(containsString("lvs_virtualservice_accepted{name=\"blue\",namespace=\"default\"} 0.0")));

        // the agents are the chart's business: the operator never creates a DaemonSet or a ServiceAccount
        client.resources(VirtualService.class).inNamespace("default").delete();
        await().atMost(WAIT).until(() -> client.resources(VirtualService.class).inNamespace("default").list().getItems().isEmpty());
        assertEquals(0, client.apps().daemonSets().inAnyNamespace().list().getItems().size());
        assertEquals(0, client.serviceAccounts().inAnyNamespace().list().getItems().size());
        await().atMost(WAIT).untilAsserted(() -> given().when().get("/q/metrics").then()
                .body(org.hamcrest.Matchers.not(containsString("lvs_virtualservice_accepted{name=\"green\""))));
        assertEquals(1, client.resources(RealServer.class).inNamespace("default").list().getItems().size(),
                "RealServers are the user's; deleting VirtualServices leaves them");

        // liveness: a watch that stops for good fails it, by name, so the kubelet restarts the operator
        given().when().get("/q/health/live").then().statusCode(200);
        // the client gives up on the VipPools watch (as it does on an error it cannot retry): stop its informer only
        operator.getRuntimeInfo().getRegisteredController("virtualservice").getControllerHealthInfo()
                .informerEventSourceHealthIndicators().get("vippools").informerHealthIndicators().values()
                .forEach(i -> ((io.javaoperatorsdk.operator.processing.LifecycleAware) i).stop());
        await().atMost(WAIT).untilAsserted(() -> given().when().get("/q/health/live").then().statusCode(503)
                .body(containsString("virtualservice/vippools (all namespaces)")));
    }
}
