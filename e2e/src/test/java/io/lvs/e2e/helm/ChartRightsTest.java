package io.lvs.e2e.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The chart grants what the product uses and nothing more, measured: the embedded API server's audit logs of e2e runs
 * ({@code -Dlvs.rbac.auditDir=DIR}, kept by each lab and by OperatorWithKubectlTest) compared with the rights the
 * rendered chart gives the operator's and the agents' ServiceAccounts ({@link RightsUsage}). Every grant must have been
 * used by an allowed request, except the few {@link #RARE} ones whose code path a run does not reach, each named with
 * the code that needs it; no request of theirs may have been refused.
 *
 * <p>The procedure (e2e/README.md): run the scenarios with the property, then this test with it:
 * <pre>
 * ./mvnw -pl e2e verify -Dtest='AgentsInNamespacesTest,...' -Dlvs.rbac.auditDir=/var/tmp/rbac-run
 * ./mvnw -pl e2e verify -Dtest=ChartRightsTest -Dlvs.rbac.auditDir=/var/tmp/rbac-run
 * </pre>
 * Without the property only the comparison itself is tested.
 */
class ChartRightsTest {
    private static final String OPERATOR = "system:serviceaccount:lvs-system:lvs-lvs-operator";
    private static final String AGENT = "system:serviceaccount:lvs-system:lvs-node-agent";

    /**
     * Grants a recorded run may not use, with the code that needs them. Each is a verb the code calls on a path that
     * needs a particular failure or timing.
     */
    static final Map<String, String> RARE = Map.of(
            "lvs-lvs-operator: get lvs.io virtualservices (cluster)",
            "JOSDK re-reads a VirtualService when the JSON patch of its finalizer conflicts "
                    + "(ResourceOperations.conflictRetryingPatchPrimary)",
            "lvs-node-agent: get lvs.io nodereports (cluster)",
            "the agent re-reads a report whose create answered 409, as it existed already (ReportWriter.create)");

    @Test
    void theComparisonNamesTheGrantsUsedTheGrantsUnusedAndTheRequestsRefused() {
        List<JsonNode> chart = ChartRbac.rbac();
        List<RightsUsage.Request> requests = List.of(
                request(OPERATOR, "watch", "lvs.io", "virtualservices", "", "", "", 200, FABRIC8),
                request(OPERATOR, "update", "lvs.io", "virtualservices", "status", "default", "web", 200, FABRIC8),
                request(AGENT, "get", "apps", "daemonsets", "", "lvs-system", "lvs-node-agent", 200, FABRIC8),
                request(AGENT, "get", "apps", "daemonsets", "", "lvs-system", "other", 403, FABRIC8),
                request(OPERATOR, "update", "lvs.io", "realservers", "", "default", "web-1", 403, FABRIC8),
                request(AGENT, "create", "lvs.io", "nodereports", "", "default", "web.node-a", 201, KUBECTL),
                request(OPERATOR, "get", "", "nodes", "", "", "node-a", 200, FABRIC8),
                request("kubernetes-admin", "delete", "", "nodes", "", "", "node-a", 200, KUBECTL));
        RightsUsage.Report report = RightsUsage.compare(chart, requests);
        List<String> used = report.used().keySet().stream().map(RightsUsage.Grant::toString).toList();
        assertEquals(List.of("lvs-lvs-operator: watch lvs.io virtualservices (cluster)",
                "lvs-lvs-operator: update lvs.io virtualservices/status (cluster)",
                "lvs-node-agent: get apps daemonsets lvs-node-agent (in lvs-system)"), used);
        assertTrue(report.unused().stream().map(RightsUsage.Grant::toString)
                .anyMatch("lvs-lvs-operator: list lvs.io virtualservices (cluster)"::equals), report.toString());
        assertTrue(report.unused().stream().map(RightsUsage.Grant::toString)
                .anyMatch("lvs-node-agent: create lvs.io nodereports (cluster)"::equals),
                "a test's kubectl acting as an agent is not the agent: " + report);
        assertEquals(List.of("system:serviceaccount:lvs-system:lvs-node-agent get apps daemonsets lvs-system/other: 403",
                "system:serviceaccount:lvs-system:lvs-lvs-operator update lvs.io realservers default/web-1: 403"),
                report.refused().stream().map(RightsUsage.Request::toString).toList(),
                "the administrator's requests are not the chart's business");
        assertEquals(List.of("system:serviceaccount:lvs-system:lvs-lvs-operator get nodes node-a: 200"),
                report.ungranted().stream().map(RightsUsage.Request::toString).toList(),
                "allowed when recorded, not granted by the chart now");
    }

    private static final String FABRIC8 = "fabric8-kubernetes-client/7.5.2";
    private static final String KUBECTL = "kubectl/v1.35.2 (linux/amd64) kubernetes/fdc9d74";

    private static RightsUsage.Request request(String user, String verb, String group, String resource,
            String subresource, String namespace, String name, int code, String userAgent) {
        return new RightsUsage.Request(user, verb, group, resource, subresource, namespace, name, "", code,
                code / 100 == 2 ? "allow" : "forbid", userAgent, java.time.Instant.EPOCH);
    }

    @Test
    void aRecordedRunUsedEveryRightTheChartGivesAndNeededNoOther() throws IOException {
        String dir = System.getProperty("lvs.rbac.auditDir", "");
        Assumptions.assumeTrue(!dir.isEmpty() && Files.isDirectory(Path.of(dir)),
                "no recorded run: give -Dlvs.rbac.auditDir=DIR with the audit logs of e2e scenarios run with it");
        List<Path> logs;
        try (Stream<Path> files = Files.list(Path.of(dir))) {
            logs = files.filter(f -> f.toString().endsWith(".audit.log")).sorted().toList();
        }
        Assumptions.assumeTrue(!logs.isEmpty(), "no audit log in " + dir);
        RightsUsage.Report report = RightsUsage.compare(ChartRbac.rbac(), RightsUsage.read(logs));
        System.out.println("the chart's rights against " + logs.size() + " recorded runs:\n" + report);
        assertEquals(List.of(), report.refused().stream().map(RightsUsage.Request::toString).distinct().toList(),
                "requests the chart's roles did not allow");
        assertEquals(List.of(), report.ungranted().stream().map(RightsUsage.Request::toString).distinct().toList(),
                "requests allowed when recorded that the chart's roles no longer allow");
        List<String> unused = report.unused().stream().map(RightsUsage.Grant::toString)
                .filter(g -> !RARE.containsKey(g)).toList();
        assertEquals(List.of(), unused, "rights nothing used: remove them, or name the code that needs them in RARE");
    }
}
