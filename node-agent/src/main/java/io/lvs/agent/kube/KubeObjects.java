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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Informers on VirtualServices, RealServers, Nodes, VipPools and Namespaces (every namespace) and on this node's own
 * NodeReports: the caches the loop computes from. Started without waiting, so an API server that is down at start does not hold the
 * agent back (the kernel keeps what it has; the loop waits for {@link #synced()}).
 */
public final class KubeObjects implements ObjectSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubeObjects.class);

    private final SharedIndexInformer<VirtualService> virtualServices;
    private final SharedIndexInformer<RealServer> realServers;
    private final SharedIndexInformer<Node> nodes;
    private final SharedIndexInformer<NodeReport> reports;
    private final SharedIndexInformer<VipPool> pools;
    private final SharedIndexInformer<Namespace> namespaces;
    private final List<SharedIndexInformer<? extends HasMetadata>> all;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public KubeObjects(KubernetesClient client, String nodeName) {
        ResourceEventHandler<HasMetadata> handler = new Changes();
        virtualServices = client.resources(VirtualService.class).inAnyNamespace().runnableInformer(0);
        realServers = client.resources(RealServer.class).inAnyNamespace().runnableInformer(0);
        nodes = client.nodes().runnableInformer(0);
        reports = client.resources(NodeReport.class).inAnyNamespace()
                .withLabel(NodeReport.NODE_LABEL, NodeReports.labelValue(nodeName)).runnableInformer(0);
        pools = client.resources(VipPool.class).runnableInformer(0);
        namespaces = client.namespaces().runnableInformer(0);
        all = List.of(virtualServices, realServers, nodes, reports, pools, namespaces);
        for (SharedIndexInformer<? extends HasMetadata> i : all) {
            @SuppressWarnings("unchecked")
            SharedIndexInformer<HasMetadata> any = (SharedIndexInformer<HasMetadata>) i;
            any.addEventHandler(handler);
            any.exceptionHandler((isStarted, t) -> {
                LOG.warn("watch of {} failed, retrying: {}", any.getApiTypeClass().getSimpleName(), t.toString());
                return true; // keep retrying: the kernel keeps serving from the last state meanwhile
            });
        }
    }

    /** Starts every informer; returns at once. Listeners hear once more when the last one has synced. */
    public void start() {
        java.util.List<java.util.concurrent.CompletableFuture<Void>> started = new java.util.ArrayList<>();
        for (SharedIndexInformer<?> i : all) {
            started.add(i.start().toCompletableFuture());
        }
        // a cache that syncs empty fires no event: without this the first full pass would wait for the resync timer
        java.util.concurrent.CompletableFuture.allOf(started.toArray(java.util.concurrent.CompletableFuture[]::new))
                .thenRun(() -> listeners.forEach(Runnable::run));
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

    private final class Changes implements ResourceEventHandler<HasMetadata> {
        @Override
        public void onAdd(HasMetadata obj) {
            fire();
        }

        @Override
        public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
            if (!java.util.Objects.equals(oldObj.getMetadata().getResourceVersion(), newObj.getMetadata().getResourceVersion())) {
                fire();
            }
        }

        @Override
        public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
            fire();
        }

        private void fire() {
            listeners.forEach(Runnable::run);
        }
    }
}
