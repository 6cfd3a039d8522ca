package io.lvs.e2e.agent;

import static io.lvs.e2e.agent.Lab.await;

import io.lvs.e2e.apiserver.Kubectl;
import java.time.Duration;
import java.util.List;

/**
 * The local demo's agent part (run by {@code e2e/demo.sh} from the {@code e2e} directory, as root): the DR and NAT
 * examples applied with kubectl, served by the packaged agent directing a guest kernel ({@link DrNatLab}), with what
 * a user would look at printed along the way. Everything it starts is stopped when it ends.
 */
public final class AgentDemo {
    private static final Duration WAIT = Duration.ofSeconds(300);

    private AgentDemo() {
    }

    public static void main(String[] args) throws Exception {
        say("Building the lab: a bridge with the API server, the operator and kubectl; node-a, a User-mode Linux guest "
                + "(its own kernel with IPVS), runs the packaged agent; worker-1/2 (DR real servers, with their agents), "
                + "nat-1/2 (NAT real servers behind node-a) and a client are namespaces on the bridge");
        try (DrNatLab l = DrNatLab.create()) {
            Kubectl k = l.kubectl;
            say("The administrator's VipPool (crds/examples/vip-pool.yaml, applied with the lab) lets namespace default use "
                    + "192.0.2.0/26; kubectl get vippools:");
            note(k.run("get", "vippools").orFail().stdout());
            say("kubectl apply -f crds/examples/direct-routing.yaml -f crds/examples/nat.yaml");
            l.example("apply", "direct-routing.yaml");
            l.example("apply", "nat.yaml");
            for (String vs : List.of("web", "api")) {
                await(vs + " to be Programmed and Ready", WAIT,
                        () -> "True".equals(Lab.condition(k, "virtualservice/" + vs, "Programmed"))
                                && "True".equals(Lab.condition(k, "virtualservice/" + vs, "Ready")), l.guest, l.operator);
            }
            say("kubectl get lvs -o wide");
            print(k.run("get", "lvs", "-n", "default", "-o", "wide").orFail().stdout());
            say("the client asks each VIP 8 times (wlc with weights 2:1 for web, rr for api)");
            note("http://" + DrNatLab.DR_VIP + "/  (DR) -> " + l.answers(DrNatLab.DR_VIP, 8));
            note("http://" + DrNatLab.NAT_VIP + "/  (NAT) -> " + l.answers(DrNatLab.NAT_VIP, 8));
            note("worker-1's lo: " + l.lab.in(l.lab.ns("worker-1"), "ip", "-o", "-4", "addr", "show", "dev", "lo")
                    .lines().filter(s -> s.contains("192.0.2.10")).findFirst().orElse("(no VIP)").strip());

            say("worker-2's web server stops: its health check fails, it leaves the rotation");
            l.stopServer("worker-2");
            await("web-2 to be unhealthy", WAIT, () -> "False".equals(Lab.condition(k, "realserver/web-2", "Healthy")),
                    l.guest);
            print(k.run("get", "realservers", "-n", "default").orFail().stdout());
            await("every request to go to worker-1", WAIT,
                    () -> l.answers(DrNatLab.DR_VIP, 6).stream().allMatch("worker-1"::equals), l.guest);
            note("http://" + DrNatLab.DR_VIP + "/ -> " + l.answers(DrNatLab.DR_VIP, 6));
            say("worker-2 answers again: back in the rotation after rise checks");
            l.startServer("worker-2");
            await("worker-2 back in the rotation", WAIT, () -> l.seen(DrNatLab.DR_VIP, 8).contains("worker-2"), l.guest);
            note("http://" + DrNatLab.DR_VIP + "/ -> " + l.answers(DrNatLab.DR_VIP, 8));

            say("node-a's agent metrics (the kernel's IPVS counters, per VirtualService)");
            l.agentMetrics().lines().filter(s -> s.startsWith("lvs_ipvs_connections_total{")
                    || s.startsWith("lvs_agent_programming_latency_seconds_count")).forEach(AgentDemo::note);

            say("kubectl delete the examples: the agents remove what they added");
            l.example("delete", "direct-routing.yaml");
            l.example("delete", "nat.yaml");
            await("the VirtualServices to be gone", WAIT, () -> k.run("get", "virtualservices", "-n", "default",
                    "-o", "name").stdout().isBlank(), l.operator, l.guest);
            await("the VIP to leave worker-1's lo", WAIT, () -> !l.lab.in(l.lab.ns("worker-1"), "ip", "-o", "addr",
                    "show", "dev", "lo").contains("192.0.2.10"));
            List<String> out = l.stopGuest(WAIT);
            out.stream().filter(s -> s.startsWith("[node-a] agent VmRSS")).forEach(s -> note("node-a's agent at the end: "
                    + s.substring("[node-a] agent ".length())));
            int at = out.indexOf("[node-a] IPVS table after the agent stopped:");
            say("node-a's IPVS table after the deletion (ipvsadm -Ln in the guest)");
            out.subList(Math.max(0, at + 1), out.size()).stream().filter(s -> !s.startsWith("RESULT")
                    && !s.startsWith("TIMING") && !s.startsWith("[")).forEach(AgentDemo::note);
        }
        say("Agent demo done; everything it started is stopped");
    }

    private static void say(String s) {
        System.out.printf("%n\033[1m==> %s\033[0m%n", s);
    }

    private static void note(String s) {
        System.out.println("    " + s);
    }

    private static void print(String block) {
        block.lines().forEach(AgentDemo::note);
    }
}
