package io.lvs.agent.node;

import io.fabric8.kubernetes.api.model.Node;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VirtualService;
import java.util.Collection;

/** The objects the loop computes from (the agent's informer caches), and whether they can be trusted yet. */
public interface ObjectSource {
    /** Whether every cache has listed once: before that, a missing object means nothing and nothing is removed. */
    boolean synced();

    Collection<VirtualService> virtualServices();

    Collection<RealServer> realServers();

    Collection<Node> nodes();

    /** Called (on a watch thread; must not block) when any object changed. */
    void onChange(Runnable listener);
}
