package io.lvs.e2e.agent;

import static io.lvs.e2e.agent.Lab.await;

import io.lvs.e2e.apiserver.Kubectl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The agent with many VirtualServices: N VirtualServices (NAT, TCP checks every 30 s) x 4 RealServers each are applied
 * and accepted first; then the packaged agent starts in a User-mode Linux guest (its own kernel with IPVS) as their
 * director. Prints:
 * <ul>
 *   <li>the time from the agent's start until its passes have programmed every service and destination (from its log,
 *       timed on the host as the lines arrive), and the time the library alone takes for the same table in the same
 *       guest (the table the agent left, read back with {@code ipvsadm -Sn}, programmed into an empty namespace);</li>
 *   <li>the agent's resident memory (VmRSS, VmHWM, and its memory cgroup's charge) once the kernel holds everything
 *       and after a minute of steady state, the JVM started as the image starts it ({@link AgentImage}: the
 *       Dockerfile's environment, jvm.options and the AOT cache its RUN step records) inside a memory cgroup with the
 *       chart's limit, from which the JVM sizes its heap;</li>
 *   <li>its API writes during that minute (NodeReports and Lease renewals, from its own counters).</li>
 * </ul>
 * Run as root from {@code e2e/} (docs/benchmarks.md); argument: N (default 1000).
 */
public final class AgentScaleBenchmark {
    /**
     * {@code -Dlvs.bench.nmt=true} (or {@code summary}): the agent runs with native memory tracking and a GC log beside
     * the image's flags, and prints at the end its collections, its mappings by kind, NMT's summary, its heap before and
     * after a full GC, the live set's largest classes, its container's memory and the classes it loaded by package;
     * {@code detail}: the same with NMT's detail mode, whose report (malloc call sites, mappings) is printed whole (its
     * bookkeeping costs memory, so its RSS is not the product's). {@code -Dlvs.bench.heapdump=true} also dumps the heap
     * to the guest's run directory (kept with {@code KEEP=1} in the environment, under /var/tmp/lvs-guest).
     */
    private static final String NMT = switch (System.getProperty("lvs.bench.nmt", "false")) {
        case "true", "summary" -> "summary";
        case "detail" -> "detail";
        default -> "";
    };
    private static final List<String> SERVERS = List.of("198.51.100.11", "198.51.100.12", "198.51.100.13",
            "198.51.100.14");

    private AgentScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Duration wait = Duration.ofMinutes(10);
        try (Lab lab = Lab.create("sc")) {
            for (int i = 0; i < SERVERS.size(); i++) {
                String ns = lab.host("rs-" + (i + 1), SERVERS.get(i));
                lab.in(ns, "ip", "route", "add", "default", "via", "198.51.100.1");
                Path www = Files.createDirectories(lab.dir().resolve("www-" + i));
                Files.writeString(www.resolve("index.html"), "rs-" + (i + 1) + "\n");
                lab.background("httpd-" + i, ns, "busybox", "httpd", "-f", "-p", "80", "-h", www.toString());
            }
            Kubectl k = lab.startApiServer();
            lab.installCrdsAndAgentDaemonSet();
            Path control = Files.createDirectories(lab.dir().resolve("control"));
            lab.background("control", lab.ns("lab"), "busybox", "httpd", "-f", "-p", Lab.GATEWAY + ":8099", "-h",
                    control.toString());
            // the image's JVM flags, environment and AOT cache (recorded here as its Dockerfile does), the chart's limit
            Path repo = Path.of("..").toAbsolutePath().normalize();
            AgentImage image = AgentImage.read(repo, Path.of(System.getProperty("java.home"), "bin", "java"),
                    repo.resolve("node-agent/target/image"));
            Files.createDirectories(repo.resolve("node-agent/target/image"));
            image.build();
            Path agentJar = image.jar();
            System.out.printf("the agent runs as the image runs it: %s java %s -jar %s (memory limit %d MiB)%n",
                    image.env(), String.join(" ", image.jvmFlags()), agentJar, image.memoryLimit() >> 20);
            lab.registerNode("node-a", Map.of("lvs.io/director", "true")); // before its agent's token, bound to it
            Lab.Proc guest = lab.guest("node-a", "192.0.2.2", """
                    set -u
                    ip link set eth0 up
                    ip addr add 192.0.2.2/24 dev eth0
                    ip addr add 198.51.100.1/24 dev eth0
                    mkdir -p /run/lvs-agent
                    # the container: a memory cgroup with the chart's limit (the JVM sizes its heap from it, and the
                    # kernel ends the agent if it goes over, as a kubelet's would)
                    grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup
                    echo +memory > /sys/fs/cgroup/cgroup.subtree_control
                    mkdir -p /sys/fs/cgroup/agent
                    echo %6$d > /sys/fs/cgroup/agent/memory.max
                    ( echo $BASHPID > /sys/fs/cgroup/agent/cgroup.procs
                      # read-only, as in a container: the JVM takes a writable cgroup file system for no container
                      mount -o remount,ro /sys/fs/cgroup
                      "$LVS_JAVA_HOME/bin/java" -XshowSettings:system -version 2>&1 | grep -E 'Provider|Memory Limit' \\
                          | sed 's/^ */[node-a] the container as the JVM sees it: /'
                      until busybox wget -q -O /dev/null http://%3$s:8099/start 2>/dev/null; do sleep 0.2; done
                      echo "[node-a] starting the agent at $(date -u +%%H:%%M:%%S.%%3N)"
                      exec env %7$s NODE_NAME=node-a POD_NAMESPACE=lvs-system KUBECONFIG=%1$s \\
                        LVS_AGENT_STATE_DIR=/run/lvs-agent LVS_AGENT_HTTP_ADDRESS=0.0.0.0 LVS_AGENT_HTTP_PORT=9470 \\
                        "$LVS_JAVA_HOME/bin/java" %8$s %4$s -jar %2$s run ) &
                    agent=$!
                    until busybox wget -q -O /dev/null http://%3$s:8099/stop 2>/dev/null; do
                      kill -0 "$agent" 2>/dev/null || { echo "[node-a] the agent exited"; \\
                        grep -E 'oom' /sys/fs/cgroup/agent/memory.events; exit 1; }
                      echo "[node-a] agent memory: $(grep -E 'VmRSS|VmHWM' /proc/$agent/status | tr -s ' \\t\\n' ' ')\\
                    cgroup: $(( $(cat /sys/fs/cgroup/agent/memory.current) / 1024 )) kB"
                      sleep 5
                    done
                    %5$s
                    echo "[node-a] kernel holds $(ipvsadm -Ln | grep -c '^TCP') services, \\
                    $(ipvsadm -Ln | grep -c -- '->  *[0-9]') destinations"
                    ipvsadm -Sn > /run/lvs-table.rules
                    kill -TERM "$agent"; wait "$agent"; echo "[node-a] agent exit=$?"
                    ip netns add lib; ip netns exec lib ip link set lo up
                    "$LVS_JAVA_HOME/bin/java" -XX:+UseSerialGC -Xmx256m -XX:-UsePerfData --enable-native-access=ALL-UNNAMED \\
                        -cp "$LVS_CLASSPATH" io.lvs.e2e.guest.programs.ProgramRules lib /run/lvs-table.rules
                    echo "RESULT: PASS"
                    """.formatted(lab.agentKubeconfig("node-a"), agentJar, Lab.GATEWAY,
                    NMT.isEmpty() ? "" : "-XX:NativeMemoryTracking=" + NMT + " -Xlog:gc:file=/run/agent-gc.log",
                    NMT.isEmpty() ? "" : memoryReport(NMT),
                    image.memoryLimit(), String.join(" ", image.env().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue()).toList()), String.join(" ", image.jvmFlags())),
                    Duration.ofMinutes(40));
            Lab.Proc operator = lab.startOperator();

            // in files of 100 VirtualServices with their RealServers, created by 8 kubectl processes at once
            List<Path> files = new java.util.ArrayList<>();
            for (int from = 0; from < n; from += 100) {
                Path f = lab.dir().resolve("objects-" + from + ".yaml");
                Files.writeString(f, objects(from, Math.min(n, from + 100)));
                files.add(f);
            }
            long c0 = System.nanoTime();
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
                List<java.util.concurrent.Future<?>> created = new java.util.ArrayList<>();
                for (Path f : files) {
                    created.add(pool.submit(() -> k.run("create", "--validate=false", "-f", f.toString()).orFail()));
                }
                for (java.util.concurrent.Future<?> c : created) {
                    c.get();
                }
            }
            System.out.printf("created %d VirtualServices and %d RealServers in %.1f s%n", n, 4 * n,
                    (System.nanoTime() - c0) / 1e9);
            await("every VirtualService to be accepted", wait, () -> accepted(k) == n, operator);
            System.out.printf("all accepted %.1f s after the first create%n", (System.nanoTime() - c0) / 1e9);

            int from = guest.output().size();
            Files.writeString(control.resolve("start"), "start\n");
            await("the agent to start", wait, () -> line(guest, from, "starting the agent") >= 0, guest);
            long started = guest.arrivedAt(line(guest, from, "starting the agent"));
            int expected = n + 4 * n; // every service and destination is one operation from empty
            await("the agent to program " + expected + " IPVS entries", wait,
                    () -> ipvsOperations(guest, from) >= expected, guest, operator);
            long programmed = guest.arrivedAt(lastPass(guest, from));
            System.out.printf("agent start -> the kernel holds %d services and %d destinations: %.1f s%n", n, 4 * n,
                    (programmed - started) / 1e9);
            System.out.println("agent memory once it holds them: " + lastMatching(guest, "[node-a] agent memory:"));

            // a minute of steady state: memory and API writes
            await("the agent to settle (every NodeReport written)", wait, () -> settled(lab), guest);
            Map<String, Double> before = counters(lab);
            Thread.sleep(60_000);
            Map<String, Double> after = counters(lab);
            System.out.printf("API writes in the minute of steady state: %.0f NodeReport writes, %.0f Lease renewals%n",
                    after.get("lvs_agent_report_writes_total") - before.get("lvs_agent_report_writes_total"),
                    after.get("lvs_agent_lease_renewals_total") - before.get("lvs_agent_lease_renewals_total"));
            System.out.println("agent memory at the end of it: " + lastMatching(guest, "[node-a] agent memory:"));

            Files.writeString(control.resolve("stop"), "stop\n");
            await("the guest to finish", wait, () -> !guest.alive());
            guest.output().stream().filter(l -> l.startsWith("BENCH") || l.startsWith("CHECK") || l.contains("kernel holds")
                    || l.contains("RESULT") || l.contains("starting the agent") || l.contains("lvs-node-agent running")
                    || l.contains("IPVS is available") || l.contains("changed the kernel") || l.startsWith("[nmt")
                    || l.contains("as the JVM sees it"))
                    .forEach(System.out::println);
        }
    }

    /**
     * Guest shell that prints where the agent's memory goes (lines starting "[nmt"): its mappings by kind (from smaps:
     * what NMT cannot see, such as glibc's malloc arenas, shows as anonymous memory outside the JVM's regions), NMT's
     * summary (and in detail mode its whole report), the heap before and after a full GC, and the
     * live set's largest classes.
     */
    private static String memoryReport(String mode) {
        String j = "j=\"$LVS_JAVA_HOME/bin/jcmd\"; ";
        String smaps = "awk '/^[0-9a-f]+-[0-9a-f]+ /{n=($6==\"\" ? \"[anon]\" : $6)} /^Rss:/{r[n]+=$2} "
                + "END{for(k in r) if (r[k] >= 512) printf \"%8d kB %s\\n\", r[k], k}' /proc/$agent/smaps "
                + "| sort -rn | head -25 | sed 's/^/[nmt-smaps] /'; "
                // the largest mappings one by one: glibc's malloc arenas are the 64 MiB anonymous ones NMT does not list
                + "awk '/^[0-9a-f]+-[0-9a-f]+ /{m=$1; n=$6} /^Size:/{z=$2} /^Rss:/{ if ($2 >= 1024) "
                + "printf \"%8d kB of %8d kB %s %s\\n\", $2, z, m, n}' /proc/$agent/smaps | sort -rn | head -40 "
                + "| sed 's/^/[nmt-maps] /'; ";
        String native_ = "$j $agent VM.native_memory summary | sed 's/^/[nmt] /'; ";
        String detail = mode.equals("detail")
                ? "$j $agent VM.native_memory detail | sed 's/^/[nmt-detail] /'; " : "";
        String heap = "$j $agent GC.heap_info | sed 's/^/[nmt] before a full GC: /'; "
                + "$j $agent GC.class_histogram | head -80 | sed 's/^/[nmt-histo] /'; "
                + "$j $agent GC.heap_info | sed 's/^/[nmt] after a full GC: /'; "
                + "grep -E 'VmRSS|VmHWM|RssAnon|RssFile|Threads' /proc/$agent/status | sed 's/^/[nmt] /'; ";
        String container = "for f in memory.current memory.peak; do echo \"[nmt] cgroup $f: $(( $(cat "
                + "/sys/fs/cgroup/agent/$f) / 1024 )) kB\"; done; grep -E '^(anon|file|kernel|sock|shmem) ' "
                + "/sys/fs/cgroup/agent/memory.stat | sed 's/^/[nmt] cgroup memory.stat /'; "
                + "$j $agent VM.flags | tr ' ' '\\n' | grep -E 'HeapSize|NewSize|CodeCache|Tiered|Compiler|Metaspace' "
                + "| sed 's/^/[nmt] flag /'; "
                + "$j $agent VM.classes | awk 'NR>1{n=split($NF,p,\".\"); k=p[1]; for(i=2;i<n && i<4;i++) k=k\".\"p[i]; "
                + "c[k]++} END{for(k in c) if (c[k] >= 40) print c[k], k}' | sort -rn | head -25 "
                + "| sed 's/^/[nmt-classes] /'; ";
        String gc = "echo \"[nmt] collections: $(grep -c 'Pause Young' /run/agent-gc.log) young, $(grep -c 'Pause Full' "
                + "/run/agent-gc.log) full\"; tail -12 /run/agent-gc.log | sed 's/^/[nmt-gc] /'; ";
        String dump = Boolean.getBoolean("lvs.bench.heapdump")
                ? "$j $agent GC.heap_dump /vmresults/agent.hprof | sed 's/^/[nmt] /'; " : "";
        return j + gc + smaps + native_ + detail + heap + container + dump;
    }

    /** VirtualServices {@code from} (inclusive) to {@code to} (exclusive), each with its four RealServers. */
    static String objects(int from, int to) {
        StringBuilder y = new StringBuilder();
        for (int i = from; i < to; i++) {
            String vs = "vs-" + i;
            y.append("""
                    apiVersion: lvs.io/v1alpha1
                    kind: VirtualService
                    metadata: {name: %s, namespace: default}
                    spec:
                      vip: 192.0.2.%d
                      ports: [{port: %d}]
                      forwarding: {method: NAT}
                      healthCheck: {type: TCP, interval: 30s, timeout: 2s}
                      directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}, interface: eth0}
                    ---
                    """.formatted(vs, 100 + i / 100, 10_000 + i % 100));
            for (int r = 0; r < SERVERS.size(); r++) {
                y.append("""
                        apiVersion: lvs.io/v1alpha1
                        kind: RealServer
                        metadata: {name: %s-%d, namespace: default}
                        spec: {virtualServiceRef: {name: %s}, address: %s, port: 80}
                        ---
                        """.formatted(vs, r, vs, SERVERS.get(r)));
            }
        }
        return y.toString();
    }

    private static long accepted(Kubectl k) {
        String out = k.run("get", "virtualservices", "-n", "default", "-o",
                "jsonpath={range .items[*]}{.status.conditions[?(@.type==\"Accepted\")].status}{\"\\n\"}{end}").stdout();
        return out.lines().filter("True"::equals).count();
    }

    private static int line(Lab.Proc p, int from, String text) {
        List<String> out = p.output();
        for (int i = from; i < out.size(); i++) {
            if (out.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    /** IPVS operations the agent's passes logged since line {@code from}. */
    private static long ipvsOperations(Lab.Proc p, int from) {
        List<String> out = p.output();
        long ops = 0;
        for (int i = from; i < out.size(); i++) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("changed the kernel in \\d+ ms: (\\d+) IPVS")
                    .matcher(out.get(i));
            if (m.find()) {
                ops += Long.parseLong(m.group(1));
            }
        }
        return ops;
    }

    private static int lastPass(Lab.Proc p, int from) {
        List<String> out = p.output();
        for (int i = out.size() - 1; i >= from; i--) {
            if (out.get(i).contains("changed the kernel")) {
                return i;
            }
        }
        throw new IllegalStateException("no pass changed the kernel");
    }

    private static String lastMatching(Lab.Proc p, String prefix) {
        List<String> out = p.output();
        for (int i = out.size() - 1; i >= 0; i--) {
            if (out.get(i).startsWith(prefix)) {
                return out.get(i);
            }
        }
        return "(none)";
    }

    private static String metrics(Lab lab) {
        return lab.tryIn(lab.ns("lab"), "curl", "-s", "--max-time", "10", "http://192.0.2.2:9470/metrics").out();
    }

    /** Settled: the report writer's count has not moved for 15 s. */
    private static boolean settled(Lab lab) {
        double a = AgentInGuestTest.counter(metrics(lab), "lvs_agent_report_writes_total", "");
        try {
            Thread.sleep(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        double b = AgentInGuestTest.counter(metrics(lab), "lvs_agent_report_writes_total", "");
        return a > 0 && a == b;
    }

    private static Map<String, Double> counters(Lab lab) {
        String m = metrics(lab);
        return Map.of("lvs_agent_report_writes_total", AgentInGuestTest.counter(m, "lvs_agent_report_writes_total", ""),
                "lvs_agent_lease_renewals_total", AgentInGuestTest.counter(m, "lvs_agent_lease_renewals_total", ""));
    }
}
