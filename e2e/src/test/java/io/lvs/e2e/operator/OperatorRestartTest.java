package io.lvs.e2e.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.lvs.e2e.apiserver.EmbeddedApiServer;
import io.lvs.e2e.apiserver.Kubectl;
import io.lvs.e2e.apiserver.RealKubectl;
import io.lvs.e2e.helm.ChartRbac;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged operator started, and started again, with objects of the wrong JSON type already stored (as a server
 * that skips the schema, or a store written before a CRD change, holds them). Before the tolerant read, such an object
 * failed the informers' first list: the operator never became ready and a Deployment crash-looped. Now it starts,
 * leads, stays live, refuses each malformed object naming the field in the API server's words, and reconciles every
 * other object, on its first start and on its restart.
 *
 * <p>The operator runs as its ServiceAccount under the chart's RBAC, as installed. The embedded API server runs in its
 * schema-less mode ({@code Options.withSchemaValidation(false)}): with its
 * default schema validation it would refuse the malformed objects at the door, as a real server does.
 */
class OperatorRestartTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:]+:(\\d+)");
    private static final Map<String, String> ENV = Map.of("LVS_OPERATOR_NAMESPACE", "lvs-system",
            "LVS_OPERATOR_LEASE_NAME", "lvs-operator-leader");

    @TempDir
    Path work;

    @Test
    void anOperatorStartedWithMalformedObjectsStoredStartsLeadsAndReconcilesTheOthers() throws Exception {
        Path audit = work.resolve("audit.log");
        try (EmbeddedApiServer server = EmbeddedApiServer.start(
                EmbeddedApiServer.Options.defaults().withSchemaValidation(false).withAuditLog(audit));
                KubernetesClient client = server.newClient()) {
            Kubectl kubectl = RealKubectl.against(server);
            kubectl.run("apply", "--validate=false", "-f", REPO.resolve("crds").toString()).orFail();
            ChartRbac.install(kubectl, work);
            Path operatorKubeconfig = ChartRbac.operatorKubeconfig(kubectl, work);
            kubectl.run("apply", "--validate=false", "-f", REPO.resolve("e2e/src/test/resources/project/nodes.yaml")
                    .toString()).orFail();
            kubectl.run("apply", "--validate=false", "-f", manifest("stored.yaml", """
                    apiVersion: lvs.io/v1alpha1
                    kind: VipPool
                    metadata: {name: restart}
                    spec: {addresses: [192.0.2.0/24]}
                    ---
                    apiVersion: lvs.io/v1alpha1
                    kind: VirtualService
                    metadata: {name: typo, namespace: default}
                    spec:
                      vip: 192.0.2.40
                      ports: [{port: eighty}]
                      directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                    ---
                    apiVersion: lvs.io/v1alpha1
                    kind: VirtualService
                    metadata: {name: bare-scheduler, namespace: default}
                    spec:
                      vip: 192.0.2.41
                      ports: [{port: 80}]
                      scheduler: wrr
                      directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                    ---
                    apiVersion: lvs.io/v1alpha1
                    kind: VirtualService
                    metadata: {name: web, namespace: default}
                    spec:
                      vip: 192.0.2.42
                      ports: [{port: 80}]
                      forwarding: {method: NAT}
                      realServerSelector: {matchLabels: {app: web}}
                      directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                    ---
                    apiVersion: lvs.io/v1alpha1
                    kind: RealServer
                    metadata: {name: web-1, namespace: default, labels: {app: web}}
                    spec: {address: 198.51.100.21, weight: 2}
                    ---
                    apiVersion: lvs.io/v1alpha1
                    kind: RealServer
                    metadata: {name: heavy, namespace: default, labels: {app: web}}
                    spec: {address: 198.51.100.22, weight: heavy}
                    """).toString()).orFail();
            assertEquals("eighty", stored(client, "VirtualService", "typo").at("/spec/ports/0/port").asText(),
                    "the server stored the wrong type as written");

            for (String run : List.of("first start", "restart")) {
                try (OperatorProcess operator = OperatorProcess.start(operatorKubeconfig, ENV)) {
                    waitFor(run + ": the leader Lease taken", operator, () -> Optional.ofNullable(
                            client.leases().inNamespace("lvs-system").withName("lvs-operator-leader").get())
                            .map(l -> l.getSpec().getHolderIdentity()).filter(h -> !h.isBlank()).isPresent());
                    waitFor(run + ": web and web-1 accepted", operator, () -> accepted(client, "VirtualService", "web")
                            .filter(c -> c.getStatus().equals("True")).isPresent()
                            && accepted(client, "RealServer", "web-1").filter(c -> c.getStatus().equals("True")).isPresent());
                    waitFor(run + ": the malformed objects refused", operator,
                            () -> List.of("typo", "bare-scheduler").stream().allMatch(n -> accepted(client, "VirtualService", n)
                                    .filter(c -> c.getStatus().equals("False")).isPresent())
                                    && accepted(client, "RealServer", "heavy").filter(c -> c.getStatus().equals("False"))
                                    .isPresent());
                    assertEquals("spec.ports[0].port in body must be of type integer: \"string\"",
                            accepted(client, "VirtualService", "typo").orElseThrow().getMessage());
                    assertEquals("spec.scheduler in body must be of type object: \"string\"",
                            accepted(client, "VirtualService", "bare-scheduler").orElseThrow().getMessage());
                    assertEquals("spec.weight in body must be of type integer: \"string\"",
                            accepted(client, "RealServer", "heavy").orElseThrow().getMessage());
                    assertEquals("eighty", stored(client, "VirtualService", "typo").at("/spec/ports/0/port").asText(),
                            "writing the status left the stored spec as it was");

                    // objects created now reconcile as usual: no watch of either kind stopped
                    String name = run.equals("restart") ? "after-restart" : "after-start";
                    kubectl.run("apply", "--validate=false", "-f", manifest(name + ".yaml", """
                            apiVersion: lvs.io/v1alpha1
                            kind: VirtualService
                            metadata: {name: %s, namespace: default}
                            spec:
                              vip: 192.0.2.%d
                              ports: [{port: 80}]
                              forwarding: {method: Local}
                              directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                            """.formatted(name, run.equals("restart") ? 44 : 43)).toString()).orFail();
                    waitFor(run + ": " + name + " accepted", operator, () -> accepted(client, "VirtualService", name)
                            .filter(c -> c.getStatus().equals("True")).isPresent());

                    assertEquals(200, liveness(operator), "live: " + String.join("\n", operator.output()));
                    String log = String.join("\n", operator.output());
                    assertTrue(!log.contains("will stop") && !log.contains("Failed to start"), log);
                    int exit = operator.stop(Duration.ofSeconds(20));
                    assertTrue(exit == 143 || exit == 0, run + ": stops in order (exit " + exit + ")");
                }
            }
            assertEquals(List.of(), ChartRbac.refused(audit), "the operator, as its ServiceAccount, needs no right the "
                    + "chart lacks");
            ChartRbac.keepAuditLog(audit, "operator-restart");
        }
    }

    private Path manifest(String name, String yaml) throws java.io.IOException {
        return Files.writeString(work.resolve(name), yaml);
    }

    private static com.fasterxml.jackson.databind.JsonNode stored(KubernetesClient client, String kind, String name) {
        GenericKubernetesResource g = client.genericKubernetesResources("lvs.io/v1alpha1", kind).inNamespace("default")
                .withName(name).get();
        return client.getKubernetesSerialization().convertValue(g, com.fasterxml.jackson.databind.JsonNode.class);
    }

    /** The object's Accepted condition, read untyped (so a malformed spec cannot fail the read). */
    private static Optional<Condition> accepted(KubernetesClient client, String kind, String name) {
        GenericKubernetesResource g = client.genericKubernetesResources("lvs.io/v1alpha1", kind).inNamespace("default")
                .withName(name).get();
        if (g == null || !(g.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
                || !(status.get("conditions") instanceof List<?> conditions)) {
            return Optional.empty();
        }
        return conditions.stream().map(c -> client.getKubernetesSerialization().convertValue(c, Condition.class))
                .filter(c -> "Accepted".equals(c.getType())).findFirst();
    }

    /** GET /q/health/live on the port the operator printed. */
    private static int liveness(OperatorProcess operator) throws Exception {
        waitFor("the operator's HTTP port", operator, () -> port(operator).isPresent());
        Optional<String> port = port(operator);
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + "/q/health/live"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        }
    }

    private static Optional<String> port(OperatorProcess operator) {
        return operator.output().stream().map(LISTENING::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst();
    }

    private static void waitFor(String what, OperatorProcess operator, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (!condition.getAsBoolean()) {
            if (!operator.isAlive()) {
                fail("the operator exited while waiting for " + what + ":\n" + String.join("\n", operator.output()));
            }
            if (Instant.now().isAfter(deadline)) {
                fail("no " + what + " within " + WAIT.toSeconds() + " s:\n" + String.join("\n", operator.output()));
            }
            Thread.sleep(250);
        }
    }
}
