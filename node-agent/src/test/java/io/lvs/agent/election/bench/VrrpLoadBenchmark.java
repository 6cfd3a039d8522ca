package io.lvs.agent.election.bench;

import io.lvs.agent.election.VrrpElection;
import io.lvs.agent.election.VrrpKeyRing;
import io.lvs.agent.kernel.testing.Netns;
import io.lvs.agent.kernel.vrrp.VrrpKey;
import io.lvs.agent.model.NodeDesired.DirectorGroup;
import io.lvs.agent.model.NodeDesired.Peer;
import io.lvs.agent.node.ActiveDirectors.Role;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Two directors' elections over real raw sockets between two network namespaces (a veth pair), many VIPs spread
 * active/active: how many adverts per second they send, what CPU that costs, and whether any VIP moves while
 * nothing fails (a spurious failover). Both elections run in this JVM, so the CPU figure covers both directors.
 *
 * <pre>
 * java -cp ... io.lvs.agent.election.bench.VrrpLoadBenchmark VIPS INTERVAL_MS SECONDS
 * </pre>
 */
public final class VrrpLoadBenchmark {
    private static final InetAddress A = InetAddress.ofLiteral("192.0.2.2");
    private static final InetAddress B = InetAddress.ofLiteral("192.0.2.3");

    private VrrpLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int vips = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        Duration interval = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 200);
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 60;
        if (vips > 500) {
            throw new IllegalArgumentException("at most 500 VIPs (two documentation /24s)");
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        VrrpKeyRing ring = new VrrpKeyRing(List.of(new VrrpKey(1, secret)));
        try (Netns.Pair hosts = Netns.pair("vrbench", "veth-a", "veth-b")) {
            hosts.a().ip("addr", "add", "192.0.2.2/24", "dev", "veth-a");
            hosts.b().ip("addr", "add", "192.0.2.3/24", "dev", "veth-b");
            List<InetAddress> vipList = new ArrayList<>();
            List<DirectorGroup> ga = new ArrayList<>();
            List<DirectorGroup> gb = new ArrayList<>();
            for (int i = 0; i < vips; i++) {
                InetAddress vip = InetAddress.ofLiteral((i < 250 ? "203.0.113." : "198.51.100.") + (i % 250 + 1));
                vipList.add(vip);
                boolean aWins = i % 2 == 0;
                ga.add(group(vip, "veth-a", A, aWins ? 150 : 100, B, aWins ? 100 : 150, interval));
                gb.add(group(vip, "veth-b", B, aWins ? 100 : 150, A, aWins ? 150 : 100, interval));
            }
            VrrpElection a = new VrrpElection(VrrpElection.sockets(hosts.a().namespace()), () -> ring, Set.of(),
                    Clock.systemUTC());
            VrrpElection b = new VrrpElection(VrrpElection.sockets(hosts.b().namespace()), () -> ring, Set.of(),
                    Clock.systemUTC());
            try {
                a.configure(ga);
                b.configure(gb);
                long settleBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!settled(a, b, vipList)) {
                    if (System.nanoTime() > settleBy) {
                        throw new IllegalStateException("the elections did not settle within 60 s");
                    }
                    Thread.sleep(50);
                }
                var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                long sent0 = a.counters().advertsSent() + b.counters().advertsSent();
                long trans0 = a.counters().transitions() + b.counters().transitions();
                long end = t0 + Duration.ofSeconds(seconds).toNanos();
                while (System.nanoTime() < end) {
                    Thread.sleep(1000);
                }
                double wall = (System.nanoTime() - t0) / 1e9;
                double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
                long sent = a.counters().advertsSent() + b.counters().advertsSent() - sent0;
                long spurious = a.counters().transitions() + b.counters().transitions() - trans0;
                long dropped = a.counters().dropped().values().stream().mapToLong(Long::longValue).sum()
                        + b.counters().dropped().values().stream().mapToLong(Long::longValue).sum();
                System.out.printf("%d VIPs, %d ms adverts, %.0f s: %.0f adverts/s sent by the pair, CPU %.1f %% of one "
                                + "core for both directors, %d role changes after settling (spurious failovers), "
                                + "%d adverts dropped, still settled: %s%n", vips, interval.toMillis(), wall,
                        sent / wall, 100 * cpu / wall, spurious, dropped, settled(a, b, vipList));
            } finally {
                a.stop(false);
                b.stop(false);
            }
        }
    }

    private static DirectorGroup group(InetAddress vip, String link, InetAddress self, int priority, InetAddress peer,
                                       int peerPriority, Duration interval) {
        return new DirectorGroup(vip, link, Optional.of(self), priority,
                List.of(new Peer(peer.getHostAddress(), peerPriority, List.of(peer))), interval, true, Duration.ZERO,
                List.of(), false, true);
    }

    private static boolean settled(VrrpElection a, VrrpElection b, List<InetAddress> vips) {
        for (int i = 0; i < vips.size(); i++) {
            Role wantA = i % 2 == 0 ? Role.ACTIVE : Role.STANDBY;
            if (a.role(vips.get(i)) != wantA || b.role(vips.get(i)) == wantA) {
                return false;
            }
        }
        return true;
    }
}
