package io.lvs.e2e.agent;

import static io.lvs.e2e.agent.Lab.await;

import io.lvs.e2e.apiserver.Kubectl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Prints how long a RealServer weight change applied with kubectl takes to reach the kernel: {@code kubectl patch} of
 * {@code web-1}'s weight, then the guest agent's {@code lvs_agent_ipvs_operations_total} polled from the lab until it
 * has counted the one IPVS update (the agent counts an operation once the kernel acknowledged it). Director: the
 * packaged agent in a User-mode Linux guest ({@link DrNatLab}). Run as root from {@code e2e/} (see docs/benchmarks.md);
 * argument: the number of changes (default 100).
 */
public final class WeightChangeBenchmark {
    private WeightChangeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Duration wait = Duration.ofSeconds(300);
        try (DrNatLab l = DrNatLab.create()) {
            Kubectl k = l.kubectl;
            l.example("apply", "direct-routing.yaml");
            await("web to be Programmed and Ready", wait,
                    () -> "True".equals(Lab.condition(k, "virtualservice/web", "Programmed"))
                            && "True".equals(Lab.condition(k, "virtualservice/web", "Ready")), l.guest, l.operator);
            List<Double> total = new ArrayList<>();
            List<Double> kubectlOnly = new ArrayList<>();
            int weight = 2;
            for (int i = 0; i < n + 5; i++) {
                weight = weight % 9 + 2; // 3, 4, ... 10, 2, 3: always a change
                double before = ipvsOperations(l);
                long t0 = System.nanoTime();
                k.run("patch", "realserver", "web-1", "-n", "default", "--type=merge", "-p",
                        "{\"spec\":{\"weight\":" + weight + "}}").orFail();
                long t1 = System.nanoTime();
                Lab.await("weight " + weight + " in the kernel", Duration.ofSeconds(30),
                        () -> ipvsOperations(l) > before, l.guest);
                long t2 = System.nanoTime();
                if (i >= 5) { // the first few warm the agent's JIT and kubectl's caches
                    total.add((t2 - t0) / 1e6);
                    kubectlOnly.add((t1 - t0) / 1e6);
                }
            }
            System.out.printf("weight changes: %d (after 5 warm-up changes)%n", n);
            System.out.printf("kubectl patch -> kernel updated: %s%n", summary(total));
            System.out.printf("  of which the kubectl process itself: %s%n", summary(kubectlOnly));
            System.out.println("(the kernel side is seen by polling the agent's /metrics from the lab, one curl process per "
                    + "poll: each figure is late by up to one poll, about 10-30 ms)");
        }
    }

    private static double ipvsOperations(DrNatLab l) {
        return AgentInGuestTest.counter(l.agentMetrics(), "lvs_agent_ipvs_operations_total", "");
    }

    private static String summary(List<Double> ms) {
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        return String.format("p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms", at(s, 0.50), at(s, 0.90), at(s, 0.99),
                s.getLast());
    }

    private static double at(List<Double> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
