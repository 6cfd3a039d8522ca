package io.lvs.agent.node;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.lvs.agent.kernel.ipvs.KernelModules;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import io.lvs.agent.kube.KubeObjects;
import io.lvs.agent.kube.LeaseRuleElection;
import io.lvs.agent.kube.ReportWriter;
import io.lvs.agent.state.StateDirectory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * One node's agent rooms (informers, report writer, election, loop) running in this JVM against a network namespace
 * and an API server: what {@code lvs-node-agent run} wires, without the process around it.
 */
final class AgentOnNetns implements AutoCloseable {
    final KubeObjects objects;
    final ReportWriter reports;
    final LeaseRuleElection election;
    final NodeKernel kernel;
    final StateDirectory state;
    final FixedHealth health = new FixedHealth();
    final ControlLoop loop;

    AgentOnNetns(KubernetesClient client, String node, NetworkNamespace ns, Path stateDir) {
        this(client, node, ns, stateDir, new ControlLoop.Options(Duration.ofMillis(500), Duration.ofSeconds(5),
                Duration.ofSeconds(30)));
    }

    AgentOnNetns(KubernetesClient client, String node, NetworkNamespace ns, Path stateDir, ControlLoop.Options options) {
        Clock clock = Clock.systemUTC();
        objects = new KubeObjects(client, node);
        reports = new ReportWriter(client, objects, node, clock);
        election = new LeaseRuleElection(client, "lvs-system", node, clock);
        kernel = new NodeKernel(ns, Path.of("/proc/sys/net"), KernelModules.system());
        state = StateDirectory.open(stateDir);
        loop = new ControlLoop(node, kernel, state, objects, health, election, reports, clock, options);
        objects.start();
        loop.start();
    }

    @Override
    public void close() {
        loop.close();
        election.stop(false);
        reports.close();
        objects.close();
        kernel.close();
        state.close();
    }
}
