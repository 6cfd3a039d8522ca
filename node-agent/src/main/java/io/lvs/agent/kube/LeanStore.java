package io.lvs.agent.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.lvs.api.v1alpha1.NodeReport;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VipPool;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.VirtualServiceStatus;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An informer's item store that keeps of each object only what the agent reads, and counts the changes it stores. At
 * 1,000 VirtualServices and 4,000 RealServers the whole objects (the operator's conditions and per-director status, a
 * real API server's managedFields and kubectl's last-applied annotation, a Node's images and conditions) were most of
 * the agent's heap.
 *
 * <p>The store trims the object the watch delivered (nobody else holds it), so event handlers see the trimmed object
 * too. Kept of every kind: name, namespace, resourceVersion, labels; of a VirtualService also its uid (its NodeReports'
 * owner), generation, creation time (the older of two claims wins) and deletion time. Namespaces, apiVersion and kind
 * are shared strings: thousands of objects hold the same few.
 */
final class LeanStore<T extends HasMetadata> implements ItemStore<T> {
    private final ConcurrentHashMap<String, T> items = new ConcurrentHashMap<>();
    private final UnaryOperator<T> trim;
    private final AtomicLong changes;

    /** A store keeping what {@code trim} leaves of each object; every stored change increments {@code changes}. */
    LeanStore(UnaryOperator<T> trim, AtomicLong changes) {
        this.trim = trim;
        this.changes = changes;
    }

    @Override
    public String getKey(T obj) {
        return Cache.metaNamespaceKeyFunc(obj);
    }

    @Override
    public T put(String key, T obj) {
        T before = items.put(key, trim.apply(obj));
        if (before == null || !Objects.equals(before.getMetadata().getResourceVersion(),
                obj.getMetadata().getResourceVersion())) {
            changes.incrementAndGet(); // a relist that finds an object unchanged changes nothing
        }
        return before;
    }

    @Override
    public T remove(String key) {
        T before = items.remove(key);
        if (before != null) {
            changes.incrementAndGet();
        }
        return before;
    }

    @Override
    public Stream<String> keySet() {
        return items.keySet().stream();
    }

    @Override
    public Stream<T> values() {
        return items.values().stream();
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public T get(String key) {
        return items.get(key);
    }

    /** The metadata fields the agent reads of every kind (see the class comment). */
    static ObjectMeta metadata(ObjectMeta m) {
        ObjectMeta lean = new ObjectMeta();
        lean.setName(m.getName());
        lean.setNamespace(shared(m.getNamespace()));
        lean.setResourceVersion(m.getResourceVersion());
        lean.setLabels(m.getLabels());
        return lean;
    }

    /** {@code apiVersion} and {@code kind} as shared strings. */
    private static <T extends HasMetadata> T typed(T obj, Consumer<String> setKind) {
        obj.setApiVersion(shared(obj.getApiVersion()));
        setKind.accept(shared(obj.getKind()));
        return obj;
    }

    private static String shared(String s) {
        return s == null ? null : s.intern();
    }

    /**
     * A VirtualService: its accepted generation and spec (what agents program) and, while no accepted spec is recorded,
     * its spec; not the operator's conditions, roles and counts.
     */
    static VirtualService virtualService(VirtualService vs) {
        ObjectMeta m = vs.getMetadata();
        ObjectMeta meta = metadata(m);
        meta.setUid(m.getUid());
        meta.setGeneration(m.getGeneration());
        meta.setCreationTimestamp(m.getCreationTimestamp());
        meta.setDeletionTimestamp(m.getDeletionTimestamp());
        typed(vs, vs::setKind).setMetadata(meta);
        VirtualServiceStatus st = vs.getStatus();
        if (st != null) {
            VirtualServiceStatus lean = new VirtualServiceStatus();
            lean.setObservedGeneration(st.getObservedGeneration());
            lean.setAcceptedGeneration(st.getAcceptedGeneration());
            lean.setAcceptedSpec(st.getAcceptedSpec());
            vs.setStatus(lean);
            if (st.getAcceptedSpec() != null) {
                vs.setSpec(null); // read only while no spec was accepted (model.DesiredState.acceptedSpec)
            }
        }
        return vs;
    }

    /** A RealServer: its spec; its status (conditions, last probe) is the operator's and the agents' output. */
    static RealServer realServer(RealServer rs) {
        typed(rs, rs::setKind).setMetadata(metadata(rs.getMetadata()));
        rs.setStatus(null);
        return rs;
    }

    /** A Node: its labels (director selectors) and addresses; not its spec, images, conditions or capacity. */
    static Node node(Node n) {
        typed(n, n::setKind).setMetadata(metadata(n.getMetadata()));
        n.setSpec(null);
        if (n.getStatus() != null) {
            NodeStatus lean = new NodeStatus();
            lean.setAddresses(n.getStatus().getAddresses());
            n.setStatus(lean);
        }
        return n;
    }

    /** A Namespace: its labels (VipPools select namespaces by them). */
    static Namespace namespace(Namespace ns) {
        typed(ns, ns::setKind).setMetadata(metadata(ns.getMetadata()));
        ns.setSpec(null);
        ns.setStatus(null);
        return ns;
    }

    /** A VipPool: its spec. */
    static VipPool vipPool(VipPool p) {
        typed(p, p::setKind).setMetadata(metadata(p.getMetadata()));
        p.setStatus(null);
        return p;
    }

    /**
     * This node's own NodeReport: whole but for managedFields. The writer compares its status and sends the object back
     * (a status update; an API server that stored the object as sent would otherwise lose its labels and owner).
     */
    static NodeReport nodeReport(NodeReport r) {
        r.getMetadata().setManagedFields(null);
        return typed(r, r::setKind);
    }
}
