package io.lvs.e2e.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lvs.e2e.apiserver.KubeTools;
import io.lvs.e2e.apiserver.Kubeconfig;
import io.lvs.e2e.apiserver.Kubectl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * What the chart says about rights, as the real helm renders it ({@code helm template lvs helm/lvs-operator -n
 * lvs-system}): its ServiceAccounts, Roles, ClusterRoles, bindings, ValidatingAdmissionPolicies and bindings, and the
 * VRRP key Secret it creates empty, applied to a cluster with kubectl as an administrator would install them; and the
 * tokens of the accounts they bind, asked for with TokenRequest as the kubelet asks for a pod's (an agent's bound to
 * its node). Every e2e scenario runs its operator and agents with these identities.
 */
public final class ChartRbac {
    /** The release and namespace the labs install as (README's {@code helm install lvs ... -n lvs-system}). */
    public static final String RELEASE = "lvs";
    public static final String NAMESPACE = "lvs-system";
    /** The operator's ServiceAccount ({@code <release>-lvs-operator}) and the agents'. */
    public static final String OPERATOR_ACCOUNT = "lvs-lvs-operator";
    public static final String AGENT_ACCOUNT = "lvs-node-agent";
    /** The Secret the chart creates empty for the operator to fill with the directors' advert keys. */
    public static final String VRRP_KEY_SECRET = "lvs-lvs-operator-vrrp-keys";
    /** The kinds taken from the rendered chart: what says who may do what (and the Secret the operator may fill). */
    public static final Set<String> KINDS = Set.of("ServiceAccount", "Secret", "Role", "RoleBinding", "ClusterRole",
            "ClusterRoleBinding", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
    static final Path CHART = Path.of("../helm/lvs-operator").toAbsolutePath().normalize();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ChartRbac() {
    }

    /** The real helm, or the test skipped (a broken download fails it). */
    static Path helm() {
        return switch (KubeTools.lookup()) {
            case KubeTools.Found f -> f.helm();
            case KubeTools.Unavailable u -> Assumptions.abort("real helm needed: " + u.reason());
            case KubeTools.Broken b -> throw new AssertionError("real helm needed: " + b.reason());
        };
    }

    /** Every document {@code helm template} renders with {@code extra} arguments (e.g. "--set", "a=b"). */
    public static List<JsonNode> render(String... extra) {
        List<String> cmd = new ArrayList<>(List.of(helm().toString(), "template", RELEASE, CHART.toString(),
                "--namespace", NAMESPACE));
        cmd.addAll(List.of(extra));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
            }
            List<JsonNode> docs = new ArrayList<>();
            try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(out)) {
                while (it.hasNext()) {
                    JsonNode d = it.next();
                    if (d != null && d.has("kind")) {
                        docs.add(d);
                    }
                }
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The rendered documents of {@link #KINDS}. */
    public static List<JsonNode> rbac(String... extra) {
        return render(extra).stream().filter(d -> KINDS.contains(d.path("kind").asText())).toList();
    }

    /**
     * Applies the chart's rights (and the namespace they live in) with {@code admin}'s kubectl; {@code extra} are
     * helm arguments (values).
     */
    public static void install(Kubectl admin, Path workDir, String... extra) {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: %s}
                """.formatted(NAMESPACE));
        try {
            for (JsonNode d : rbac(extra)) {
                yaml.append("---\n").append(YAML.writeValueAsString(d).replaceFirst("^---\n", ""));
            }
            Path file = Files.createTempFile(workDir, "chart-rbac-", ".yaml");
            Files.writeString(file, yaml);
            admin.run("apply", "--validate=false", "-f", file.toString()).orFail();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A token of ServiceAccount {@code account} (in the chart's namespace), bound to Node {@code node} when given (as an
     * agent's pod token names its node), asked for with TokenRequest by {@code admin}.
     */
    public static String token(Kubectl admin, Path workDir, String account, Optional<String> node) {
        String request = """
                {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                 "spec": {"expirationSeconds": 86400%s}}
                """.formatted(node.map(n -> ", \"boundObjectRef\": {\"apiVersion\": \"v1\", \"kind\": \"Node\", "
                + "\"name\": \"" + n + "\"}").orElse(""));
        try {
            Path file = Files.createTempFile(workDir, "token-request-", ".json");
            Files.writeString(file, request);
            String answer = admin.run("create", "--raw", "/api/v1/namespaces/" + NAMESPACE + "/serviceaccounts/" + account
                    + "/token", "-f", file.toString()).orFail().stdout();
            return new ObjectMapper().readTree(answer).at("/status/token").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The operator's kubeconfig (its ServiceAccount's token), at {@code workDir/kubeconfig-operator}. */
    public static Path operatorKubeconfig(Kubectl admin, Path workDir) {
        return kubeconfig(admin, workDir, OPERATOR_ACCOUNT, Optional.empty(), workDir.resolve("kubeconfig-operator"));
    }

    /**
     * The requests of the chart's ServiceAccounts (the operator, the agents) that an audit log shows refused (401 or
     * 403), as "user verb resource: code" lines: each is a right the chart lacks or a request the product should not
     * make.
     */
    public static List<String> refused(Path auditLog) {
        return RightsUsage.read(List.of(auditLog)).stream()
                .filter(r -> r.user().startsWith("system:serviceaccount:" + NAMESPACE + ":"))
                .filter(r -> r.code() == 401 || r.code() == 403).map(RightsUsage.Request::toString).distinct().toList();
    }

    /** Copies an audit log where {@code -Dlvs.rbac.auditDir} says (if it says), for {@code ChartRightsTest}. */
    public static void keepAuditLog(Path auditLog, String scenario) throws IOException {
        String keep = System.getProperty("lvs.rbac.auditDir", "");
        if (!keep.isEmpty()) {
            Files.copy(auditLog, Files.createDirectories(Path.of(keep)).resolve(scenario + "-"
                    + System.currentTimeMillis() + ".audit.log"));
        }
    }

    /** A kubeconfig at {@code path} acting as {@code account} (bound to {@code node} when given). */
    public static Path kubeconfig(Kubectl admin, Path workDir, String account, Optional<String> node, Path path) {
        try {
            return Kubeconfig.withToken(admin.kubeconfig(), token(admin, workDir, account, node), path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
