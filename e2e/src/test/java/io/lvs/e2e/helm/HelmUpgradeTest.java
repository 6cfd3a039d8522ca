package io.lvs.e2e.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lvs.e2e.apiserver.EmbeddedApiServer;
import io.lvs.e2e.apiserver.Kubectl;
import io.lvs.e2e.apiserver.RealKubectl;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's CRDs under the real helm against the embedded API server: installed as templates, upgraded by
 * {@code helm upgrade} (from the previous chart too, whose CRDs came from its crds/ directory), and kept with every
 * object of their kinds by {@code helm uninstall}.
 */
class HelmUpgradeTest {
    private static final Path CHART = Path.of("../helm/lvs-operator").toAbsolutePath().normalize();
    private static final Path CRDS = Path.of("../crds").toAbsolutePath().normalize();
    /** The chart at 5ba88be, before the VipPool CRD (see the README beside it). */
    private static final Path PREVIOUS = Path.of("src/test/resources/helm/previous/lvs-operator").toAbsolutePath();
    private static final String NAMESPACE = "lvs-system";
    private static final List<String> CRD_NAMES = List.of("virtualservices.lvs.io", "realservers.lvs.io",
            "nodereports.lvs.io", "vippools.lvs.io");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String POOLS = "vipPools=[{\"name\":\"web\",\"addresses\":[\"192.0.2.0/24\"]}]";

    @TempDir
    Path work;

    @Test
    void anUpgradeFromTheChartBeforeVipPoolsUpgradesItsCrdsAndUninstallKeepsThemWithTheUsersObjects() throws Exception {
        try (EmbeddedApiServer server = EmbeddedApiServer.start()) {
            Kubectl kubectl = RealKubectl.against(server);
            RealHelm helm = RealHelm.against(server, work.resolve("helm"));
            createNamespace(kubectl);

            // a release of the previous chart, holding users' objects
            helm.install("lvs", PREVIOUS, NAMESPACE).orFail();
            assertEquals(Optional.empty(), get(server, crdPath("vippools.lvs.io")), "the previous chart had no VipPool");
            JsonNode installedBefore = get(server, crdPath("virtualservices.lvs.io")).orElseThrow();
            assertTrue(installedBefore.at("/metadata/annotations/meta.helm.sh~1release-name").isMissingNode(),
                    "from crds/: Helm installed it once and does not own it");
            kubectl.run("apply", "--validate=false", "-f", CRDS.resolve("examples/direct-routing.yaml").toString(),
                    "-f", CRDS.resolve("examples/nat.yaml").toString()).orFail();
            Map<String, JsonNode> usersObjects = usersObjects(server);
            assertEquals(6, usersObjects.size(), usersObjects.keySet().toString());

            // CRDs from crds/ carry no Helm ownership: the first upgrade must take it, and refuses cleanly without
            RealHelm.Run refused = helm.upgrade("lvs", CHART, NAMESPACE);
            assertNotEquals(0, refused.exit(), refused.out());
            assertTrue(refused.out().contains("CustomResourceDefinition \"")
                    && refused.out().contains("invalid ownership metadata"), refused.out());
            assertEquals(Optional.empty(), get(server, crdPath("vippools.lvs.io")), "the refused upgrade changed nothing");
            assertTrue(helm.run("status", "lvs", "--namespace", NAMESPACE).orFail().out().contains("REVISION: 1"));

            helm.upgrade("lvs", CHART, NAMESPACE, "--take-ownership").orFail();
            for (String name : CRD_NAMES) {
                JsonNode served = get(server, crdPath(name)).orElseThrow(() -> new AssertionError(name + " missing"));
                assertEquals(canonical(committed(CRDS, name).path("spec")), canonical(served.path("spec")),
                        name + " on the server is the committed one");
                assertEquals("keep", served.at("/metadata/annotations/helm.sh~1resource-policy").asText(), name);
                assertEquals("lvs", served.at("/metadata/annotations/meta.helm.sh~1release-name").asText(), name);
            }
            for (String name : List.of("virtualservices.lvs.io", "realservers.lvs.io", "nodereports.lvs.io")) {
                assertNotEquals(canonical(committed(PREVIOUS.resolve("crds"), name).path("spec")),
                        canonical(committed(CRDS, name).path("spec")), name + " changed since the previous chart, so the "
                        + "comparison above shows an upgrade");
            }
            assertEquals(usersObjects, usersObjects(server), "the users' objects are untouched");

            // from now on pools can come from values: the VipPool CRD is served
            helm.upgrade("lvs", CHART, NAMESPACE, "--set-json", POOLS).orFail();
            assertTrue(get(server, "/apis/lvs.io/v1alpha1/vippools/web").isPresent());

            helm.run("uninstall", "lvs", "--namespace", NAMESPACE).orFail();
            assertEquals(Optional.empty(), get(server, "/apis/apps/v1/namespaces/lvs-system/deployments/lvs-lvs-operator"),
                    "the release is gone");
            for (String name : CRD_NAMES) {
                assertTrue(get(server, crdPath(name)).isPresent(), name + " is kept");
            }
            assertEquals(usersObjects, usersObjects(server), "the users' objects are kept");
        }
    }

    @Test
    void aFirstInstallTemplatesTheCrdsItsPoolsComeWithTheNextUpgradeAndTurningCrdsOffKeepsThem() throws Exception {
        try (EmbeddedApiServer server = EmbeddedApiServer.start()) {
            Kubectl kubectl = RealKubectl.against(server);
            RealHelm helm = RealHelm.against(server, work.resolve("helm"));
            createNamespace(kubectl);

            // Helm maps every object to a served kind before it creates the CRDs it templates (values.yaml says so)
            RealHelm.Run tooEarly = helm.install("lvs", CHART, NAMESPACE, "--set-json", POOLS);
            assertNotEquals(0, tooEarly.exit(), tooEarly.out());
            assertTrue(tooEarly.out().contains("no matches for kind \"VipPool\""), tooEarly.out());
            assertEquals(Optional.empty(), get(server, crdPath("virtualservices.lvs.io")), "nothing was created");

            helm.install("lvs", CHART, NAMESPACE).orFail();
            for (String name : CRD_NAMES) {
                JsonNode served = get(server, crdPath(name)).orElseThrow(() -> new AssertionError(name + " missing"));
                assertEquals(canonical(committed(CRDS, name).path("spec")), canonical(served.path("spec")), name);
                assertEquals("Helm", served.at("/metadata/labels/app.kubernetes.io~1managed-by").asText(), name);
            }
            helm.upgrade("lvs", CHART, NAMESPACE, "--set-json", POOLS).orFail();
            assertTrue(get(server, "/apis/lvs.io/v1alpha1/vippools/web").isPresent());
            kubectl.run("apply", "--validate=false", "-f", CRDS.resolve("examples/direct-routing.yaml").toString())
                    .orFail();

            helm.upgrade("lvs", CHART, NAMESPACE, "--reuse-values", "--set", "crds.enabled=false").orFail();
            for (String name : CRD_NAMES) {
                assertTrue(get(server, crdPath(name)).isPresent(), name + " is kept when the chart stops rendering it");
            }
            assertTrue(get(server, "/apis/lvs.io/v1alpha1/namespaces/default/virtualservices/web").isPresent());
            assertTrue(get(server, "/apis/lvs.io/v1alpha1/vippools/web").isPresent());
            helm.upgrade("lvs", CHART, NAMESPACE, "--reuse-values", "--set", "crds.enabled=true").orFail();
        }
    }

    private void createNamespace(Kubectl kubectl) throws IOException {
        Path manifest = Files.writeString(work.resolve("namespace.yaml"), """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: lvs-system
                  labels:
                    pod-security.kubernetes.io/enforce: privileged
                """);
        kubectl.run("apply", "--validate=false", "-f", manifest.toString()).orFail();
    }

    private static String crdPath(String name) {
        return "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + name;
    }

    private static JsonNode committed(Path dir, String name) throws IOException {
        return YAML.readTree(dir.resolve(name + ".yaml").toFile());
    }

    /** Every VirtualService and RealServer, by kind and name, as stored. */
    private static Map<String, JsonNode> usersObjects(EmbeddedApiServer server) throws Exception {
        Map<String, JsonNode> objects = new java.util.TreeMap<>();
        for (String plural : List.of("virtualservices", "realservers")) {
            for (JsonNode item : get(server, "/apis/lvs.io/v1alpha1/" + plural).orElseThrow().path("items")) {
                objects.put(plural + "/" + item.at("/metadata/name").asText(), item);
            }
        }
        return objects;
    }

    private static Optional<JsonNode> get(EmbeddedApiServer server, String path) throws Exception {
        // HTTP/1.1: the JDK client's default first asks to upgrade to h2c, which this server has been seen to leave unanswered
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(server.sslContext()).build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(server.url() + path))
                    .header("Authorization", "Bearer " + server.adminToken()) // as the administrator
                    .timeout(java.time.Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            assertEquals(200, response.statusCode(), path + ": " + response.body());
            return Optional.of(JSON.readTree(response.body()));
        }
    }

    /**
     * The tree with every number as its exact decimal value: YAML reads {@code 2.147483647E9} as a double where the
     * server, which got it from Helm as JSON, holds the integer 2147483647.
     */
    private static JsonNode canonical(JsonNode node) {
        if (node.isNumber()) {
            return JsonNodeFactory.instance.numberNode(new BigDecimal(node.asText()).stripTrailingZeros());
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                out.set(e.getKey(), canonical(e.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> out.add(canonical(n)));
            return out;
        }
        return node;
    }
}
