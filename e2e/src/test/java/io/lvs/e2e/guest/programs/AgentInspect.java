package io.lvs.e2e.guest.programs;

import io.lvs.agent.cli.NodeAgentCli;
import io.lvs.agent.inspect.InspectReport;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The node agent's {@code inspect} against ipvsadm, the other way round from the conformance scenario:
 * ipvsadm wrote the table, the agent's command line reads it. Its IPVS section must equal
 * {@code ipvsadm -Ln} line for line in the default layout and with each of ipvsadm's column options; its
 * timeouts and sync daemons equal {@code ipvsadm -L --timeout} and {@code --daemon}; after UDP datagrams
 * to a VIP, {@code --stats} shows the connections and still equals ipvsadm's. The only normalisation is
 * the blanks ipvsadm leaves at the end of its lines.
 *
 * <p>Usage: {@code AgentInspect NETNS}, on the namespace {@code agent-inspect.sh} set up (ip_vs loaded, the
 * table written, UDP 192.0.2.14:53 one-packet NAT, routes for 192.0.2.0/24 and 198.51.100.0/24).
 */
public final class AgentInspect {
    /** The inspect option and the ipvsadm arguments that list the same columns. */
    private record Layout(String inspectOption, List<String> ipvsadm) {
    }

    private static final List<Layout> LAYOUTS = List.of(
            new Layout("", List.of("-Ln")),
            new Layout("--stats", List.of("-Ln", "--stats")),
            new Layout("--rate", List.of("-Ln", "--rate")),
            new Layout("--thresholds", List.of("-Ln", "--thresholds")),
            new Layout("--persistent-conn", List.of("-Ln", "--persistent-conn")),
            new Layout("--tun-info", List.of("-Ln", "--tun-info")));
    private static final InetSocketAddress UDP_VIP = new InetSocketAddress("192.0.2.14", 53);
    private static final int DATAGRAMS = 3;
    private static final long COUNTER_WAIT_MS = 6_000; // the kernel folds counters every 2 s

    public static void main(String[] args) throws Exception {
        String ns = args[0];
        Checks checks = new Checks();

        for (Layout l : LAYOUTS) {
            String name = "inspect " + (l.inspectOption().isEmpty() ? "" : l.inspectOption() + " ") + "equals ipvsadm "
                    + String.join(" ", l.ipvsadm());
            List<String> expected = lines(IpvsadmOracle.run(ns, l.ipvsadm().toArray(String[]::new)));
            List<String> actual = section(inspect(ns, l.inspectOption()), InspectReport.IPVS_SECTION);
            checks.check(name, expected.equals(actual), difference(expected, actual));
        }
        List<String> report = inspect(ns, "");
        System.out.println(String.join("\n", report)); // for the log: the report a person would read
        // version and two title lines, then 10 services with 17 destinations
        checks.check("the table holds the 10 services and 17 destinations ipvsadm wrote",
                section(report, InspectReport.IPVS_SECTION).size() == 3 + 10 + 17,
                section(report, InspectReport.IPVS_SECTION).toString());
        checks.check("inspect shows the timeouts as ipvsadm -L --timeout",
                section(report, "# IPVS timeouts").equals(lines(IpvsadmOracle.run(ns, "-L", "--timeout")))
                        && section(report, "# IPVS timeouts").equals(List.of("Timeout (tcp tcpfin udp): 7200 60 120")),
                section(report, "# IPVS timeouts").toString());
        List<String> daemons = lines(IpvsadmOracle.run(ns, "-L", "--daemon"));
        checks.check("inspect shows the sync daemons as ipvsadm -L --daemon",
                section(report, "# IPVS sync daemons").equals(daemons) && daemons.size() == 2,
                difference(daemons, section(report, "# IPVS sync daemons")));
        List<String> schedulers = section(report, "# IPVS schedulers");
        checks.check("schedulers in use are loaded, others are modules, twos is absent",
                schedulers.contains("rr     loaded") && schedulers.contains("mh     loaded")
                        && schedulers.contains("dh     module present") && schedulers.contains("twos   absent")
                        && schedulers.size() == 14, schedulers.toString());
        List<String> lo = section(report, "# Addresses on lo");
        checks.check("the VIPs on lo are listed", lo.contains("inet 203.0.113.10/32 scope global lo")
                && lo.stream().anyMatch(a -> a.startsWith("inet6 2001:db8::10/128 scope global")), lo.toString());
        List<String> sysctls = section(report, "# Sysctls (net.* read under /proc/sys/net)");
        String conntrack = sysctlOracle(ns, "net.ipv4.vs.conntrack");
        checks.check("IPVS sysctls are read once ip_vs is loaded",
                sysctls.stream().anyMatch(s -> s.matches("net\\.ipv4\\.vs\\.conntrack += " + conntrack)), sysctls.toString());

        // traffic: one-packet UDP datagrams to the VIP, each its own connection, from inside the namespace
        NetworkNamespace.named(ns).call(() -> {
            try (DatagramChannel c = DatagramChannel.open()) {
                for (int i = 0; i < DATAGRAMS; i++) {
                    c.send(ByteBuffer.wrap(("query " + i).getBytes(StandardCharsets.US_ASCII)), UDP_VIP);
                }
            }
            return null;
        });
        List<String> stats = List.of();
        long deadline = System.currentTimeMillis() + COUNTER_WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            stats = section(inspect(ns, "--stats"), InspectReport.IPVS_SECTION);
            if (udpConnections(stats) == DATAGRAMS) {
                break;
            }
            Thread.sleep(250);
        }
        checks.check("after " + DATAGRAMS + " datagrams inspect --stats counts " + DATAGRAMS + " connections",
                udpConnections(stats) == DATAGRAMS, stats.toString());
        List<String> ipvsadmStats = lines(IpvsadmOracle.run(ns, "-Ln", "--stats"));
        checks.check("after traffic inspect --stats equals ipvsadm -Ln --stats",
                ipvsadmStats.equals(section(inspect(ns, "--stats"), InspectReport.IPVS_SECTION)),
                difference(ipvsadmStats, section(inspect(ns, "--stats"), InspectReport.IPVS_SECTION)));
        checks.exit();
    }

    /** The agent's report: {@code lvs-node-agent inspect --netns NS [OPTION]}, run in this JVM; it must exit 0. */
    private static List<String> inspect(String ns, String option) {
        List<String> args = new ArrayList<>(List.of("inspect", "--netns", ns));
        if (!option.isEmpty()) {
            args.add(option);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = NodeAgentCli.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        if (exit != NodeAgentCli.EXIT_OK) {
            throw new IllegalStateException("lvs-node-agent " + String.join(" ", args) + " exited " + exit + ": "
                    + err.toString(StandardCharsets.UTF_8));
        }
        return lines(out.toString(StandardCharsets.UTF_8));
    }

    /** The body of a report section: the lines after its title up to the next empty line. */
    private static List<String> section(List<String> report, String title) {
        int start = report.indexOf(title);
        if (start < 0) {
            return List.of();
        }
        int end = start + 1;
        while (end < report.size() && !report.get(end).isEmpty()) {
            end++;
        }
        return report.subList(start + 1, end);
    }

    /** Lines without the blanks ipvsadm pads its last column with, and without the final empty line. */
    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>(Arrays.stream(text.split("\n", -1)).map(String::stripTrailing).toList());
        while (!lines.isEmpty() && lines.getLast().isEmpty()) {
            lines.removeLast();
        }
        return lines;
    }

    /** The Conns column of the UDP VIP's service line, or -1. */
    private static long udpConnections(List<String> stats) {
        return stats.stream().filter(l -> l.startsWith("UDP  192.0.2.14:53 ")).findFirst()
                .map(l -> Long.parseLong(l.trim().split("\\s+")[2])).orElse(-1L);
    }

    private static String sysctlOracle(String ns, String name) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "sysctl", "-n", name).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("sysctl -n " + name + " in " + ns + " failed: " + out);
        }
        return out;
    }

    /** The first line where two listings differ, for a failed check. */
    private static String difference(List<String> ipvsadm, List<String> inspect) {
        for (int i = 0; i < Math.max(ipvsadm.size(), inspect.size()); i++) {
            String a = i < ipvsadm.size() ? ipvsadm.get(i) : "(nothing)";
            String b = i < inspect.size() ? inspect.get(i) : "(nothing)";
            if (!a.equals(b)) {
                return "line " + (i + 1) + ": ipvsadm '" + a + "', inspect '" + b + "'";
            }
        }
        return "";
    }
}
