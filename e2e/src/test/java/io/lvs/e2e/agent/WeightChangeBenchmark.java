package io.lvs.e2e.agent;

import static io.lvs.e2e.agent.Lab.await;

import io.lvs.e2e.apiserver.Kubectl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Prints how long a RealServer weight change applied with kubectl takes to reach the kernel: {@code kubectl patch} of
 * {@code web-1}'s weight, then the guest agent's log line saying a pass applied it (written once the kernel acknowledged the
 * operation; its arrival on the guest's console is timed on the host, so nothing polls the guest and takes its one CPU
 * from the agent). Two figures per change: from the start of {@code kubectl} (what a user
 * waits, kubectl's own start-up included) and from kubectl's return (the API server has stored the change and answered:
 * the part the product is responsible for). Director: the
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
            List<Double> afterStored = new ArrayList<>();
            List<Double> afterEvent = new ArrayList<>();
            List<Double> passes = new ArrayList<>();
            // a watcher beside the agent's: the moment the API server sends the change to watchers
            Lab.Proc watch = l.lab.background("watch", l.lab.ns("lab"), l.lab.dir().resolve("kubectl").toString(),
                    "--kubeconfig", l.lab.kubeconfig().toString(), "get", "realservers", "-n", "default", "--watch-only",
                    "-o", "jsonpath={.metadata.name} {.spec.weight}{\"\\n\"}");
            int weight = 2;
            for (int i = 0; i < n + 5; i++) {
                weight = weight % 9 + 2; // 3, 4, ... 10, 2, 3: always a change
                int seen = l.guest.output().size();
                int watched = watch.output().size();
                String expected = "web-1 " + weight;
                long t0 = System.nanoTime();
                k.run("patch", "realserver", "web-1", "-n", "default", "--type=merge", "-p",
                        "{\"spec\":{\"weight\":" + weight + "}}").orFail();
                long t1 = System.nanoTime();
                Lab.await("weight " + weight + " in the kernel", Duration.ofSeconds(30),
                        () -> appliedLine(l, seen) >= 0, l.guest);
                long t2 = l.guest.arrivedAt(appliedLine(l, seen));
                Lab.await("the watcher to see weight " + weight, Duration.ofSeconds(30),
                        () -> watch.output().subList(watched, watch.output().size()).contains(expected), watch);
                long tw = watch.arrivedAt(watched + watch.output().subList(watched, watch.output().size()).indexOf(expected));
                if (i >= 5) { // the first few warm the agent's JIT and kubectl's caches
                    total.add((t2 - t0) / 1e6);
                    kubectlOnly.add((t1 - t0) / 1e6);
                    afterStored.add((t2 - t1) / 1e6);
                    afterEvent.add((t2 - tw) / 1e6);
                    java.util.regex.Matcher took = java.util.regex.Pattern.compile("changed the kernel in (\\d+) ms")
                            .matcher(l.guest.output().get(appliedLine(l, seen)));
                    if (took.find()) {
                        passes.add(Double.parseDouble(took.group(1)));
                    }
                }
            }
            System.out.printf("weight changes: %d (after 5 warm-up changes)%n", n);
            System.out.printf("kubectl patch -> kernel updated: %s%n", summary(total));
            System.out.printf("  of which the kubectl process itself: %s%n", summary(kubectlOnly));
            System.out.printf("change stored (kubectl returned) -> kernel updated: %s%n", summary(afterStored));
            System.out.printf("change sent to watchers (a kubectl watch beside the agent saw it) -> kernel updated: %s%n",
                    summary(afterEvent));
            System.out.printf("  of which the agent's pass that applied it (its own log): %s%n", summary(passes));
            System.out.println("(the kernel side is the arrival of the agent's log line on the guest's console)");
        }
    }

    /** The index of the guest agent's first log line after {@code from} saying a pass applied IPVS operations. */
    private static int appliedLine(DrNatLab l, int from) {
        List<String> out = l.guest.output();
        for (int i = from; i < out.size(); i++) {
            if (out.get(i).contains("changed the kernel") && !out.get(i).contains(": 0 IPVS operation")) {
                return i;
            }
        }
        return -1;
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
