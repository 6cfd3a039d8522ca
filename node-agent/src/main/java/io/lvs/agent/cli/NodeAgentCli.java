package io.lvs.agent.cli;

import io.lvs.agent.inspect.InspectReport;
import io.lvs.agent.inspect.NodeInspector;
import io.lvs.agent.inspect.NodeView;
import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.ipvs.KernelModules;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code lvs-node-agent}, the node agent image's entry point: {@code run} is the agent (the DaemonSet's command),
 * {@code inspect} prints this node's kernel state read-only, {@code cleanup} removes what an agent left, {@code help}
 * lists the commands. Exit status 0 on success, 1 when something could not be done or read, 2 for a usage error.
 */
public final class NodeAgentCli {
    /** Everything that exists was read. */
    public static final int EXIT_OK = 0;
    /** Some state could not be read (no permission, no such namespace); the message says what. */
    public static final int EXIT_INCOMPLETE = 1;
    /** The command line makes no command. */
    public static final int EXIT_USAGE = 2;

    /** The node's name; the operator's DaemonSet sets it from the downward API (spec.nodeName). */
    public static final String NODE_NAME = "NODE_NAME";
    /** Where the host's /proc/sys/net is mounted in the agent's container (its own /proc/sys is read-only). */
    public static final String SYSCTL_NET = "LVS_AGENT_SYSCTL_NET";

    static final String USAGE = """
            Usage: lvs-node-agent COMMAND [OPTIONS]

            The lvs-operator node agent.

            Commands:
              inspect [--netns NAME] [--stats | --rate | --thresholds | --persistent-conn | --tun-info]
                  Print this node's kernel state; reads only, changes nothing:
                    - IPVS: version, the table as "ipvsadm -Ln" lists it (the options choose the same
                      columns as ipvsadm's), timeouts and sync daemons; or why this kernel has no IPVS
                    - which of the 14 IPVS schedulers the kernel can provide
                    - the addresses on lo (the VIPs of DSR and tunnel real servers)
                    - the forwarding, ARP, rp_filter and IPVS sysctls the product uses
                  --netns NAME reads the network namespace /var/run/netns/NAME instead of the agent's own.
              run
                  The agent: programs this node's kernel (IPVS, VIPs, sysctls) from the VirtualServices and
                  RealServers it reads from Kubernetes, probes real servers, takes part in the directors'
                  election and writes this node's NodeReports, until SIGTERM. On SIGTERM it keeps everything
                  for the next agent (a restart), hands its VIPs over (the node is cordoned: a drain), or
                  removes everything it added (the agents' DaemonSet is gone: an uninstall).
              cleanup
                  Remove everything the state directory says an agent added (VIPs, IPVS entries) and restore
                  the sysctls it changed, with no agent running. Entries no agent recorded are not touched.
              help
                  Print this text.

            Environment (the chart sets all of them):
              NODE_NAME                the node's name (run: required; from the downward API)
              POD_NAMESPACE            the agents' namespace, where their Leases live (default lvs-system)
              LVS_AGENT_DAEMONSET      the agents' DaemonSet (default lvs-node-agent)
              LVS_AGENT_STATE_DIR      what the agent owns in the kernel (default /var/lib/lvs-node-agent)
              LVS_AGENT_SYSCTL_NET     read and write net.* sysctls under this directory instead of /proc/sys/net
                                       (the DaemonSet mounts the host's /proc/sys/net at /host/proc/sys/net)
              LVS_AGENT_MODULES_DIR    the kernel modules, to tell which IPVS schedulers can load (default /lib/modules)
              LVS_AGENT_HTTP_ADDRESS   address of /metrics, /healthz, /readyz, /inspect (default 0.0.0.0)
              LVS_AGENT_HTTP_PORT      their port (default 9470; 0 picks a free one)
              LVS_AGENT_RESYNC         the longest time between two looks at the kernel (default 1s)
              LVS_AGENT_DRAIN_TIMEOUT  the longest a leaving real server drains (default 30s)
              LVS_AGENT_LOG_LEVEL      ERROR, WARN, INFO (default) or DEBUG
              KUBECONFIG               a kubeconfig to use instead of the pod's service account

            Exit status: 0 on success, 1 when something could not be done or read (for example without
            CAP_NET_ADMIN), 2 for a usage error.
            """;

    private NodeAgentCli() {
    }

    public static void main(String[] args) {
        Logging.configure(System.getenv());
        System.exit(run(List.of(args), System.getenv(), System.out, System.err));
    }

    /** Runs one command and returns its exit status: {@link #main} without {@code System.exit}. */
    public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        return switch (Command.parse(args)) {
            case Command.Help h -> {
                out.print(USAGE);
                yield EXIT_OK;
            }
            case Command.Inspect i -> inspect(i, env, out, err);
            case Command.Run r -> io.lvs.agent.app.AgentMain.run(env, err);
            case Command.Cleanup c -> io.lvs.agent.app.AgentMain.cleanup(env, out, err);
            case Command.Invalid v -> {
                err.println("lvs-node-agent: " + v.message() + "\nTry 'lvs-node-agent help'.");
                yield EXIT_USAGE;
            }
        };
    }

    private static int inspect(Command.Inspect command, Map<String, String> env, PrintStream out, PrintStream err) {
        NetworkNamespace namespace;
        try {
            namespace = command.netns().map(NetworkNamespace::named).orElse(NetworkNamespace.current());
        } catch (IllegalArgumentException e) {
            err.println("lvs-node-agent inspect: " + e.getMessage());
            return EXIT_USAGE;
        }
        Path sysctlDirectory = nonBlank(env.get(SYSCTL_NET)).map(Path::of).orElse(NodeInspector.PROC_SYS_NET);
        NodeView view;
        try {
            view = new NodeInspector(namespace, sysctlDirectory, nonBlank(env.get(NODE_NAME)), KernelModules::system).read();
        } catch (KernelException e) {
            err.println("lvs-node-agent inspect: " + e.getMessage());
            return EXIT_INCOMPLETE;
        }
        out.print(InspectReport.text(view, command.layout()));
        out.flush();
        if (view.incomplete()) {
            err.println("lvs-node-agent inspect: some of this node's state could not be read (the lines starting with "
                    + "'error:' say what)");
            return EXIT_INCOMPLETE;
        }
        return EXIT_OK;
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip());
    }
}
