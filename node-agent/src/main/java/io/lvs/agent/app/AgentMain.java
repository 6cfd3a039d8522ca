package io.lvs.agent.app;

import io.lvs.agent.cli.NodeAgentCli;
import io.lvs.agent.kernel.ipvs.KernelModules;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import io.lvs.agent.node.KernelCleanup;
import io.lvs.agent.node.MonitoredHealth;
import io.lvs.agent.node.NodeKernel;
import io.lvs.agent.state.StateDirectory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code lvs-node-agent run} and {@code lvs-node-agent cleanup}. */
public final class AgentMain {
    private AgentMain() {
    }

    /** Runs the agent until SIGTERM; returns the exit status. */
    public static int run(Map<String, String> env, PrintStream err) {
        AgentConfig config;
        try {
            config = AgentConfig.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            err.println("lvs-node-agent run: " + e.getMessage());
            return NodeAgentCli.EXIT_USAGE;
        }
        Logger log = LoggerFactory.getLogger(AgentMain.class);
        NodeAgent agent;
        try {
            agent = NodeAgent.start(config, kernel -> MonitoredHealth.start(kernel, config.nodeName()));
        } catch (RuntimeException e) {
            log.error("the agent could not start: {}", e.getMessage(), e);
            return NodeAgentCli.EXIT_INCOMPLETE;
        }
        Thread hook = new Thread(() -> agent.stop(agent.decideShutdown()), "lvs-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            agent.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return NodeAgentCli.EXIT_OK;
    }

    /** Removes everything the state directory records; returns the exit status. */
    public static int cleanup(Map<String, String> env, PrintStream out, PrintStream err) {
        Path stateDir = Path.of(env.getOrDefault("LVS_AGENT_STATE_DIR", "/var/lib/lvs-node-agent"));
        Path sysctlNet = Path.of(env.getOrDefault("LVS_AGENT_SYSCTL_NET", "/proc/sys/net"));
        try (StateDirectory state = StateDirectory.open(stateDir);
             NodeKernel kernel = new NodeKernel(NetworkNamespace.current(), sysctlNet, KernelModules.system())) {
            List<String> left = KernelCleanup.removeEverything(kernel, state, Clock.systemUTC());
            if (left.isEmpty()) {
                out.println("removed everything recorded in " + stateDir + " and restored the sysctls it changed");
                return NodeAgentCli.EXIT_OK;
            }
            left.forEach(p -> err.println("lvs-node-agent cleanup: " + p));
            return NodeAgentCli.EXIT_INCOMPLETE;
        } catch (RuntimeException e) {
            err.println("lvs-node-agent cleanup: " + e.getMessage());
            return NodeAgentCli.EXIT_INCOMPLETE;
        }
    }
}
