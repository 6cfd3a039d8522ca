package io.lvs.e2e.agent;

import io.lvs.e2e.apiserver.Kubectl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lab the repository's DR and NAT examples ({@code crds/examples/direct-routing.yaml}, {@code nat.yaml}) run in:
 * director {@code node-a} is a User-mode Linux guest (its own kernel with IPVS) on the bridge at 192.0.2.2, also the
 * gateway 198.51.100.1 of the NAT real servers; DR real servers {@code worker-1} (192.0.2.21) and {@code worker-2}
 * (192.0.2.22) are nodes with their own agents; NAT real servers {@code nat-1} (198.51.100.11) and {@code nat-2}
 * (198.51.100.12) are plain hosts; a {@code client} at 192.0.2.50. Every real server runs a web server answering its
 * name on {@code /} and "ok" on {@code /healthz}. Used by {@link AgentInGuestTest} and the local demo.
 */
public final class DrNatLab implements AutoCloseable {
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final String DR_VIP = "192.0.2.10";
    static final String NAT_VIP = "192.0.2.20";

    final Lab lab;
    final Kubectl kubectl;
    final Lab.Proc guest;
    final Lab.Proc operator;
    /** The DR real-server nodes' agents (worker-1, worker-2), in namespaces on the host. */
    final List<Lab.Proc> workerAgents = new ArrayList<>();
    final String client;
    private final Path control;
    private final Map<String, Lab.Proc> servers = new HashMap<>();

    private DrNatLab(Lab lab) throws IOException {
        this.lab = lab;
        client = lab.host("client", "192.0.2.50");
        lab.host("worker-1", "192.0.2.21");
        lab.host("worker-2", "192.0.2.22");
        // NAT real servers: their own subnet, the director (the guest's second address) as their gateway
        for (String n : List.of("nat-1", "nat-2")) {
            String ns = lab.host(n, n.equals("nat-1") ? "198.51.100.11" : "198.51.100.12");
            lab.in(ns, "ip", "route", "add", "default", "via", "198.51.100.1");
        }
        kubectl = lab.startApiServer();
        lab.installCrdsAndAgentDaemonSet(false);
        example("apply", "vip-pool.yaml"); // the administrator's part: which VIPs the examples' namespace may use

        lab.registerNode("node-a", Map.of("lvs.io/director", "true")); // before its agent's token, bound to it
        lab.registerNode("worker-1", Map.of());
        lab.registerNode("worker-2", Map.of());

        // the guest's script: eth0 on the bridge, the agent until asked to stop (printing the IPVS sync daemons as
        // ipvsadm lists them whenever they change), then the table it left
        control = Files.createDirectories(lab.dir().resolve("control"));
        lab.background("control", lab.ns("lab"), "busybox", "httpd", "-f", "-p", Lab.GATEWAY + ":8099", "-h",
                control.toString());
        Path agentJar = REPO.resolve("node-agent/target/lvs-node-agent.jar");
        if (!Files.isRegularFile(agentJar)) {
            throw new AssertionError("the node agent is not packaged: ./mvnw -B -pl node-agent -am package -DskipTests");
        }
        guest = lab.guest("node-a", "192.0.2.2", """
                set -u
                ip link set eth0 up
                ip addr add 192.0.2.2/24 dev eth0
                ip addr add 198.51.100.1/24 dev eth0
                mkdir -p /run/lvs-agent
                echo "[node-a] starting the agent"
                env NODE_NAME=node-a POD_NAMESPACE=lvs-system KUBECONFIG=%s LVS_AGENT_STATE_DIR=/run/lvs-agent \\
                    LVS_AGENT_HTTP_ADDRESS=0.0.0.0 LVS_AGENT_HTTP_PORT=9470 \\
                    "$LVS_JAVA_HOME/bin/java" -XX:+UseSerialGC -Xmx96m -XX:TieredStopAtLevel=1 -jar %s run &
                agent=$!
                last=""
                until busybox wget -q -O /dev/null http://%s:8099/stop 2>/dev/null; do
                  kill -0 "$agent" 2>/dev/null || { echo "[node-a] the agent exited"; exit 1; }
                  if [ -z "${flushed:-}" ] && busybox wget -q -O /dev/null http://%s:8099/flush 2>/dev/null; then
                    flushed=1; n=$(ipvsadm -Ln | grep -c '^TCP'); t0=$(date +%%s%%3N); ipvsadm -C
                    until [ "$(ipvsadm -Ln | grep -c '^TCP')" -ge "$n" ]; do sleep 0.02; done
                    echo "[node-a] ipvsadm -C: the agent restored $n services after $(( $(date +%%s%%3N) - t0 )) ms"
                  fi
                  d=$(ipvsadm -L --daemon 2>&1 | tr '\n' ';')
                  [ "$d" != "$last" ] && echo "[node-a] sync daemons: $d"
                  last=$d
                  sleep 1
                done
                echo "[node-a] agent $(grep VmRSS /proc/$agent/status | tr -s ' \t' ' ')"
                kill -TERM "$agent"; wait "$agent"; echo "[node-a] agent exit=$?"
                echo "[node-a] IPVS table after the agent stopped:"
                ipvsadm -Ln
                echo "[node-a] sync daemons after the agent stopped: $(ipvsadm -L --daemon 2>&1 | tr '\n' ';')"
                echo "RESULT: PASS"
                """.formatted(lab.agentKubeconfig("node-a"), agentJar, Lab.GATEWAY, Lab.GATEWAY), Duration.ofMinutes(15));
        operator = lab.startOperator();
        workerAgents.add(lab.startAgent("worker-1", Map.of()));
        workerAgents.add(lab.startAgent("worker-2", Map.of()));
        for (String n : List.of("worker-1", "worker-2", "nat-1", "nat-2")) {
            Path www = Files.createDirectories(lab.dir().resolve("www-" + n));
            Files.writeString(www.resolve("index.html"), n + "\n");
            Files.writeString(www.resolve("healthz"), "ok\n");
            startServer(n);
        }
    }

    /** Builds the lab (skips the caller's test when not root). */
    public static DrNatLab create() throws IOException {
        Lab lab = Lab.create("gu");
        try {
            return new DrNatLab(lab);
        } catch (RuntimeException | Error | IOException e) {
            lab.close();
            throw e;
        }
    }

    /** {@code kubectl apply} (or {@code delete}) of an example under {@code crds/examples}. */
    void example(String verb, String file) {
        List<String> args = new ArrayList<>(List.of(verb, "-n", "default", "-f",
                REPO.resolve("crds/examples/" + file).toString()));
        args.add(verb.equals("apply") ? "--validate=false" : "--wait=false");
        kubectl.run(args.toArray(String[]::new)).orFail();
    }

    /** Stops real server {@code name}'s web server: it refuses connections, as a crashed server does. */
    void stopServer(String name) throws InterruptedException {
        servers.remove(name).stop(Duration.ofSeconds(10));
    }

    /** Starts real server {@code name}'s web server. */
    void startServer(String name) {
        int port = name.startsWith("nat") ? 8080 : 80;
        servers.put(name, lab.background("httpd-" + name, lab.ns(name), "busybox", "httpd", "-f", "-p",
                Integer.toString(port), "-h", lab.dir().resolve("www-" + name).toString()));
    }

    /** {@code n} requests from the client to {@code vip}: each answer ("" for a failed request). */
    List<String> answers(String vip, int n) {
        List<String> a = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            a.add(lab.curl(client, vip));
        }
        return a;
    }

    Set<String> seen(String vip, int n) {
        return new HashSet<>(answers(vip, n));
    }

    /** The guest agent's Prometheus metrics, read from the lab (the agent listens on the node's address). */
    String agentMetrics() {
        return lab.tryIn(lab.ns("lab"), "curl", "-s", "--max-time", "5", "http://192.0.2.2:9470/metrics").out();
    }

    /**
     * Asks the guest's script to empty its IPVS table by hand ({@code ipvsadm -C}, as kube-proxy or an administrator
     * might) and to report when the agent has put it back; returns that report line.
     */
    String flushGuestTable(Duration within) throws IOException {
        Files.writeString(control.resolve("flush"), "flush\n");
        Lab.await("the guest agent to restore its table after ipvsadm -C", within,
                () -> guest.output().stream().anyMatch(l -> l.contains("ipvsadm -C: the agent restored")), guest);
        return guest.output().stream().filter(l -> l.contains("ipvsadm -C: the agent restored")).findFirst().orElseThrow();
    }

    /** Asks the guest's script to stop the agent and print the IPVS table; waits for the guest to halt. */
    List<String> stopGuest(Duration within) throws IOException {
        Files.writeString(control.resolve("stop"), "stop\n");
        Lab.await("the guest to halt", within, () -> !guest.alive());
        return guest.output();
    }

    @Override
    public void close() {
        lab.close();
    }
}
