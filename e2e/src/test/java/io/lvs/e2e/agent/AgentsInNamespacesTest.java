package io.lvs.e2e.agent;

import static io.lvs.e2e.agent.Lab.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.e2e.apiserver.Kubectl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged node agents, each in its own node's network namespace on the host kernel, with the embedded API server,
 * the packaged operator and the real kubectl: what a user applies becomes kernel state on the right nodes, status
 * tells the truth, and deleting gives every node back as it was. (The host kernel has no IPVS: directors report that
 * for IPVS modes, and Local mode, which needs none, serves for real; IPVS traffic is proven in the guest scenarios.)
 */
class AgentsInNamespacesTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void localDirectorsAndADirectRoutingRealServerNodeFromKubectlApplyToUninstall() throws Exception {
        try (Lab lab = Lab.create("ag")) {
            String nodeA = lab.host("node-a", "192.0.2.2");
            String nodeB = lab.host("node-b", "192.0.2.3");
            String worker = lab.host("worker-1", "192.0.2.21");
            String client = lab.host("client", "192.0.2.50");
            Kubectl k = lab.startApiServer();
            lab.installCrdsAndAgentDaemonSet();
            lab.registerNode("node-a", Map.of("lvs.io/director", "true"));
            lab.registerNode("node-b", Map.of("lvs.io/director", "true"));
            lab.registerNode("worker-1", Map.of());
            Lab.Proc operator = lab.startOperator();
            Lab.Proc agentA = lab.startAgent("node-a", Map.of());
            Lab.Proc agentB = lab.startAgent("node-b", Map.of());
            Lab.Proc agentW = lab.startAgent("worker-1", Map.of());
            // each director node runs a small local proxy answering on any local address (the VIP when it holds it)
            for (String n : new String[] {"node-a", "node-b"}) {
                Path www = Files.createDirectories(lab.dir().resolve("www-" + n));
                Files.writeString(www.resolve("index.html"), n + "\n");
                lab.background("httpd-" + n, lab.ns(n), "busybox", "httpd", "-f", "-p", "8080", "-h", www.toString());
            }

            // Local mode: the highest-priority live director holds the VIP; the client reaches its proxy
            lab.apply("""
                    apiVersion: lvs.io/v1alpha1
                    kind: VirtualService
                    metadata: {name: proxy, namespace: default}
                    spec:
                      vip: 192.0.2.100
                      ports: [{port: 8080}]
                      forwarding: {method: Local}
                      directors:
                        nodeSelector: {matchLabels: {lvs.io/director: "true"}}
                        priorities: [{nodeName: node-a, priority: 150}]
                    """);
            await("proxy to be Ready on node-a", WAIT, () -> "node-a".equals(Lab.get(k, "virtualservice/proxy",
                    "{.status.activeDirector}")) && "True".equals(Lab.condition(k, "virtualservice/proxy", "Ready")),
                    operator, agentA, agentB);
            await("the client to reach node-a's proxy through the VIP", WAIT,
                    () -> lab.curl(client, "192.0.2.100:8080").equals("node-a"), agentA);
            assertEquals("True", Lab.condition(k, "virtualservice/proxy", "Programmed"));
            assertTrue(lab.in(nodeB, "ip", "-o", "addr", "show", "dev", "eth0").contains("192.0.2.100") == false,
                    "the standby does not hold the VIP");

            // DirectRouting: the real server's node gets the VIP on lo with ARP silenced; the directors say they
            // cannot program IPVS on this kernel, which is the truth here
            lab.apply("""
                    apiVersion: lvs.io/v1alpha1
                    kind: VirtualService
                    metadata: {name: web, namespace: default}
                    spec:
                      vip: 192.0.2.10
                      ports: [{port: 80}]
                      realServerSelector: {matchLabels: {app: web}}
                      directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                    ---
                    apiVersion: lvs.io/v1alpha1
                    kind: RealServer
                    metadata: {name: web-1, namespace: default, labels: {app: web}}
                    spec: {address: 192.0.2.21}
                    """);
            await("the VIP on worker-1's lo", WAIT, () -> lab.in(worker, "ip", "-o", "addr", "show", "dev", "lo")
                    .contains("192.0.2.10/32"), agentW);
            assertEquals("1", lab.in(worker, "sysctl", "-n", "net.ipv4.conf.eth0.arp_ignore").strip());
            assertEquals("2", lab.in(worker, "sysctl", "-n", "net.ipv4.conf.eth0.arp_announce").strip());
            await("web's Programmed condition to name the missing IPVS", WAIT, () -> {
                String m = Lab.get(k, "virtualservice/web", "{.status.conditions[?(@.type==\"Programmed\")].message}");
                return m.contains("has no IPVS") && m.contains("modprobe ip_vs");
            }, operator);
            assertEquals("RealServer", Lab.get(k, "nodereport/web.worker-1", "{.status.role}"));

            // steady state: no NodeReport writes for a while
            String before = reportVersions(k);
            Thread.sleep(5_000);
            assertEquals(before, reportVersions(k), "NodeReports are not rewritten while nothing changes");

            // the active director's node dies: its agent is killed and its link goes down; node-b takes over when
            // node-a's Lease lapses (the interim rule; director election over the network replaces it)
            agentA.kill();
            lab.in(nodeA, "ip", "link", "set", "eth0", "down");
            await("node-b to take the VIP", Duration.ofSeconds(120),
                    () -> lab.curl(client, "192.0.2.100:8080").equals("node-b"), agentB);
            await("status to say so", WAIT, () -> "node-b".equals(Lab.get(k, "virtualservice/proxy",
                    "{.status.activeDirector}")), operator);

            // deleting the VirtualServices gives the nodes back as they were
            k.run("delete", "virtualservice", "proxy", "web", "--wait=false").orFail();
            await("the VIP to leave worker-1's lo", WAIT, () -> !lab.in(worker, "ip", "-o", "addr", "show", "dev", "lo")
                    .contains("192.0.2.10"), agentW);
            // the address and the sysctls are separate steps of a pass: wait for the second too
            await("arp_ignore restored on worker-1", WAIT, () -> lab.in(worker, "sysctl", "-n",
                    "net.ipv4.conf.eth0.arp_ignore").strip().equals("0"), agentW);
            await("the VIP to leave node-b", WAIT, () -> !lab.in(nodeB, "ip", "-o", "addr", "show", "dev", "eth0")
                    .contains("192.0.2.100"), agentB);
            await("the VirtualServices to be gone", WAIT, () -> k.run("get", "virtualservices", "-o", "name").stdout()
                    .isBlank(), operator);

            // uninstall: the DaemonSet goes, then its agents get SIGTERM and remove everything they recorded
            lab.apply("""
                    apiVersion: lvs.io/v1alpha1
                    kind: VirtualService
                    metadata: {name: again, namespace: default}
                    spec:
                      vip: 192.0.2.11
                      ports: [{port: 80}]
                      realServerSelector: {matchLabels: {app: web}}
                      directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                    """);
            k.run("label", "realserver", "web-1", "app=web", "--overwrite").orFail();
            await("worker-1 to hold the new VIP", WAIT, () -> lab.in(worker, "ip", "-o", "addr", "show", "dev", "lo")
                    .contains("192.0.2.11/32"), agentW);
            k.run("delete", "daemonset", "-n", "lvs-system", "lvs-node-agent").orFail();
            assertEquals(143, agentW.stop(Duration.ofSeconds(30)));
            assertTrue(!lab.in(worker, "ip", "-o", "addr", "show", "dev", "lo").contains("192.0.2.11"),
                    "an uninstalled agent leaves no VIP behind");
            assertEquals("0", lab.in(worker, "sysctl", "-n", "net.ipv4.conf.eth0.arp_ignore").strip());
            assertTrue(agentW.output().stream().anyMatch(l -> l.contains("removed everything this agent added")),
                    String.join("\n", agentW.output()));
        }
    }

    private static String reportVersions(Kubectl k) {
        return k.run("get", "nodereports", "-A", "-o", "jsonpath={range .items[*]}{.metadata.name}={.metadata"
                + ".resourceVersion} {end}").orFail().stdout();
    }
}
