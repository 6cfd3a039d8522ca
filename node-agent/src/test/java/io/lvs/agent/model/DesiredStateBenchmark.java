package io.lvs.agent.model;

import io.fabric8.kubernetes.api.model.Node;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsTable;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VirtualService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Prints how long computing one director's desired state takes with N VirtualServices × 4 RealServers (the work of a
 * pass after an object changed; resync passes skip it). Run:
 * {@code ./mvnw -B -q -pl node-agent -am test-compile && java -cp "$(cat node-agent/target/classpath)" ...} — see
 * docs/benchmarks.md for the exact command.
 */
public final class DesiredStateBenchmark {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        List<VirtualService> vss = new ArrayList<>();
        List<RealServer> rss = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // VIPs of the documentation pool only (the agent serves no VIP outside every pool), one port each
            String vip = List.of("192.0.2.", "198.51.100.", "203.0.113.").get(i % 3) + (50 + (i / 3) % 200);
            VirtualService vs = Given.accepted("""
                    apiVersion: lvs.io/v1alpha1
                    kind: VirtualService
                    metadata: {name: vs-%d}
                    spec:
                      vip: %s
                      ports: [{port: %d}]
                      realServerSelector: {matchLabels: {app: vs-%d}}
                      directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                    """.formatted(i, vip, 10_000 + i, i));
            vss.add(vs);
            for (int j = 0; j < 4; j++) {
                rss.add(Given.rs("""
                        apiVersion: lvs.io/v1alpha1
                        kind: RealServer
                        metadata: {name: vs-%d-%d, labels: {app: vs-%d}}
                        spec: {address: 192.0.2.%d}
                        """.formatted(i, j, i, 10 + j)));
            }
        }
        List<Node> nodes = List.of(Given.node("node-a", "192.0.2.2", Map.of("lvs.io/director", "true")));
        NodeNetwork net = DesiredStateTest.net("eth0", "192.0.2.2/24");
        Snapshot s = new Snapshot("node-a", vss, rss, nodes, net, KernelSupport.full(), Snapshot.HealthView.none(),
                IpvsTable.empty(), Given.DOCUMENTATION_POOL);
        long c0 = System.nanoTime();
        DesiredState.compute(s); // the first, cold: what an agent's first pass pays
        long cold = System.nanoTime() - c0;
        for (int i = 0; i < 20; i++) {
            DesiredState.compute(s); // warm up
        }
        long[] ns = new long[30];
        NodeDesired d = null;
        for (int i = 0; i < ns.length; i++) {
            long t = System.nanoTime();
            d = DesiredState.compute(s);
            ns[i] = System.nanoTime() - t;
        }
        Arrays.sort(ns);
        System.out.printf("desired state for %d VirtualServices x 4 RealServers (%d services, %d destinations, %d probes): "
                        + "first (cold) %.0f ms, then p50 %.1f ms, max %.1f ms%n", n, d.ipvs().services().size(),
                d.ipvs().destinationCount(), d.probes().size(), cold / 1e6, ns[ns.length / 2] / 1e6, ns[ns.length - 1] / 1e6);
    }
}
