package io.lvs.agent.node;

import io.fabric8.kubernetes.api.model.Node;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VipPool;
import io.lvs.api.v1alpha1.VirtualService;
import java.util.Collection;
import java.util.Map;

/** The objects the loop computes from (the agent's informer caches), and whether they can be trusted yet. */
public interface ObjectSource {
    /** Whether every cache has listed once: before that, a missing object means nothing and nothing is removed. */
    boolean synced();

    Collection<VirtualService> virtualServices();

    Collection<RealServer> realServers();

    Collection<Node> nodes();

    /** Every VipPool: which VIPs which namespaces may use. */
    Collection<VipPool> vipPools();

    /** The labels of namespace {@code name}, or null when it is not known. */
    Map<String, String> namespaceLabels(String name);

    /**
     * A number that changes whenever a cached object desired state is computed from changed (added, updated, deleted):
     * desired state computed at one version stays right while the version stays the same.
     */
    long version();

    /** Called (on a watch thread; must not block) when any object changed. */
    void onChange(Runnable listener);
}
