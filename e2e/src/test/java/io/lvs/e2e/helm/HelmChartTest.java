package io.lvs.e2e.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lvs.e2e.apiserver.EmbeddedApiServer;
import io.lvs.e2e.apiserver.KubeTools;
import io.lvs.e2e.apiserver.Kubectl;
import io.lvs.e2e.apiserver.RealKubectl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart with the real helm binary: it lints strictly, its values are checked by values.schema.json, and
 * what it renders fits the operator: the same CRDs as crds/ (as templates, kept on uninstall), RBAC that names the
 * accounts the operator and its agents run as, the settings the operator reads, and notes that check the Pod Security
 * level of the namespace the agents run in.
 */
class HelmChartTest {
    private static final Path CHART = Path.of("../helm/lvs-operator").toAbsolutePath().normalize();
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static Path helm;

    record Run(int exit, String out) {
    }

    @BeforeAll
    static void findHelm() {
        helm = switch (KubeTools.lookup()) {
            case KubeTools.Found f -> f.helm();
            case KubeTools.Unavailable u -> Assumptions.abort("real helm needed: " + u.reason());
            case KubeTools.Broken b -> throw new AssertionError("real helm needed: " + b.reason());
        };
    }

    private static Run helm(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(helm.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("helm " + String.join(" ", args) + " did not finish");
        }
        return new Run(p.exitValue(), out);
    }

    private static List<JsonNode> render(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("template", "lvs", CHART.toString(), "--namespace", "lvs-system"));
        args.addAll(List.of(extra));
        Run r = helm(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.out());
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(r.out())) {
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && d.has("kind")) {
                    docs.add(d);
                }
            }
        }
        return docs;
    }

    private static JsonNode find(List<JsonNode> docs, String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText()) && name.equals(d.at("/metadata/name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + "/" + name + " rendered"));
    }

    private static Optional<String> env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (name.equals(e.path("name").asText())) {
                return Optional.of(e.path("value").asText());
            }
        }
        return Optional.empty();
    }

    @Test
    void theChartLintsStrictly() throws Exception {
        Run r = helm("lint", "--strict", CHART.toString());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("1 chart(s) linted, 0 chart(s) failed"), r.out());
    }

    @Test
    void valuesAreCheckedByTheSchema() throws Exception {
        Run wrongType = helm("template", "lvs", CHART.toString(), "--set", "operator.replicas=two");
        assertNotEquals(0, wrongType.exit());
        assertTrue(wrongType.out().contains("/operator/replicas") && wrongType.out().contains("want integer"), wrongType.out());
        Run unknownKey = helm("template", "lvs", CHART.toString(), "--set", "operator.replica=2");
        assertNotEquals(0, unknownKey.exit(), "a misspelt value is refused, not ignored");
        Run badPolicy = helm("template", "lvs", CHART.toString(), "--set", "agent.image.pullPolicy=Sometimes");
        assertNotEquals(0, badPolicy.exit());
    }

    @Test
    void vipPoolsComeFromValuesAndNoneByDefault() throws Exception {
        assertTrue(render().stream().noneMatch(d -> "VipPool".equals(d.path("kind").asText())),
                "no pool unless the administrator asks for one");
        List<JsonNode> docs = render("--set-json", "vipPools=[{\"name\":\"web\",\"addresses\":[\"192.0.2.0/28\","
                + "\"2001:db8:1::/120\"],\"namespaces\":[\"team-a\"]},{\"name\":\"shared\",\"addresses\":"
                + "[\"198.51.100.0/28\"],\"namespaceSelector\":{\"matchLabels\":{\"lvs.io/vips\":\"shared\"}}}]");
        JsonNode web = find(docs, "VipPool", "web");
        assertEquals("lvs.io/v1alpha1", web.path("apiVersion").asText());
        assertEquals(List.of(), io.lvs.api.v1alpha1.validation.VipPoolValidator.validate(
                io.lvs.api.v1alpha1.validation.ApiObjects.MAPPER.treeToValue(web, io.lvs.api.v1alpha1.VipPool.class).getSpec()));
        assertEquals("[\"team-a\"]", web.at("/spec/namespaces").toString());
        JsonNode shared = find(docs, "VipPool", "shared");
        assertEquals("shared", shared.at("/spec/namespaceSelector/matchLabels/lvs.io~1vips").asText());
        assertTrue(shared.at("/spec/namespaces").isMissingNode());

        // an empty list keeps its meaning (no namespace), it is not dropped (which would mean every namespace)
        JsonNode none = find(render("--set-json", "vipPools=[{\"name\":\"closed\",\"addresses\":[\"192.0.2.0/28\"],"
                + "\"namespaces\":[]}]"), "VipPool", "closed");
        assertEquals("[]", none.at("/spec/namespaces").toString());

        Run noAddresses = helm("template", "lvs", CHART.toString(), "--set-json", "vipPools=[{\"name\":\"x\"}]");
        assertNotEquals(0, noAddresses.exit(), "a pool without addresses is refused by the values schema");
        Run bare = helm("template", "lvs", CHART.toString(), "--set-json",
                "vipPools=[{\"name\":\"x\",\"addresses\":[\"192.0.2.10\"]}]");
        assertNotEquals(0, bare.exit(), "an address without a prefix length is refused: " + bare.out());
    }

    @Test
    void theChartTemplatesTheCommittedCrdsKeptOnUninstallAndCanLeaveThemOut() throws Exception {
        List<JsonNode> docs = render();
        for (String name : List.of("virtualservices.lvs.io", "realservers.lvs.io", "nodereports.lvs.io", "vippools.lvs.io")) {
            // templates (upgraded by helm upgrade), not crds/ (installed once): rendered without --include-crds
            ObjectNode rendered = (ObjectNode) find(docs, "CustomResourceDefinition", name).deepCopy();
            assertEquals("keep", rendered.at("/metadata/annotations/helm.sh~1resource-policy").asText(),
                    name + ": an uninstall leaves the CRD, and every object of its kind, in place");
            ((ObjectNode) rendered.get("metadata")).remove("annotations");
            JsonNode committed = YAML.readTree(REPO.resolve("crds").resolve(name + ".yaml").toFile());
            assertEquals(committed, rendered, name + " in the chart differs from crds/");
        }
        assertTrue(render("--set", "crds.enabled=false").stream()
                .noneMatch(d -> "CustomResourceDefinition".equals(d.path("kind").asText())));
        Run subchart = helm("template", "lvs-crds", CHART.resolve("charts/crds").toString());
        assertEquals(0, subchart.exit(), subchart.out());
        assertEquals(4, subchart.out().split("\nkind: CustomResourceDefinition\n", -1).length - 1,
                "the CRD subchart installs on its own too");
        assertTrue(helm("show", "values", CHART.toString()).out().contains("helm.sh/resource-policy: keep"));
    }

    @Test
    void theNotesSayThePodSecurityLevelTheAgentsNeedAndCheckTheNamespace(@TempDir Path work) throws Exception {
        String label = "kubectl label --overwrite namespace lvs-system pod-security.kubernetes.io/enforce=privileged";
        Run offline = helm("install", "lvs", CHART.toString(), "--namespace", "lvs-system", "--dry-run=client");
        assertTrue(offline.out().contains("namespace lvs-system needs pod-security.kubernetes.io/enforce=privileged")
                && offline.out().contains("Not checked here"), offline.out());
        Run values = helm("show", "values", CHART.toString());
        assertTrue(values.out().contains("only the \"privileged\" Pod Security level admits")
                && values.out().contains("The chart cannot create and label that namespace itself"), values.out());

        // at install time the notes read the namespace's labels from the API server (a server-side dry run here)
        try (EmbeddedApiServer server = EmbeddedApiServer.start()) {
            RealHelm real = RealHelm.against(server, work.resolve("helm"));
            Kubectl kubectl = RealKubectl.against(server);
            Map<String, String> cases = new java.util.LinkedHashMap<>();
            cases.put("", "WARNING: it has no pod-security.kubernetes.io/enforce label");
            cases.put("baseline", "WARNING: it enforces \"baseline\", which refuses the agents' pods");
            cases.put("privileged", "It enforces \"privileged\".");
            for (Map.Entry<String, String> c : cases.entrySet()) {
                Path manifest = Files.writeString(work.resolve("namespace.yaml"), """
                        apiVersion: v1
                        kind: Namespace
                        metadata:
                          name: lvs-system
                          labels: {%s}
                        """.formatted(c.getKey().isEmpty() ? "" : "pod-security.kubernetes.io/enforce: " + c.getKey()));
                kubectl.run("apply", "--validate=false", "-f", manifest.toString()).orFail();
                RealHelm.Run dry = real.run("install", "lvs", CHART.toString(), "--namespace", "lvs-system", "--dry-run=server",
                        "--disable-openapi-validation");
                assertEquals(0, dry.exit(), dry.out());
                assertTrue(dry.out().contains(c.getValue()), c.getKey() + ":\n" + dry.out());
                assertEquals(!c.getKey().equals("privileged"), dry.out().contains(label), dry.out());
            }
        }
    }

    @Test
    void theOperatorAndItsAgentsGetTheirSettingsAndLeastPrivilege() throws Exception {
        List<JsonNode> docs = render("--set", "agent.priorityClassName=system-node-critical", "--set", "operator.replicas=2",
                "--set-string", "agent.nodeSelector.lvs\\.io/agent=true", "--set", "imagePullSecrets[0].name=regcred");
        JsonNode deployment = find(docs, "Deployment", "lvs-lvs-operator");
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        assertEquals("ghcr.io/lvs-operator/lvs-operator:0.1.0", container.path("image").asText());
        assertEquals(Optional.of("lvs-node-agent"), env(container, "LVS_AGENT_NAME"));
        assertEquals("metadata.namespace", container.path("env").get(0).at("/valueFrom/fieldRef/fieldPath").asText());
        assertTrue(container.at("/securityContext/readOnlyRootFilesystem").asBoolean());
        assertEquals("/q/health/ready", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals(2, deployment.at("/spec/replicas").asInt());
        JsonNode spread = deployment.at("/spec/template/spec/topologySpreadConstraints/0");
        assertEquals("kubernetes.io/hostname", spread.path("topologyKey").asText(), "the replicas spread over nodes");
        assertEquals("ScheduleAnyway", spread.path("whenUnsatisfiable").asText());
        assertEquals(deployment.at("/spec/selector/matchLabels"), spread.at("/labelSelector/matchLabels"));
        assertTrue(find(render("--set", "operator.spreadOverNodes="), "Deployment", "lvs-lvs-operator")
                .at("/spec/template/spec/topologySpreadConstraints").isMissingNode());
        find(docs, "PodDisruptionBudget", "lvs-lvs-operator");

        // the agents: the chart's DaemonSet, placed by node labels only (never by VirtualServices)
        JsonNode ds = find(docs, "DaemonSet", "lvs-node-agent");
        JsonNode pod = ds.at("/spec/template/spec");
        JsonNode agent = pod.at("/containers/0");
        assertEquals("ghcr.io/lvs-operator/lvs-node-agent:0.1.0", agent.path("image").asText());
        assertEquals("run", agent.at("/args/0").asText());
        assertTrue(pod.path("hostNetwork").asBoolean());
        assertEquals("true", pod.at("/nodeSelector/lvs.io~1agent").asText());
        assertTrue(pod.path("affinity").isMissingNode(), "no node affinity computed from objects");
        assertEquals("regcred", pod.at("/imagePullSecrets/0/name").asText(), "imagePullSecrets reach the agents");
        assertEquals("system-node-critical", pod.path("priorityClassName").asText());
        assertEquals("[\"NET_ADMIN\",\"NET_RAW\"]", agent.at("/securityContext/capabilities/add").toString());
        assertEquals("[\"ALL\"]", agent.at("/securityContext/capabilities/drop").toString());
        assertTrue(agent.at("/securityContext/readOnlyRootFilesystem").asBoolean());
        assertEquals("/readyz", agent.at("/readinessProbe/httpGet/path").asText());
        assertEquals("/healthz", agent.at("/livenessProbe/httpGet/path").asText());
        assertTrue(agent.path("volumeMounts").toString().contains("\"mountPath\":\"/lib/modules\",\"readOnly\":true"),
                agent.path("volumeMounts").toString());
        assertEquals("spec.nodeName", agent.path("env").get(0).at("/valueFrom/fieldRef/fieldPath").asText());
        String agentAccount = pod.path("serviceAccountName").asText();
        find(docs, "ServiceAccount", agentAccount);

        // the operator's account is bound to its roles, and may not create DaemonSets or ServiceAccounts any more
        String operatorAccount = deployment.at("/spec/template/spec/serviceAccountName").asText();
        find(docs, "ServiceAccount", operatorAccount);
        JsonNode clusterBinding = find(docs, "ClusterRoleBinding", "lvs-lvs-operator");
        assertEquals(operatorAccount, clusterBinding.at("/subjects/0/name").asText());
        assertEquals("lvs-system", clusterBinding.at("/subjects/0/namespace").asText());
        JsonNode clusterRole = find(docs, "ClusterRole", "lvs-lvs-operator");
        assertTrue(rules(clusterRole).contains("lvs.io virtualservices/status update"), rules(clusterRole).toString());
        assertTrue(rules(clusterRole).contains(" nodes watch"), rules(clusterRole).toString());
        assertTrue(rules(clusterRole).containsAll(List.of("lvs.io vippools watch", " namespaces watch")),
                "the operator reads which VIPs a namespace may use: " + rules(clusterRole));
        assertTrue(rules(clusterRole).stream().noneMatch(r -> r.startsWith("lvs.io realservers ") && (r.endsWith(" update")
                || r.endsWith(" patch"))), "the operator writes only RealServers' status: " + rules(clusterRole));
        assertTrue(rules(clusterRole).stream().noneMatch(r -> r.contains("*")), "no wildcards: " + rules(clusterRole));
        List<String> role = rules(find(docs, "Role", "lvs-lvs-operator"));
        assertTrue(role.contains("coordination.k8s.io leases update") && role.contains("coordination.k8s.io leases watch"),
                role.toString());
        assertTrue(role.contains(" pods watch") && role.contains("apps daemonsets watch"), role.toString());
        assertTrue(role.stream().noneMatch(r -> r.startsWith("apps daemonsets ") && !r.endsWith(" get") && !r.endsWith(" list")
                && !r.endsWith(" watch")), "the operator only reads the agents' DaemonSet: " + role);
        assertTrue(role.stream().noneMatch(r -> r.startsWith(" serviceaccounts")), role.toString());

        // the agents' account gets read access, its own reports and its own Lease
        JsonNode agentBinding = find(docs, "ClusterRoleBinding", "lvs-lvs-operator-agent");
        assertEquals(agentAccount, agentBinding.at("/subjects/0/name").asText());
        List<String> agentRules = rules(find(docs, "ClusterRole", "lvs-lvs-operator-agent"));
        assertTrue(agentRules.contains("lvs.io nodereports/status update"), agentRules.toString());
        assertTrue(agentRules.contains("lvs.io virtualservices watch"), agentRules.toString());
        assertTrue(agentRules.containsAll(List.of("lvs.io vippools watch", " namespaces watch")), agentRules.toString());
        assertTrue(agentRules.stream().noneMatch(r -> r.startsWith("lvs.io virtualservices ") && (r.endsWith(" update")
                || r.endsWith(" patch") || r.endsWith(" delete"))), "agents never change VirtualServices: " + agentRules);
        List<String> agentRole = rules(find(docs, "Role", "lvs-lvs-operator-agent"));
        assertTrue(agentRole.containsAll(List.of("coordination.k8s.io leases update", "coordination.k8s.io leases list",
                "coordination.k8s.io leases watch", "apps daemonsets get")), "agents renew their Lease, watch the others' "
                + "(the Lease-rule election) and read their DaemonSet on shutdown: " + agentRole);
        assertTrue(agentRole.stream().noneMatch(r -> r.startsWith("apps daemonsets ") && !r.endsWith(" get")), agentRole.toString());
    }

    @Test
    void agentsElectOverVrrpWithAKeySecretTheOperatorKeepsOrTheUsersOwn() throws Exception {
        List<JsonNode> docs = render("--set", "agent.election.compatibilityPeers={192.0.2.7,192.0.2.8}");
        JsonNode pod = find(docs, "DaemonSet", "lvs-node-agent").at("/spec/template/spec");
        JsonNode agent = pod.at("/containers/0");
        assertEquals(Optional.of("vrrp"), env(agent, "LVS_AGENT_ELECTION"));
        assertEquals(Optional.of("/etc/lvs-node-agent/vrrp/keys"), env(agent, "LVS_AGENT_VRRP_KEY_FILE"));
        assertEquals(Optional.of("192.0.2.7,192.0.2.8"), env(agent, "LVS_AGENT_VRRP_COMPAT_PEERS"));
        assertTrue(agent.path("volumeMounts").toString().contains(
                "\"name\":\"vrrp-keys\",\"mountPath\":\"/etc/lvs-node-agent/vrrp\",\"readOnly\":true"),
                agent.path("volumeMounts").toString());
        JsonNode keySecret = find(docs, "Secret", "lvs-lvs-operator-vrrp-keys");
        assertTrue(keySecret.path("data").isMissingNode(), "the chart creates it empty; the operator writes the key");
        assertEquals("keep", keySecret.at("/metadata/annotations/helm.sh~1resource-policy").asText(),
                "an uninstall or upgrade never takes the directors' key away");
        JsonNode operator = find(docs, "Deployment", "lvs-lvs-operator").at("/spec/template/spec/containers/0");
        assertEquals(Optional.of("lvs-lvs-operator-vrrp-keys"), env(operator, "LVS_VRRP_KEYS_SECRET"));
        assertEquals(Optional.of("720h"), env(operator, "LVS_VRRP_KEYS_ROTATION"));
        List<String> operatorRole = rules(find(docs, "Role", "lvs-lvs-operator"));
        assertTrue(operatorRole.containsAll(List.of(" secrets get", " secrets update")), operatorRole.toString());
        assertTrue(operatorRole.stream().noneMatch(r -> r.startsWith(" secrets ") && !r.endsWith(" get")
                && !r.endsWith(" update")), "no create (it could mint service-account tokens): " + operatorRole);
        for (JsonNode rule : find(docs, "Role", "lvs-lvs-operator").path("rules")) {
            if (rule.path("resources").toString().contains("secrets")) {
                assertEquals("[\"lvs-lvs-operator-vrrp-keys\"]", rule.path("resourceNames").toString(),
                        "reading and updating Secrets only for the key Secret");
            }
        }
        boolean mounted = false;
        for (JsonNode v : pod.path("volumes")) {
            mounted |= v.at("/secret/secretName").asText().equals("lvs-lvs-operator-vrrp-keys");
        }
        assertTrue(mounted, pod.path("volumes").toString());

        List<JsonNode> own = render("--set", "agent.election.keySecret=my-keys");
        assertEquals(Optional.empty(), env(find(own, "Deployment", "lvs-lvs-operator").at("/spec/template/spec/containers/0"),
                "LVS_VRRP_KEYS_SECRET"), "the user's Secret is the user's to rotate");
        assertTrue(rules(find(own, "Role", "lvs-lvs-operator")).stream().noneMatch(r -> r.contains("secrets")),
                "no Secret rights without a Secret to keep");
        assertTrue(own.stream().noneMatch(d -> "Secret".equals(d.path("kind").asText())), "the user's Secret is theirs");
        assertTrue(find(own, "DaemonSet", "lvs-node-agent").at("/spec/template/spec/volumes").toString()
                .contains("\"secretName\":\"my-keys\""));

        List<JsonNode> lease = render("--set", "agent.election.mode=lease");
        JsonNode leaseAgent = find(lease, "DaemonSet", "lvs-node-agent").at("/spec/template/spec/containers/0");
        assertEquals(Optional.of("lease"), env(leaseAgent, "LVS_AGENT_ELECTION"));
        assertEquals(Optional.empty(), env(leaseAgent, "LVS_AGENT_VRRP_KEY_FILE"));
        assertEquals(Optional.empty(), env(find(lease, "Deployment", "lvs-lvs-operator").at("/spec/template/spec/containers/0"),
                "LVS_VRRP_KEYS_SECRET"));
        assertNotEquals(0, helm("template", "lvs", CHART.toString(), "--set", "agent.election.keyRotation=1h30m").exit(),
                "a rotation the operator cannot read is refused by the schema");
        assertNotEquals(0, helm("template", "lvs", CHART.toString(), "--set", "agent.election.mode=bgp").exit(),
                "an unknown election mode is refused by the schema");
    }

    /**
     * The final rule sets, exactly: what ChartRightsTest found the operator and the agents use in recorded e2e runs
     * (plus the verbs of rare paths it names), each with resourceNames where RBAC can name the one object.
     */
    @Test
    void theRolesGrantExactlyWhatTheOperatorAndTheAgentsUse() throws Exception {
        List<JsonNode> docs = render();
        assertEquals(List.of(
                        "lvs.io virtualservices: get, list, watch, patch",
                        "lvs.io realservers, vippools, nodereports: list, watch",
                        "lvs.io virtualservices/status, realservers/status: update",
                        " nodes, namespaces: list, watch",
                        " events: create, patch"),
                ruleLines(find(docs, "ClusterRole", "lvs-lvs-operator")),
                "no CRD reads, no update of VirtualServices, no status get/patch, no get of what informers watch");
        assertEquals(List.of(
                        "coordination.k8s.io leases: get, list, watch, create, update, patch",
                        " pods, events: list, watch",
                        "apps daemonsets [lvs-node-agent]: list, watch",
                        " secrets [lvs-lvs-operator-vrrp-keys]: get, update"),
                ruleLines(find(docs, "Role", "lvs-lvs-operator")),
                "the elector renews its Lease with a patch; the key Secret is filled, never created");
        assertEquals(List.of(
                        "lvs.io virtualservices, realservers, vippools: list, watch",
                        "lvs.io nodereports: get, list, watch, create, delete",
                        "lvs.io nodereports/status: update",
                        " nodes: get, list, watch",
                        " namespaces: list, watch"),
                ruleLines(find(docs, "ClusterRole", "lvs-lvs-operator-agent")), "agents record no events");
        assertEquals(List.of(
                        "coordination.k8s.io leases: get, list, watch, create, update, delete",
                        "apps daemonsets [lvs-node-agent]: get"),
                ruleLines(find(docs, "Role", "lvs-lvs-operator-agent")),
                "an agent deletes its own Lease when it drains or is uninstalled");

        // the agents' own-node policy and its binding, and none without it
        JsonNode policy = find(docs, "ValidatingAdmissionPolicy", "lvs-lvs-operator-agent-own-node");
        assertEquals("admissionregistration.k8s.io/v1", policy.path("apiVersion").asText());
        assertEquals("Fail", policy.at("/spec/failurePolicy").asText());
        assertEquals("request.userInfo.username == 'system:serviceaccount:lvs-system:lvs-node-agent'",
                policy.at("/spec/matchConditions/0/expression").asText());
        JsonNode binding = find(docs, "ValidatingAdmissionPolicyBinding", "lvs-lvs-operator-agent-own-node");
        assertEquals("lvs-lvs-operator-agent-own-node", binding.at("/spec/policyName").asText());
        assertEquals("[\"Deny\"]", binding.at("/spec/validationActions").toString());
        assertTrue(render("--set", "agent.ownNodePolicy=false").stream()
                .noneMatch(d -> d.path("kind").asText().startsWith("ValidatingAdmissionPolicy")));
        assertEquals("request.userInfo.username == 'system:serviceaccount:lvs-system:my-agents'",
                find(render("--set", "agent.serviceAccountName=my-agents"), "ValidatingAdmissionPolicy",
                        "lvs-lvs-operator-agent-own-node").at("/spec/matchConditions/0/expression").asText(),
                "the policy names the agents' account as the chart names it");
    }

    /** Each rule as "group resource, resource [names]: verb, verb", in the chart's order. */
    private static List<String> ruleLines(JsonNode role) {
        List<String> out = new ArrayList<>();
        for (JsonNode rule : role.path("rules")) {
            List<String> groups = new ArrayList<>();
            rule.path("apiGroups").forEach(g -> groups.add(g.asText()));
            List<String> resources = new ArrayList<>();
            rule.path("resources").forEach(r -> resources.add(r.asText()));
            List<String> names = new ArrayList<>();
            rule.path("resourceNames").forEach(n -> names.add(n.asText()));
            List<String> verbs = new ArrayList<>();
            rule.path("verbs").forEach(v -> verbs.add(v.asText()));
            out.add(String.join(",", groups) + " " + String.join(", ", resources)
                    + (names.isEmpty() ? "" : " " + names) + ": " + String.join(", ", verbs));
        }
        return out;
    }

    /** Each rule as "group resource verb" lines. */
    private static List<String> rules(JsonNode role) {
        List<String> out = new ArrayList<>();
        for (JsonNode rule : role.path("rules")) {
            for (JsonNode g : rule.path("apiGroups")) {
                for (JsonNode r : rule.path("resources")) {
                    for (JsonNode v : rule.path("verbs")) {
                        out.add(g.asText() + " " + r.asText() + " " + v.asText());
                    }
                }
            }
        }
        return out;
    }

    @Test
    void notesTellTheUserWhatToApplyNext() throws Exception {
        // helm template leaves NOTES.txt out; a client-side dry-run install prints it
        Run dry = helm("install", "lvs", CHART.toString(), "--namespace", "lvs-system", "--dry-run=client");
        assertEquals(0, dry.exit(), dry.out());
        assertTrue(dry.out().contains("kubectl label node <node-a> <node-b> lvs.io/director=true")
                && dry.out().contains("kubectl apply -f crds/examples/direct-routing.yaml")
                && dry.out().contains("kubectl get lvs")
                && dry.out().contains("kubectl apply -f crds/examples/vip-pool.yaml"), dry.out());
        Run withPool = helm("install", "lvs", CHART.toString(), "--namespace", "lvs-system", "--dry-run=client",
                "--set-json", "vipPools=[{\"name\":\"web\",\"addresses\":[\"192.0.2.0/28\"]}]");
        assertTrue(withPool.out().contains("The chart created: web"), withPool.out());
    }
}
