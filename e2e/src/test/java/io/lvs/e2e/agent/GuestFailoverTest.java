package io.lvs.e2e.agent;

import static io.lvs.e2e.agent.Lab.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.e2e.apiserver.Kubectl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two directors that are whole nodes: User-mode Linux guests with their own kernels and IPVS tables on one bridge,
 * each running the packaged agent with VRRP election; a DR real server and a client are namespaces on the host side.
 * A long-lived TCP connection through the VIP (the client sends a numbered line every 50 ms, the real server echoes
 * it) survives killing the active guest (failover: the standby's sync backup daemon already holds the connection)
 * and booting it again (failback, after the VirtualService's preempt delay, during which the returning node's backup
 * daemon learns the connection): the same real server, no reset, the echoes keep coming.
 */
class GuestFailoverTest {
    private static final Duration WAIT = Duration.ofSeconds(600);
    private static final String VIP = "192.0.2.10";
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    /** A threaded echo server: one line per accepted connection, then each line back. */
    private static final String ECHO_SERVER = """
            import socket, sys, threading
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("0.0.0.0", 9000)); s.listen(16)
            def serve(c, a):
                f = c.makefile("rwb", buffering=0)
                for line in f:
                    f.write(line)
            while True:
                c, a = s.accept()
                print("conn from", a[0], flush=True)
                threading.Thread(target=serve, args=(c, a), daemon=True).start()
            """;

    /** One connection to the VIP; a numbered line every 50 ms; prints every 20th echo; ERROR and exit on failure. */
    private static final String STREAM_CLIENT = """
            import socket, sys, time
            c = socket.create_connection((sys.argv[1], 9000), timeout=5)
            c.settimeout(30)
            f = c.makefile("rwb", buffering=0)
            n = 0
            try:
                while True:
                    n += 1
                    f.write(b"%d\\n" % n)
                    back = f.readline()
                    if back.strip() != b"%d" % n:
                        print("ERROR wrong echo", back, flush=True); sys.exit(1)
                    if n % 20 == 0:
                        print("echo", n, int(time.time() * 1000), flush=True)
                    time.sleep(0.05)
            except Exception as e:
                print("ERROR", repr(e), flush=True); sys.exit(1)
            """;

    private Lab lab;
    private Path control;

    @Test
    void aLongLivedConnectionSurvivesFailoverAndFailbackBetweenTwoKernels() throws Exception {
        try (Lab l = Lab.create("gf")) {
            lab = l;
            String client = lab.host("client", "192.0.2.50");
            String worker = lab.host("worker-1", "192.0.2.21");
            Kubectl k = lab.startApiServer();
            lab.installCrdsAndAgentDaemonSet();
            control = Files.createDirectories(lab.dir().resolve("control"));
            lab.background("control", lab.ns("lab"), "busybox", "httpd", "-f", "-p", Lab.GATEWAY + ":8099", "-h",
                    control.toString());

            lab.registerNode("node-a", Map.of("lvs.io/director", "true"));
            lab.registerNode("node-b", Map.of("lvs.io/director", "true"));
            lab.registerNode("worker-1", Map.of());
            Lab.Proc nodeA = director("node-a", "192.0.2.2");
            Lab.Proc nodeB = director("node-b", "192.0.2.3");
            Lab.Proc operator = lab.startOperator();
            Lab.Proc agentW = lab.startAgent("worker-1", Map.of());
            Path py = Files.writeString(lab.dir().resolve("echo.py"), ECHO_SERVER);
            Lab.Proc server = lab.background("echo", worker, "python3", "-u", py.toString());
            lab.apply("""
                    apiVersion: lvs.io/v1alpha1
                    kind: VirtualService
                    metadata: {name: stream, namespace: default}
                    spec:
                      vip: %s
                      ports: [{port: 9000}]
                      realServerSelector: {matchLabels: {app: stream}}
                      directors:
                        nodeSelector: {matchLabels: {lvs.io/director: "true"}}
                        priorities: [{nodeName: node-a, priority: 150}]
                      failover: {preemptDelay: 20s}
                    ---
                    apiVersion: lvs.io/v1alpha1
                    kind: RealServer
                    metadata: {name: stream-1, namespace: default, labels: {app: stream}}
                    spec: {address: 192.0.2.21}
                    """.formatted(VIP));
            await("stream Ready with node-a active", WAIT, () -> "node-a".equals(Lab.get(k, "virtualservice/stream",
                    "{.status.activeDirector}")) && "True".equals(Lab.condition(k, "virtualservice/stream", "Ready")),
                    operator, nodeA, nodeB, agentW);
            await("both directors' sync daemons to run", WAIT, () -> syncing(nodeA) && syncing(nodeB), nodeA, nodeB);

            Path pc = Files.writeString(lab.dir().resolve("stream.py"), STREAM_CLIENT);
            Lab.Proc stream = lab.background("stream", client, "python3", "-u", pc.toString(), VIP);
            await("echoes through node-a", WAIT, () -> echoes(stream) >= 5, stream, nodeA);
            await("node-b's backup daemon to hold the connection", WAIT, () -> synced(nodeB), nodeB, stream);

            // node loss: node-a's kernel stops at once (no priority 0, no goodbye)
            nodeA.stop(Duration.ofSeconds(30));
            long before = echoes(stream);
            await("echoes to keep coming through node-b", WAIT, () -> echoes(stream) >= before + 40, stream, nodeB);
            await("status to name node-b", WAIT, () -> "node-b".equals(Lab.get(k, "virtualservice/stream",
                    "{.status.activeDirector}")), operator);

            // failback: node-a boots again, waits out the preempt delay while its backup daemon learns the
            // connection from node-b, then takes the VIP back
            Lab.Proc nodeA2 = director("node-a", "192.0.2.2");
            await("node-a's backup daemon to hold the connection", WAIT, () -> synced(nodeA2), nodeA2, stream);
            await("node-a active again", WAIT, () -> "node-a".equals(Lab.get(k, "virtualservice/stream",
                    "{.status.activeDirector}")), operator, nodeA2, stream);
            long back = echoes(stream);
            await("echoes to keep coming through node-a", WAIT, () -> echoes(stream) >= back + 40, stream, nodeA2);

            assertTrue(stream.output().stream().noneMatch(x -> x.startsWith("ERROR")), String.join("\n",
                    stream.output()));
            assertEquals(1, server.output().stream().filter(x -> x.equals("conn from 192.0.2.50")).count(),
                    "one connection from the client, never reset and reopened: " + server.output());
            System.out.println("a TCP connection through VIP " + VIP + " kept flowing across failover and failback: "
                    + echoes(stream) + " echoes");
        }
    }

    /** A director guest: eth0 on the bridge, the agent, and every second what ipvsadm shows of sync and conns. */
    private Lab.Proc director(String name, String address) {
        Path jar = REPO.resolve("node-agent/target/lvs-node-agent.jar");
        return lab.guest(name, address, """
                set -u
                ip link set eth0 up
                ip addr add %s/24 dev eth0
                mkdir -p /run/lvs-agent
                env NODE_NAME=%s POD_NAMESPACE=lvs-system KUBECONFIG=%s LVS_AGENT_STATE_DIR=/run/lvs-agent \\
                    LVS_AGENT_HTTP_ADDRESS=0.0.0.0 LVS_AGENT_HTTP_PORT=9470 \\
                    LVS_AGENT_ELECTION=vrrp LVS_AGENT_VRRP_KEY_FILE=%s \\
                    "$LVS_JAVA_HOME/bin/java" -XX:+UseSerialGC -Xmx96m -XX:TieredStopAtLevel=1 -jar %s run &
                agent=$!
                last=""
                until busybox wget -q -O /dev/null http://%s:8099/stop-%s 2>/dev/null; do
                  kill -0 "$agent" 2>/dev/null || { echo "[%s] the agent exited"; exit 1; }
                  d=$(ipvsadm -L --daemon 2>&1 | tr '\\n' ';')
                  c=$(ipvsadm -Lnc 2>/dev/null | grep -c 'ESTABLISHED 192.0.2.50:')
                  s="sync=$d conns=$c"
                  [ "$s" != "$last" ] && echo "[%s] $s"
                  last=$s
                  sleep 1
                done
                echo "RESULT: PASS"
                """.formatted(address, name, lab.agentKubeconfig(name), lab.vrrpKeyFile(), jar, Lab.GATEWAY, name, name,
                        name),
                Duration.ofMinutes(15));
    }

    private static String lastState(Lab.Proc guest) {
        List<String> out = guest.output();
        for (int i = out.size() - 1; i >= 0; i--) {
            if (out.get(i).matches("\\[node-[ab]] sync=.*")) {
                return out.get(i);
            }
        }
        return "";
    }

    private static boolean syncing(Lab.Proc guest) {
        String s = lastState(guest);
        return s.contains("master sync daemon (mcast=eth0") && s.contains("backup sync daemon (mcast=eth0");
    }

    /** The guest's IPVS table holds the client's established connection (its own, or learnt from the master). */
    private static boolean synced(Lab.Proc guest) {
        String s = lastState(guest);
        return !s.isEmpty() && !s.endsWith("conns=0");
    }

    private static long echoes(Lab.Proc stream) {
        return stream.output().stream().filter(x -> x.startsWith("echo ")).count() * 20;
    }
}
