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
 * (SIGSTOP, then SIGCONT), as control-plane upgrades make them, or that comes back with an empty store. Losing the
 * Lease must not leave a replica that never reconciles again: it exits, its restart (the kubelet's job, done here by
 * the test) stands for election again; a replica that kept its Lease must see the new store, not what its caches
 * remember. Either way an object created after the API server's return is reconciled within 30 s of it (the time is
 * printed).
 */
class OperatorStallTest {
    private static final Duration STALL = Duration.ofSeconds(30);
    private static final Duration WITHIN = Duration.ofSeconds(30);

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
            await("the object created after the stall accepted within 30 s of the API server's return",
                    WITHIN.minus(Duration.between(back, Instant.now())), () -> "True".equals(
                    Lab.condition(k, "virtualservice/after", "Accepted")), again);
            Duration took = Duration.between(back, Instant.now());
            System.out.println("after a " + STALL.toSeconds() + " s API server stall, a new object was accepted "
                    + took.toMillis() + " ms after the API server returned (operator restarted)");
        }
    }

    @Test
    void anApiServerBackWithAnEmptyStoreHasNewObjectsReconciledWithin30Seconds() throws Exception {
        try (Lab lab = Lab.create("oe")) {
            Kubectl k = lab.startApiServer();
            lab.installCrdsAndAgentDaemonSet();
            Lab.Proc operator = lab.startOperator();
            lab.apply(vs("before", "192.0.2.10"));
            await("the first object accepted", Duration.ofSeconds(90), () -> "True".equals(Lab.condition(k,
                    "virtualservice/before", "Accepted")), operator);

            lab.restartApiServerEmpty();
            Instant back = Instant.now();
            // what an administrator restores; the new object takes the VIP port of one that vanished with the store,
            // which an operator still believing in its old caches would refuse as a Conflict
            lab.installCrdsAndAgentDaemonSet();
            lab.apply(vs("after", "192.0.2.10"));
            Lab.Proc current = operator;
            boolean restarted = false;
            Instant deadline = back.plus(WITHIN);
            while (!"True".equals(Lab.condition(k, "virtualservice/after", "Accepted"))) {
                if (!current.alive()) { // it lost its Lease: the kubelet would restart it
                    assertNotEquals(0, current.stop(Duration.ofSeconds(5)));
                    current = lab.startOperator();
                    restarted = true;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("the object created after the API server came back empty was not "
                            + "accepted within 30 s (Accepted " + Lab.get(k, "virtualservice/after",
                            "{.status.conditions[?(@.type==\"Accepted\")]}") + "):\n"
                            + String.join("\n", current.output()));
                }
                Thread.sleep(200);
            }
            System.out.println("after the API server came back with an empty store, a new object was accepted "
                    + Duration.between(back, Instant.now()).toMillis() + " ms later ("
                    + (restarted ? "the operator exited and was restarted" : "the same operator, its caches relisted")
                    + ")");
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
