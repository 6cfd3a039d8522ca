package io.lvs.e2e.agent;

import static io.lvs.e2e.agent.Lab.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.e2e.apiserver.Kubectl;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The packaged agent as the director of a whole node with its own kernel (a User-mode Linux guest with IPVS, its eth0
 * a tap on the lab bridge), the repository's DR and NAT examples applied with the real kubectl to the embedded API
 * server on the host side, real servers and a client in namespaces on the same bridge (the DR servers' nodes run their
 * own agents; see {@link DrNatLab}): traffic through both VIPs reaches the real servers, the kernel's counters reach
 * the agent's metrics, a real server whose health check fails leaves the rotation and comes back, {@code kubectl get
 * lvs} tells the truth, {@code ipvsadm -C} by hand is undone, deleting an example takes its entries out, and an
 * uninstall leaves the guest's IPVS table and the real servers' loopbacks as they were.
 */
class AgentInGuestTest {
    private static final Duration WAIT = Duration.ofSeconds(240);

    @Test
    void drAndNatExamplesAreServedByAnAgentDirectingAGuestKernel() throws Exception {
        try (DrNatLab l = DrNatLab.create()) {
            Lab lab = l.lab;
            Kubectl k = l.kubectl;
            l.example("apply", "direct-routing.yaml");
            l.example("apply", "nat.yaml");
            for (String vs : List.of("web", "api")) {
                await(vs + " to be Programmed and Ready on the guest", WAIT,
                        () -> "True".equals(Lab.condition(k, "virtualservice/" + vs, "Programmed"))
                                && "True".equals(Lab.condition(k, "virtualservice/" + vs, "Ready")), l.guest, l.operator);
            }
            await("the DR VIP to reach both real servers", WAIT,
                    () -> l.seen(DrNatLab.DR_VIP, 8).containsAll(Set.of("worker-1", "worker-2")), l.guest);
            await("the NAT VIP to reach both real servers", WAIT,
                    () -> l.seen(DrNatLab.NAT_VIP, 8).containsAll(Set.of("nat-1", "nat-2")), l.guest);
            assertEquals("1", lab.in(lab.ns("worker-1"), "sysctl", "-n", "net.ipv4.conf.eth0.arp_ignore").strip());
            assertTrue(lab.in(lab.ns("worker-2"), "ip", "-o", "addr", "show", "dev", "lo").contains("192.0.2.10/32"));
            // the kernel's counters, read with the table the loop reads anyway, per VirtualService and RealServer
            await("the guest agent's metrics to count web's connections", WAIT,
                    () -> counter(l.agentMetrics(), "lvs_ipvs_connections_total", "virtualservice=\"web\"") > 0
                            && counter(l.agentMetrics(), "lvs_ipvs_realserver_connections_total",
                            "realserver=\"api-1\"") > 0, l.guest);

            // a DR real server stops answering: its HTTP check fails, it leaves the rotation; back when it answers
            l.stopServer("worker-2");
            await("web-2 to be unhealthy", WAIT, () -> "False".equals(Lab.condition(k, "realserver/web-2", "Healthy")),
                    l.guest);
            await("the guest agent's metrics to show web-2 down", WAIT, () -> l.agentMetrics().contains(
                    "lvs_healthcheck_up{namespace=\"default\",virtualservice=\"web\",realserver=\"web-2\",port=\"80\"} 0"),
                    l.guest);
            await("every request to go to worker-1", WAIT,
                    () -> l.answers(DrNatLab.DR_VIP, 10).stream().allMatch("worker-1"::equals), l.guest);
            l.startServer("worker-2");
            await("web-2 to be healthy again", WAIT, () -> "True".equals(Lab.condition(k, "realserver/web-2", "Healthy")),
                    l.guest);
            await("worker-2 back in the rotation", WAIT, () -> l.seen(DrNatLab.DR_VIP, 8).contains("worker-2"), l.guest);
            assertTrue(l.agentMetrics().contains(
                    "lvs_healthcheck_up{namespace=\"default\",virtualservice=\"web\",realserver=\"web-2\",port=\"80\"} 1"));

            // drift: the guest's IPVS table emptied by hand (ipvsadm -C, as kube-proxy in IPVS mode does to services it
            // did not create); the agent's periodic read notices and restores it, counted as repairs
            double repairsBefore = counter(l.agentMetrics(), "lvs_agent_drift_repairs_total", "");
            System.out.println("AgentInGuestTest: " + l.flushGuestTable(WAIT));
            await("the repairs to be counted", WAIT, () -> counter(l.agentMetrics(), "lvs_agent_drift_repairs_total", "")
                    > repairsBefore, l.guest);
            await("both VIPs to answer again", WAIT, () -> l.seen(DrNatLab.DR_VIP, 4).contains("worker-1")
                    && !l.seen(DrNatLab.NAT_VIP, 4).contains(""), l.guest);

            // what a user reads
            String table = k.run("get", "lvs", "-n", "default", "-o", "wide").orFail().stdout();
            assertTrue(table.contains("PROGRAMMED") && table.contains("HEALTHY"), table);
            for (String vs : List.of("web", "api")) {
                String row = table.lines().filter(r -> r.startsWith("virtualservice.lvs.io/" + vs + " ")).findFirst()
                        .orElseThrow(() -> new AssertionError(vs + " is not listed:\n" + table));
                assertTrue(row.contains(" node-a ") && row.contains(" 2/2 ") && row.contains(" True "), row);
            }
            for (String rs : List.of("web-1", "web-2", "api-1", "api-2")) {
                assertEquals("True", Lab.condition(k, "realserver/" + rs, "Healthy"), rs + ":\n" + table);
            }

            // the director runs the IPVS connection-sync daemons both ways, as ipvsadm in the guest lists them
            await("the sync daemons to run", WAIT, () -> lastSyncLine(l).contains("master sync daemon (mcast=eth0, "
                    + "syncid=0") && lastSyncLine(l).contains("backup sync daemon (mcast=eth0, syncid=0"), l.guest);
            // their multicast group, port and TTL follow the VirtualServices (both, so neither is told it differs)
            for (String vs : List.of("web", "api")) {
                k.run("patch", "virtualservice", vs, "-n", "default", "--type", "merge", "-p",
                        "{\"spec\":{\"failover\":{\"connectionSync\":{\"group\":\"233.252.0.81\",\"port\":9000,\"ttl\":2}}}}")
                        .orFail();
            }
            await("the sync daemons to run with group 233.252.0.81, port 9000, TTL 2", WAIT, () -> {
                List<String> daemons = java.util.Arrays.stream(lastSyncLine(l).split(";"))
                        .filter(line -> line.contains("sync daemon (")).toList();
                return daemons.size() == 2 && daemons.stream().allMatch(line -> line.contains("group=233.252.0.81")
                        && line.contains("port=9000") && line.contains("ttl=2"));
            }, l.guest);
            await("web and api to be Programmed with the new settings", WAIT,
                    () -> "True".equals(Lab.condition(k, "virtualservice/web", "Programmed"))
                            && "True".equals(Lab.condition(k, "virtualservice/api", "Programmed")), l.guest);

            // deleting the NAT example takes its part out of the guest's table (the deletion path)
            l.example("delete", "nat.yaml");
            await("the NAT VIP to stop answering", WAIT, () -> lab.curl(l.client, DrNatLab.NAT_VIP).isEmpty(), l.guest);
            await("api to be gone", WAIT, () -> k.run("get", "virtualservices", "-n", "default", "-o", "name").stdout()
                    .strip().equals("virtualservice.lvs.io/web"), l.operator, l.guest);

            // uninstall with the DR example still applied: the chart's DaemonSet goes, every agent gets SIGTERM, finds
            // its DaemonSet gone and removes exactly what it added (IPVS entries, sync daemons, VIPs, sysctls)
            k.run("delete", "daemonset", "-n", "lvs-system", "lvs-node-agent").orFail();
            for (Lab.Proc worker : l.workerAgents) {
                assertEquals(143, worker.stop(WAIT), String.join("\n", worker.output()));
                assertTrue(worker.output().stream().anyMatch(line -> line.contains("removed everything this agent added")),
                        String.join("\n", worker.output()));
            }
            for (String worker : List.of("worker-1", "worker-2")) {
                assertTrue(!lab.in(lab.ns(worker), "ip", "-o", "addr", "show", "dev", "lo").contains("192.0.2.10"),
                        worker + " keeps no VIP on lo");
                assertEquals("0", lab.in(lab.ns(worker), "sysctl", "-n", "net.ipv4.conf.eth0.arp_ignore").strip(),
                        worker + "'s ARP settings are restored");
            }
            List<String> out = l.stopGuest(WAIT);
            assertTrue(out.contains("RESULT: PASS"), String.join("\n", out));
            assertTrue(out.stream().anyMatch(line -> line.contains("removed everything this agent added")),
                    String.join("\n", out));
            int at = out.indexOf("[node-a] IPVS table after the agent stopped:");
            List<String> after = out.subList(at + 1, out.indexOf("RESULT: PASS"));
            assertTrue(after.stream().noneMatch(r -> r.startsWith("TCP") || r.contains("->  ")),
                    "the uninstalled agent leaves the guest's IPVS table empty:\n" + String.join("\n", after));
            assertTrue(after.stream().filter(r -> r.startsWith("[node-a] sync daemons after")).allMatch(
                    r -> !r.contains("sync daemon (")), "and no sync daemon:\n" + String.join("\n", after));
        }
    }

    /** The guest's last report of its sync daemons (ipvsadm -L --daemon, lines joined by ';'), or "". */
    private static String lastSyncLine(DrNatLab l) {
        List<String> out = l.guest.output();
        for (int i = out.size() - 1; i >= 0; i--) {
            if (out.get(i).startsWith("[node-a] sync daemons:")) {
                return out.get(i);
            }
        }
        return "";
    }

    /** The sum of a Prometheus counter's samples whose labels contain {@code label} ("": also a sample without labels). */
    static double counter(String metrics, String name, String label) {
        Pattern p = Pattern.compile("^" + Pattern.quote(name) + "(?:\\{([^}]*)\\})? (\\S+)$", Pattern.MULTILINE);
        Matcher m = p.matcher(metrics);
        double sum = 0;
        while (m.find()) {
            if (m.group(1) == null ? label.isEmpty() : m.group(1).contains(label)) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }
}
