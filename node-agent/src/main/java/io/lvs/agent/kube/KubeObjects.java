package io.lvs.agent.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.lvs.agent.node.ObjectSource;
import io.lvs.api.v1alpha1.NodeReport;
import io.lvs.api.v1alpha1.NodeReports;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VipPool;
import io.lvs.api.v1alpha1.VirtualService;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Informers on VirtualServices, RealServers, Nodes, VipPools and Namespaces (every namespace) and on this node's own
 * NodeReports: the caches the loop computes from. Started without waiting, so an API server that is down at start does not hold the
 * agent back (the kernel keeps what it has; the loop waits for {@link #synced()}).
 *
 * <p>The caches keep of each object only what the agent reads ({@link LeanStore}): a VirtualService's accepted spec
 * and generation (its spec only while none is accepted), a RealServer's spec, a Node's labels and addresses, a
 * Namespace's labels; never managedFields or annotations. Listeners hear of a change only once every cache has synced,
 * and only when something was stored since they last heard: the initial lists' thousands of events (which the informers
 * deliver after each list) wake nobody but once.
 */
public final class KubeObjects implements ObjectSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubeObjects.class);
    /**
     * Objects per list request: a list is read whole into memory before the store trims it, so at thousands of objects
     * an unpaged list would be the agent's largest allocation (a relist after a long watch outage too).
     */
    private static final long LIST_PAGE = 500;

    private final SharedIndexInformer<VirtualService> virtualServices;
    private final SharedIndexInformer<RealServer> realServers;
    private final SharedIndexInformer<Node> nodes;
    private final SharedIndexInformer<NodeReport> reports;
    private final SharedIndexInformer<VipPool> pools;
    private final SharedIndexInformer<Namespace> namespaces;
    private final List<SharedIndexInformer<? extends HasMetadata>> all;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** Changes stored of the kinds desired state is computed from: {@link #version()}. */
    private final AtomicLong changes = new AtomicLong();
    /**
     * Changes stored of this node's NodeReports: they wake the listeners (the report writer rewrites a report someone
     * changed or deleted) but not a recomputation of desired state, which does not read them (at start-up the agent's
     * own thousand creations would each have moved the version).
     */
    private final AtomicLong reportChanges = new AtomicLong();
    /** The sum of {@link #changes} and {@link #reportChanges} listeners last heard of. */
    private final AtomicLong told = new AtomicLong(-1);

    public KubeObjects(KubernetesClient client, String nodeName) {
        ResourceEventHandler<HasMetadata> handler = new Changes();
        virtualServices = lean(client.resources(VirtualService.class).inAnyNamespace().withLimit(LIST_PAGE)
                .runnableInformer(0), LeanStore::virtualService);
        realServers = lean(client.resources(RealServer.class).inAnyNamespace().withLimit(LIST_PAGE).runnableInformer(0),
                LeanStore::realServer);
        nodes = lean(client.nodes().withLimit(LIST_PAGE).runnableInformer(0), LeanStore::node);
        reports = client.resources(NodeReport.class).inAnyNamespace()
                .withLabel(NodeReport.NODE_LABEL, NodeReports.labelValue(nodeName)).withLimit(LIST_PAGE)
                .runnableInformer(0).itemStore(new LeanStore<>(LeanStore::nodeReport, reportChanges));
        pools = lean(client.resources(VipPool.class).withLimit(LIST_PAGE).runnableInformer(0), LeanStore::vipPool);
        namespaces = lean(client.namespaces().withLimit(LIST_PAGE).runnableInformer(0), LeanStore::namespace);
        all = List.of(virtualServices, realServers, nodes, reports, pools, namespaces);
        for (SharedIndexInformer<? extends HasMetadata> i : all) {
            @SuppressWarnings("unchecked")
            SharedIndexInformer<HasMetadata> any = (SharedIndexInformer<HasMetadata>) i;
            any.removeNamespaceIndex(); // nothing looks objects up by namespace
            any.addEventHandler(handler);
            any.exceptionHandler((isStarted, t) -> {
                LOG.warn("watch of {} failed, retrying: {}", any.getApiTypeClass().getSimpleName(), t.toString());
                return true; // keep retrying: the kernel keeps serving from the last state meanwhile
            });
        }
    }

    private <T extends HasMetadata> SharedIndexInformer<T> lean(SharedIndexInformer<T> informer, UnaryOperator<T> trim) {
        return informer.itemStore(new LeanStore<>(trim, changes));
    }

    /** Starts every informer; returns at once. Listeners hear once when the last one has synced. */
    public void start() {
        java.util.List<java.util.concurrent.CompletableFuture<Void>> started = new java.util.ArrayList<>();
        for (SharedIndexInformer<?> i : all) {
            started.add(i.start().toCompletableFuture());
        }
        // a cache that syncs empty fires no event: without this the first full pass would wait for the resync timer
        java.util.concurrent.CompletableFuture.allOf(started.toArray(java.util.concurrent.CompletableFuture[]::new))
                .thenRun(this::tell);
    }

    @Override
    public boolean synced() {
        return all.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    /** Whether every watch is running (false while the API server cannot be reached). */
    public boolean watching() {
        return all.stream().allMatch(SharedIndexInformer::isWatching);
    }

    @Override
    public long version() {
        return changes.get();
    }

    @Override
    public Collection<VirtualService> virtualServices() {
        return virtualServices.getStore().list();
    }

    @Override
    public Collection<RealServer> realServers() {
        return realServers.getStore().list();
    }

    @Override
    public Collection<Node> nodes() {
        return nodes.getStore().list();
    }

    @Override
    public Collection<VipPool> vipPools() {
        return pools.getStore().list();
    }

    @Override
    public java.util.Map<String, String> namespaceLabels(String name) {
        Namespace n = namespaces.getStore().getByKey(name);
        return n == null ? null : n.getMetadata().getLabels();
    }

    /** This node's NodeReports as the API server last showed them. */
    public Collection<NodeReport> ownReports() {
        return reports.getStore().list();
    }

    /** The VirtualService {@code namespace/name}, from the cache. */
    public Optional<VirtualService> virtualService(String namespace, String name) {
        return Optional.ofNullable(virtualServices.getStore().getByKey(namespace + "/" + name));
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        for (SharedIndexInformer<?> i : all) {
            i.stop();
        }
    }

    /**
     * Tells the listeners, once every cache has synced, if anything was stored since they last heard: an event whose
     * change an earlier call already covered (the listeners read the caches after that call) wakes nobody.
     */
    private void tell() {
        if (!synced()) {
            return;
        }
        long now = changes.get() + reportChanges.get();
        if (told.getAndSet(now) != now) {
            listeners.forEach(Runnable::run);
        }
    }

    private final class Changes implements ResourceEventHandler<HasMetadata> {
        @Override
        public void onAdd(HasMetadata obj) {
            tell();
        }

        @Override
        public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
            tell();
        }

        @Override
        public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
            tell();
        }
    }
}
