package io.lvs.e2e.agent;

import static io.lvs.e2e.agent.Lab.await;
import static io.lvs.e2e.agent.VrrpFailoverTest.answeredAfter;
import static io.lvs.e2e.agent.VrrpFailoverTest.answers;
import static io.lvs.e2e.agent.VrrpFailoverTest.settled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.e2e.apiserver.Kubectl;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Three VRRP directors of one VIP (packaged agents in namespaces, Local mode, priorities 150 / 120 / 100, default
 * timers) and a client probing the VIP. Exactly one holds the VIP; when it dies the next priority takes over, not the
 * lowest; when that one dies too the last takes over; when the first comes back it takes the VIP back (preempt) and the
 * others hold nothing. The times from each kill to the next director's first answer are printed.
 */
class ThreeDirectorsTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String VIP = "192.0.2.105";
    private static final List<String> NODES = List.of("node-a", "node-b", "node-c");

    @Test
    void theVipGoesDownThePriorityListAndBackToTheFirst() throws Exception {
        try (Lab lab = Lab.create("v3")) {
            Map<String, String> ns = new HashMap<>();
            for (int i = 0; i < NODES.size(); i++) {
                ns.put(NODES.get(i), lab.host(NODES.get(i), "192.0.2." + (2 + i)));
            }
            String client = lab.host("client", "192.0.2.50");
            Kubectl k = lab.startApiServer();
            lab.installCrdsAndAgentDaemonSet();
            Map<String, String> env = Map.of("LVS_AGENT_ELECTION", "vrrp", "LVS_AGENT_VRRP_KEY_FILE",
                    lab.vrrpKeyFile().toString());
            Map<String, Lab.Proc> agents = new HashMap<>();
            for (String node : NODES) {
                lab.registerNode(node, Map.of("lvs.io/director", "true"));
            }
            Lab.Proc operator = lab.startOperator();
            for (String node : NODES) {
                agents.put(node, lab.startAgent(node, env));
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
                        priorities: [{nodeName: node-a, priority: 150}, {nodeName: node-b, priority: 120},
                                     {nodeName: node-c, priority: 100}]
                    """.formatted(VIP));
            await("node-a active and the VirtualService Ready", WAIT, () -> "node-a".equals(Lab.get(k,
                    "virtualservice/proxy", "{.status.activeDirector}")) && "True".equals(Lab.condition(k,
                    "virtualservice/proxy", "Ready")), operator, agents.get("node-a"), agents.get("node-b"),
                    agents.get("node-c"));
            Lab.Proc probe = VrrpFailoverTest.probe(lab, client, VIP + ":8080", 0.1);
            await("the client to settle on node-a", WAIT, () -> settled(probe, "node-a"), probe);
            assertEquals(List.of("node-a"), holders(lab, ns), "exactly one director holds the VIP");

            long t1 = kill(lab, ns, agents, "node-a");
            await("node-b (priority 120) to take over", WAIT, () -> settled(probe, "node-b"), agents.get("node-b"), probe);
            long toB = answeredAfter(probe, t1, "node-b").getAsLong() - t1;
            assertTrue(answers(probe).stream().noneMatch(a -> a.at() >= t1 && a.who().equals("node-c")),
                    "node-c (priority 100) never answered while node-b took over");
            assertEquals(List.of("node-b"), holders(lab, ns));

            long t2 = kill(lab, ns, agents, "node-b");
            await("node-c to take over", WAIT, () -> settled(probe, "node-c"), agents.get("node-c"), probe);
            long toC = answeredAfter(probe, t2, "node-c").getAsLong() - t2;
            assertEquals(List.of("node-c"), holders(lab, ns));

            lab.in(ns.get("node-a"), "ip", "link", "set", "eth0", "up");
            agents.put("node-a", lab.startAgent("node-a", env));
            await("node-a to take the VIP back", WAIT, () -> settled(probe, "node-a"), agents.get("node-a"), probe);
            await("node-c to let go", WAIT, () -> holders(lab, ns).equals(List.of("node-a")), agents.get("node-c"));
            await("the status to name node-a and count the moves", WAIT, () -> "node-a".equals(Lab.get(k,
                    "virtualservice/proxy", "{.status.activeDirector}")), operator);
            System.out.println("three directors, default timers: ms from a kill to the next director's first answer: "
                    + "node-a -> node-b " + toB + ", node-b -> node-c " + toC + "; failovers in status: "
                    + Lab.get(k, "virtualservice/proxy", "{.status.failovers}"));
        }
    }

    /** Kills {@code node}'s agent and takes its link down with the VIP gone, as a node lost; returns when. */
    private static long kill(Lab lab, Map<String, String> ns, Map<String, Lab.Proc> agents, String node) throws Exception {
        long t = System.currentTimeMillis();
        agents.get(node).kill();
        lab.in(ns.get(node), "ip", "link", "set", "eth0", "down");
        lab.tryIn(ns.get(node), "ip", "addr", "del", VIP + "/32", "dev", "eth0");
        return t;
    }

    /** The directors whose eth0 holds the VIP. */
    private static List<String> holders(Lab lab, Map<String, String> ns) {
        return NODES.stream().filter(n -> lab.in(ns.get(n), "ip", "-o", "addr", "show", "dev", "eth0").contains(VIP + "/"))
                .toList();
    }
}
