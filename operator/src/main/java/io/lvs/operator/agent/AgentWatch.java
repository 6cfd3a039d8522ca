package io.lvs.operator.agent;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.lvs.api.v1alpha1.AgentLeases;
import io.lvs.operator.OperatorConfig;
import io.lvs.operator.model.AgentLiveness;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Watches what says whether each node's agent is alive: the agents' Leases, their pods, their DaemonSet (owned by the
 * Helm chart, never written here) and its events, all in the agents' namespace. Tells listeners which nodes' agent
 * state may have changed; a Lease renewal that keeps an agent alive is not news, its lapse is (found by a timer: a
 * Lease that stops being renewed sends no event).
 */
@ApplicationScoped
public class AgentWatch {
    private static final Logger LOG = Logger.getLogger(AgentWatch.class);
    /** Passed to listeners when every node may be affected (the DaemonSet or its events changed). */
    public static final Set<String> ALL_NODES = Set.of("*");
    private static final Duration EXPIRY_CHECK = Duration.ofSeconds(2);

    private final KubernetesClient client;
    private final OperatorConfig config;
    private final List<Consumer<Set<String>>> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Boolean> aliveByNode = new HashMap<>();
    private SharedIndexInformer<Lease> leases;
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<DaemonSet> daemonSets;
    private SharedIndexInformer<Event> events;
    private ScheduledExecutorService timer;

    public AgentWatch(KubernetesClient client, OperatorConfig config) {
        this.client = client;
        this.config = config;
    }

    /** The agents' namespace: configured, else the operator's, else the client's. */
    public String namespace() {
        return config.agent().namespace().or(() -> config.operator().namespace())
                .orElseGet(() -> Objects.requireNonNullElse(client.getNamespace(), "default"));
    }

    /** "namespace/name" of the agents' DaemonSet, for messages. */
    public String daemonSetRef() {
        return namespace() + "/" + config.agent().name();
    }

    /** Starts the informers (once); listeners hear about changes from then on. */
    public synchronized void start() {
        if (leases != null) {
            return;
        }
        String ns = namespace();
        String app = AgentLeases.APP;
        leases = watch(client.leases().inNamespace(ns).withLabel(AgentLeases.APP_LABEL, app).runnableInformer(0),
                new Changes<>(this::leaseNodes));
        pods = watch(client.pods().inNamespace(ns).withLabel(AgentLeases.APP_LABEL, app).runnableInformer(0),
                new Changes<>(this::podNodes));
        daemonSets = watch(client.apps().daemonSets().inNamespace(ns).withField("metadata.name", config.agent().name())
                .runnableInformer(0), new Changes<>(d -> ALL_NODES));
        events = watch(client.v1().events().inNamespace(ns).runnableInformer(0),
                new Changes<>(e -> aboutDaemonSet(e) ? ALL_NODES : Set.of()));
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("agent-lease-expiry").factory());
        timer.scheduleWithFixedDelay(this::checkExpiries, EXPIRY_CHECK.toMillis(), EXPIRY_CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts an informer that keeps retrying through API server outages (never "will stop"). */
    private static <T> SharedIndexInformer<T> watch(SharedIndexInformer<T> informer, ResourceEventHandler<T> handler) {
        informer.addEventHandler(handler);
        informer.exceptionHandler((started, t) -> true);
        informer.start();
        return informer;
    }

    public synchronized void stop() {
        for (SharedIndexInformer<?> i : new SharedIndexInformer<?>[] {leases, pods, daemonSets, events}) {
            if (i != null) {
                i.stop();
            }
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        leases = null;
    }

    /** Whether every informer has listed once: before that, an absent Lease means nothing. */
    public boolean synced() {
        return leases != null && leases.hasSynced() && pods.hasSynced() && daemonSets.hasSynced() && events.hasSynced();
    }

    public void addListener(Consumer<Set<String>> listener) {
        listeners.add(listener);
    }

    /** The liveness of every agent of {@code nodes} as of {@code now}, from the current caches. */
    public AgentLiveness liveness(Collection<Node> nodes, Instant now) {
        if (!synced()) {
            return AgentLiveness.everyoneAlive(nodes); // not known yet: believe the reports rather than hide them
        }
        Optional<DaemonSet> ds = daemonSets.getStore().list().stream().findFirst();
        List<Event> dsEvents = events.getStore().list().stream().filter(this::aboutDaemonSet).toList();
        return AgentLiveness.assess(new AgentLiveness.Inputs(leases.getStore().list(), pods.getStore().list(), ds, dsEvents,
                nodes, daemonSetRef(), now));
    }

    /**
     * The advert key ids each live agent reports on its Lease ({@link AgentLeases#KEY_IDS_ANNOTATION}), signing first,
     * by node: an empty list for one that reports none; agents whose Lease lapsed are not listed. Empty until synced.
     */
    public Optional<Map<String, List<Integer>>> keyIds(Instant now) {
        if (!synced()) {
            return Optional.empty();
        }
        Map<String, List<Integer>> out = new HashMap<>();
        for (Lease l : leases.getStore().list()) {
            if (l.getSpec() == null || l.getSpec().getHolderIdentity() == null || !leaseAlive(l, now)) {
                continue;
            }
            Map<String, String> a = l.getMetadata().getAnnotations();
            out.put(l.getSpec().getHolderIdentity(),
                    AgentLeases.keyIds(a == null ? null : a.get(AgentLeases.KEY_IDS_ANNOTATION)));
        }
        return Optional.of(out);
    }

    private boolean aboutDaemonSet(Event e) {
        return e.getInvolvedObject() != null && "DaemonSet".equals(e.getInvolvedObject().getKind())
                && config.agent().name().equals(e.getInvolvedObject().getName());
    }

    private Set<String> leaseNodes(Lease l) {
        return l.getSpec() == null || l.getSpec().getHolderIdentity() == null ? Set.of() : Set.of(l.getSpec().getHolderIdentity());
    }

    private Set<String> podNodes(Pod p) {
        return p.getSpec() == null || p.getSpec().getNodeName() == null ? ALL_NODES : Set.of(p.getSpec().getNodeName());
    }

    /** Notifies about nodes whose Lease lapsed or came back since the last check. */
    private void checkExpiries() {
        try {
            Set<String> changed = new HashSet<>();
            Instant now = Instant.now();
            synchronized (aliveByNode) {
                Set<String> seen = new HashSet<>();
                for (Lease l : leases.getStore().list()) {
                    if (l.getSpec() == null || l.getSpec().getHolderIdentity() == null) {
                        continue;
                    }
                    String node = l.getSpec().getHolderIdentity();
                    seen.add(node);
                    boolean alive = leaseAlive(l, now);
                    Boolean before = aliveByNode.put(node, alive);
                    if (before != null && before != alive) {
                        changed.add(node);
                    }
                }
                aliveByNode.keySet().retainAll(seen);
            }
            if (!changed.isEmpty()) {
                notifyListeners(changed);
            }
        } catch (RuntimeException e) {
            LOG.warnf("checking the agents' Leases failed: %s", e.getMessage());
        }
    }

    private static boolean leaseAlive(Lease l, Instant now) {
        try {
            int seconds = l.getSpec().getLeaseDurationSeconds() == null ? 40 : l.getSpec().getLeaseDurationSeconds();
            return l.getSpec().getRenewTime().toInstant().plusSeconds(seconds).isAfter(now);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void notifyListeners(Set<String> nodes) {
        for (Consumer<Set<String>> l : listeners) {
            try {
                l.accept(nodes);
            } catch (RuntimeException e) {
                LOG.warnf("an agent-state listener failed: %s", e.getMessage());
            }
        }
    }

    /** Forwards adds, deletes and updates that can change a node's agent state (not plain Lease renewals). */
    private final class Changes<T> implements ResourceEventHandler<T> {
        private final java.util.function.Function<T, Set<String>> nodesOf;

        Changes(java.util.function.Function<T, Set<String>> nodesOf) {
            this.nodesOf = nodesOf;
        }

        @Override
        public void onAdd(T obj) {
            notifyListeners(nodesOf.apply(obj));
        }

        @Override
        public void onUpdate(T before, T now) {
            if (now instanceof Lease l && before instanceof Lease b && Objects.equals(leaseNodes(l), leaseNodes(b))
                    && leaseAlive(b, Instant.now()) == leaseAlive(l, Instant.now())) {
                return; // a renewal: the agent stays alive
            }
            Set<String> nodes = new HashSet<>(nodesOf.apply(before));
            nodes.addAll(nodesOf.apply(now));
            notifyListeners(nodes);
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            notifyListeners(nodesOf.apply(obj));
        }
    }
}
