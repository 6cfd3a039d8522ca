package io.lvs.agent.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.lvs.agent.http.AgentHttp;
import io.lvs.agent.kernel.ipvs.KernelModules;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import io.lvs.agent.kube.AgentLease;
import io.lvs.agent.kube.KubeObjects;
import io.lvs.agent.election.VrrpElection;
import io.lvs.agent.election.VrrpKeyRing;
import io.lvs.agent.kube.LeaseRuleElection;
import io.lvs.agent.kube.ReportWriter;
import io.lvs.agent.node.ActiveDirectors;
import io.lvs.agent.node.ControlLoop;
import io.lvs.agent.node.HealthChecks;
import io.lvs.agent.node.NodeKernel;
import io.lvs.agent.state.StateDirectory;
import io.lvs.api.v1alpha1.validation.ApiObjects;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running agent: the rooms wired together. Starts the kernel side first (the state directory, the kernel
 * handles), then the Kubernetes side without waiting for it (an API server that is down at start holds nothing back:
 * the kernel keeps what it has and the loop waits for the caches). Stops in the order that keeps traffic flowing.
 */
public final class NodeAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);
    /** How long a leaving active director keeps answering after its priority-0 advert (the successor's takeover). */
    private static final Duration HAND_OVER_HOLD = Duration.ofSeconds(1);

    /** How the agent is going away, decided at shutdown from what the API server says. */
    public enum Shutdown {
        /** A restart (rolling update, crash, kubectl delete pod): keep everything; the next agent adopts it. */
        RESTART,
        /** The node is being drained: hand the VIPs over at once, keep the rest for the agent that comes back. */
        DRAIN,
        /** The chart is being uninstalled (the agents' DaemonSet is gone): remove everything this agent added. */
        UNINSTALL
    }

    private final AgentConfig config;
    private final StateDirectory state;
    private final NodeKernel kernel;
    private final KubernetesClient client;
    private final KubeObjects objects;
    private final AgentLease lease;
    private final ActiveDirectors election;
    private final HealthChecks health;
    private final ReportWriter reports;
    private final ControlLoop loop;
    private final AgentHttp http;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private NodeAgent(AgentConfig config, Function<NodeKernel, HealthChecks> healthFactory) {
        this.config = config;
        Clock clock = Clock.systemUTC();
        this.state = StateDirectory.open(config.stateDir());
        this.kernel = new NodeKernel(NetworkNamespace.current(), config.sysctlNet(),
                new KernelModules(Path.of("/sys/module"), config.modulesDir().resolve(AgentConfig.kernelRelease())));
        this.client = client();
        this.objects = new KubeObjects(client, config.nodeName());
        this.election = election(config, client, clock);
        this.lease = new AgentLease(client, config.namespace(), config.nodeName(), clock, election::keyIds);
        this.health = healthFactory.apply(kernel);
        this.reports = new ReportWriter(client, objects, config.nodeName(), clock);
        this.loop = new ControlLoop(config.nodeName(), kernel, state, objects, health, election, reports, clock,
                new ControlLoop.Options(config.resync(), config.drainTimeout(), config.ipvsFullRead()));
        this.http = AgentHttp.start(new InetSocketAddress(config.httpAddress(), config.httpPort()),
                new Endpoints(this));
    }

    /** Starts an agent; {@code healthFactory} builds the health monitor on the node's kernel handles. */
    public static NodeAgent start(AgentConfig config, Function<NodeKernel, HealthChecks> healthFactory) {
        NodeAgent a = new NodeAgent(config, healthFactory);
        a.objects.start();
        a.lease.start();
        a.loop.start();
        LOG.info("lvs-node-agent running on node {} (state {}, http {})", config.nodeName(), config.stateDir(),
                a.http.address());
        return a;
    }

    public AgentConfig config() {
        return config;
    }

    public ControlLoop loop() {
        return loop;
    }

    public AgentHttp http() {
        return http;
    }

    KubeObjects objects() {
        return objects;
    }

    ReportWriter reports() {
        return reports;
    }

    AgentLease lease() {
        return lease;
    }

    HealthChecks health() {
        return health;
    }

    ActiveDirectors election() {
        return election;
    }

    NodeKernel kernel() {
        return kernel;
    }

    /** Blocks until {@link #stop} has finished. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** What the API server says about why this agent is stopping; a restart when it cannot be asked. */
    public Shutdown decideShutdown() {
        try {
            DaemonSet ds = client.apps().daemonSets().inNamespace(config.namespace()).withName(config.daemonSetName()).get();
            if (ds == null || ds.getMetadata().getDeletionTimestamp() != null) {
                return Shutdown.UNINSTALL;
            }
            Node self = client.nodes().withName(config.nodeName()).get();
            if (self != null && self.getSpec() != null && Boolean.TRUE.equals(self.getSpec().getUnschedulable())) {
                return Shutdown.DRAIN;
            }
            return Shutdown.RESTART;
        } catch (KubernetesClientException e) {
            LOG.warn("cannot ask the API server why this agent stops ({}); keeping everything for the next agent",
                    e.getMessage());
            return Shutdown.RESTART;
        }
    }

    /** Stops the agent the way {@code how} asks. */
    public synchronized void stop(Shutdown how) {
        if (stopped.getCount() == 0) {
            return;
        }
        LOG.info("stopping ({})", how);
        try {
            loop.close();
            election.stop(how != Shutdown.RESTART);
            if (how != Shutdown.RESTART) {
                // The standby takes over a Skew_Time after the priority-0 advert and announces the VIP; until its
                // announcement lands, clients still send here: keep answering for a moment, then let go.
                holdForHandOver();
                loop.releaseVips();
            }
            if (how == Shutdown.UNINSTALL) {
                List<String> left = loop.removeEverything();
                if (left.isEmpty()) {
                    LOG.info("removed everything this agent added to the kernel and restored its sysctls");
                } else {
                    left.forEach(p -> LOG.warn("uninstall left something behind: {}", p));
                }
            }
            if (how != Shutdown.RESTART) {
                lease.release();
            }
        } finally {
            closeQuietly(http);
            closeQuietly(health);
            closeQuietly(reports);
            closeQuietly(lease);
            closeQuietly(objects);
            closeQuietly(client);
            closeQuietly(kernel);
            closeQuietly(state);
            stopped.countDown();
        }
    }

    @Override
    public void close() {
        stop(Shutdown.RESTART);
    }

    private void holdForHandOver() {
        if (loop.heldVips().isEmpty()) {
            return;
        }
        try {
            Thread.sleep(HAND_OVER_HOLD.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
        }
    }

    private static ActiveDirectors election(AgentConfig config, KubernetesClient client, Clock clock) {
        if (config.election().equals("vrrp")) {
            Path keyFile = config.vrrpKeyFile().orElseThrow();
            // the constructor reads the key ring: a missing or malformed key file stops the start with its reason
            return new VrrpElection(VrrpElection.sockets(NetworkNamespace.current()), () -> VrrpKeyRing.read(keyFile),
                    config.vrrpCompatibilityPeers(), clock);
        }
        return new LeaseRuleElection(client, config.namespace(), config.nodeName(), clock);
    }

    /** A Kubernetes client from the kubeconfig or the pod's service account, reading lvs.io objects by the API's rules. */
    static KubernetesClient client() {
        Config c = Config.autoConfigure(null);
        c.setRequestTimeout(10_000);
        c.setConnectionTimeout(5_000);
        return new KubernetesClientBuilder().withConfig(c)
                .withKubernetesSerialization(new KubernetesSerialization(ApiObjects.configure(new ObjectMapper()), true))
                .build();
    }
}
