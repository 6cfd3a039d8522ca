package io.lvs.e2e.operator;

import static io.lvs.e2e.agent.Lab.await;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.e2e.agent.Lab;
import io.lvs.e2e.apiserver.Kubectl;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator (production profile: it holds a leader Lease) against an API server that stalls for 30 s
 * (SIGSTOP, then SIGCONT), as control-plane upgrades make them. Losing the Lease must not leave a replica that never
 * reconciles again: it exits, its restart (the kubelet's job, done here by the test) stands for election again, and
 * an object created after the stall is reconciled (the time from the API server's return is printed; the wait
 * allows 60 s on a loaded machine).
 */
class OperatorStallTest {
    private static final Duration STALL = Duration.ofSeconds(30);

    @Test
    void anOperatorThatLostItsLeaseToAStallExitsAndItsRestartReconcilesNewObjects() throws Exception {
        try (Lab lab = Lab.create("os")) {
            Kubectl k = lab.startApiServer();
            lab.installCrdsAndAgentDaemonSet();
            Lab.Proc operator = lab.startOperator();
            lab.apply(vs("before", "192.0.2.10"));
            await("the first object accepted", Duration.ofSeconds(90), () -> "True".equals(Lab.condition(k,
                    "virtualservice/before", "Accepted")), operator);

            lab.apiServer().freeze(true);
            try {
                Thread.sleep(STALL.toMillis());
            } finally {
                lab.apiServer().freeze(false);
            }
            Instant back = Instant.now();
            await("the operator to exit once it lost its Lease", Duration.ofSeconds(60), () -> !operator.alive());
            int exit = operator.stop(Duration.ofSeconds(5));
            assertNotEquals(0, exit, "a lost Lease is a failure the kubelet restarts");
            assertTrue(operator.output().stream().anyMatch(l -> l.contains("Stopped leading")),
                    String.join("\n", operator.output()));

            Lab.Proc again = lab.startOperator(); // what the kubelet does with an exited container
            lab.apply(vs("after", "192.0.2.11"));
            await("the object created after the stall accepted", Duration.ofSeconds(60), () -> "True".equals(
                    Lab.condition(k, "virtualservice/after", "Accepted")), again);
            Duration took = Duration.between(back, Instant.now());
            System.out.println("after a " + STALL.toSeconds() + " s API server stall, a new object was accepted "
                    + took.toMillis() + " ms after the API server returned (operator restarted)");
        }
    }

    /** A Local-mode VirtualService (accepted without real servers). */
    static String vs(String name, String vip) {
        return """
                apiVersion: lvs.io/v1alpha1
                kind: VirtualService
                metadata: {name: %s, namespace: default}
                spec:
                  vip: %s
                  ports: [{port: 80}]
                  forwarding: {method: Local}
                  directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                """.formatted(name, vip);
    }
}
