package io.lvs.e2e.agent;

import static io.lvs.e2e.agent.Lab.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.e2e.apiserver.Kubectl;
import io.lvs.e2e.helm.ChartRbac;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The operator rotates the directors' advert key under two live VRRP directors (packaged operator and agents in
 * network namespaces, Local mode, a client asking the VIP every few tens of milliseconds) and nothing moves: no
 * failover, no failed request, no advert dropped. The test plays the kubelets that project the key Secret into each
 * agent's key file, node-b's three seconds behind node-a's, as kubelets refresh mounted Secrets at their own pace.
 */
class VrrpKeyRotationTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Duration ROTATIONS = Duration.ofSeconds(300);
    private static final String VIP = "192.0.2.110";
    /** The chart's empty key Secret, which the operator may read and update (not create). */
    private static final String SECRET = ChartRbac.VRRP_KEY_SECRET;

    @Test
    void theOperatorRotatesTheAdvertKeyTwiceWithoutAFailoverOrAFailedRequest() throws Exception {
        try (Lab lab = Lab.create("kr")) {
            String nodeA = lab.host("node-a", "192.0.2.2");
            String nodeB = lab.host("node-b", "192.0.2.3");
            String client = lab.host("client", "192.0.2.50");
            Kubectl k = lab.startApiServer();
            lab.installCrdsAndAgentDaemonSet();
            lab.registerNode("node-a", Map.of("lvs.io/director", "true"));
            lab.registerNode("node-b", Map.of("lvs.io/director", "true"));
            Lab.Proc operator = lab.startOperator(Map.of("LVS_VRRP_KEYS_SECRET", SECRET,
                    "LVS_VRRP_KEYS_ROTATION", "8s", "LVS_VRRP_KEYS_MIN_STEP", "3s"));
            await("the operator to fill the chart's key Secret", WAIT, () -> !keys(k).isEmpty(), operator);

            Path fileA = lab.dir().resolve("keys-node-a");
            Path fileB = lab.dir().resolve("keys-node-b");
            AtomicBoolean running = new AtomicBoolean(true);
            Thread kubelets = Thread.ofPlatform().daemon().name("kubelets").start(() -> project(k, fileA, fileB, running));
            await("both key files", WAIT, () -> Files.exists(fileA) && Files.exists(fileB));
            Lab.Proc agentA = lab.startAgent("node-a", Map.of("LVS_AGENT_ELECTION", "vrrp",
                    "LVS_AGENT_VRRP_KEY_FILE", fileA.toString()));
            Lab.Proc agentB = lab.startAgent("node-b", Map.of("LVS_AGENT_ELECTION", "vrrp",
                    "LVS_AGENT_VRRP_KEY_FILE", fileB.toString()));
            for (String node : List.of("node-a", "node-b")) {
                lab.nameServer(node, 8080);
            }
            lab.apply("""
                    apiVersion: lvs.io/v1alpha1
                    kind: VirtualService
                    metadata: {name: proxy, namespace: default}
                    spec:
                      vip: %s
                      ports: [{port: 8080}]
                      forwarding: {method: Local}
                      directors:
                        nodeSelector: {matchLabels: {lvs.io/director: "true"}}
                        priorities: [{nodeName: node-a, priority: 150}]
                    """.formatted(VIP));
            await("node-a active and the VirtualService Ready", WAIT, () -> "node-a".equals(Lab.get(k,
                    "virtualservice/proxy", "{.status.activeDirector}")) && "True".equals(Lab.condition(k,
                    "virtualservice/proxy", "Ready")), operator, agentA, agentB);
            Lab.Proc probe = VrrpFailoverTest.probe(lab, client, VIP + ":8080", 0.2);
            await("the client to reach node-a", WAIT, () -> VrrpFailoverTest.answeredAfter(probe, 0, "node-a").isPresent(),
                    probe);
            long t0 = System.currentTimeMillis();
            String dropsBefore = drops(lab, nodeA) + " / " + drops(lab, nodeB);
            assertTrue(drops(lab, nodeA).contains("lvs_agent_vrrp_adverts_dropped_total")
                    && drops(lab, nodeB).contains("lvs_agent_vrrp_adverts_dropped_total"), "the drop counters: " + dropsBefore);

            // two rotations: key 1 -> 2 -> 3, each in three steps behind both agents
            await("two rotations (key 3 alone signs)", ROTATIONS, () -> keys(k).equals("3"), operator, agentA, agentB);
            await("both agents to sign with key 3", WAIT, () -> leaseKeys(k, "node-a").equals("3")
                    && leaseKeys(k, "node-b").equals("3"), agentA, agentB);
            long took = System.currentTimeMillis() - t0;
            running.set(false);
            kubelets.join(5_000);

            List<String> answers = VrrpFailoverTest.answers(probe).stream().filter(a -> a.at() >= t0)
                    .map(VrrpFailoverTest.Answer::who).toList();
            assertTrue(answers.size() > 100, "the client kept asking: " + answers.size());
            System.out.println("VRRP key rotation under two directors: " + answers.size() + " requests over " + took
                    + " ms, answered by " + answers.stream().distinct().toList());
            assertEquals(List.of("node-a"), answers.stream().distinct().toList(),
                    "every answer from node-a: no failover and no failed request during the rotations");
            assertEquals(dropsBefore, drops(lab, nodeA) + " / " + drops(lab, nodeB), "no advert dropped for its key");
            for (Lab.Proc agent : List.of(agentA, agentB)) {
                assertTrue(agent.output().stream().anyMatch(l -> l.contains("VRRP keys changed: signing with key 3")),
                        String.join("\n", agent.output()));
            }
            long steps = k.run("get", "events", "-n", "lvs-system", "-o", "jsonpath={.items[*].reason}").orFail().stdout()
                    .split("VrrpKeyRotation", -1).length - 1;
            assertTrue(steps >= 7, "an Event for the first key and for each of the six steps: " + steps);
        }
    }

    /** The Secret's key ids, comma-separated in file order ("" while there is none). */
    private static String keys(Kubectl k) {
        String text = secretText(k);
        return String.join(",", text.lines().filter(l -> l.contains(":")).map(l -> l.substring(0, l.indexOf(':'))).toList());
    }

    private static String secretText(Kubectl k) {
        var r = k.run("get", "secret", "-n", "lvs-system", SECRET, "-o", "jsonpath={.data.keys}");
        return r.succeeded() && !r.stdout().isBlank()
                ? new String(Base64.getDecoder().decode(r.stdout().strip()), StandardCharsets.UTF_8) : "";
    }

    /** The key ids node's agent reports on its Lease. */
    private static String leaseKeys(Kubectl k, String node) {
        var r = k.run("get", "lease", "-n", "lvs-system", "lvs-agent-" + node, "-o",
                "jsonpath={.metadata.annotations.lvs\\.io/vrrp-key-ids}");
        return r.succeeded() ? r.stdout().strip() : "";
    }

    /** The agent's dropped-advert counters, as its /metrics lists them. */
    private static String drops(Lab lab, String ns) {
        return String.join(" ", lab.in(ns, "curl", "-s", "http://127.0.0.1:9470/metrics").lines()
                .filter(l -> l.startsWith("lvs_agent_vrrp_adverts_dropped_total")).sorted().toList());
    }

    /** The kubelets: every second the Secret's text goes to node-a's file, and what node-a had 3 s ago to node-b's. */
    private static void project(Kubectl k, Path a, Path b, AtomicBoolean running) {
        Deque<String> history = new ArrayDeque<>();
        while (running.get()) {
            try {
                String text = secretText(k);
                if (!text.isEmpty()) {
                    history.addLast(text);
                    write(a, text);
                    write(b, history.size() > 3 ? history.removeFirst() : history.getFirst());
                }
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                System.out.println("kubelets: " + e);
            }
        }
    }

    /** Replaces the file at once, as the kubelet swaps a Secret volume's symlink. */
    private static void write(Path f, String text) throws java.io.IOException {
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
