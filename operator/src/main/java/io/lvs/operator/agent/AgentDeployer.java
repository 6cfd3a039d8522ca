package io.lvs.operator.agent;

import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.lvs.operator.OperatorConfig;
import io.lvs.operator.model.AgentPlacement;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Keeps the node agents' DaemonSet (and its ServiceAccount) equal to what the current placement needs: created when
 * a first node needs an agent, its node affinity updated as VirtualServices, RealServers and node labels change,
 * deleted when no node needs one. Writes only when something differs.
 */
@ApplicationScoped
public class AgentDeployer {
    private static final Logger LOG = Logger.getLogger(AgentDeployer.class);

    private final KubernetesClient client;
    private final OperatorConfig config;

    public AgentDeployer(KubernetesClient client, OperatorConfig config) {
        this.client = client;
        this.config = config;
    }

    /** The agents' namespace: configured, else the operator's, else the client's. */
    public String namespace() {
        return config.agent().namespace().or(() -> config.operator().namespace())
                .orElseGet(() -> Objects.requireNonNullElse(client.getNamespace(), "default"));
    }

    /** Makes the cluster match {@code placement}. Synchronized: reconcilers of different objects call it concurrently. */
    public synchronized void sync(AgentPlacement.Placement placement) {
        String ns = namespace();
        OperatorConfig.Agent cfg = config.agent();
        DaemonSet current = client.apps().daemonSets().inNamespace(ns).withName(cfg.name()).get();
        Optional<NodeAffinity> affinity = AgentPlacement.toNodeAffinity(placement);
        if (affinity.isEmpty()) {
            if (current != null && isOurs(current)) {
                LOG.infof("no node needs an lvs agent any more: deleting DaemonSet %s/%s", ns, cfg.name());
                client.apps().daemonSets().inNamespace(ns).withName(cfg.name()).delete();
            }
            return;
        }
        Optional<OwnerReference> owner = owner(ns);
        ensureServiceAccount(ns, owner);
        DaemonSet desired = AgentDaemonSet.daemonSet(cfg, ns, affinity.get(), owner);
        if (current == null) {
            LOG.infof("creating DaemonSet %s/%s for the lvs node agents", ns, cfg.name());
            client.apps().daemonSets().inNamespace(ns).resource(desired).create();
        } else if (!Objects.equals(current.getSpec().getTemplate(), desired.getSpec().getTemplate())
                || !Objects.equals(current.getMetadata().getLabels(), desired.getMetadata().getLabels())) {
            LOG.infof("updating DaemonSet %s/%s (agent placement or settings changed)", ns, cfg.name());
            desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
            desired.getSpec().setSelector(current.getSpec().getSelector()); // immutable
            client.apps().daemonSets().inNamespace(ns).resource(desired).update();
        }
    }

    private boolean isOurs(DaemonSet ds) {
        return ds.getMetadata().getLabels() != null
                && AgentDaemonSet.APP.equals(ds.getMetadata().getLabels().get(AgentDaemonSet.APP_LABEL));
    }

    private void ensureServiceAccount(String ns, Optional<OwnerReference> owner) {
        String name = config.agent().serviceAccount();
        if (client.serviceAccounts().inNamespace(ns).withName(name).get() == null) {
            ServiceAccount sa = AgentDaemonSet.serviceAccount(config.agent(), ns, owner);
            client.serviceAccounts().inNamespace(ns).resource(sa).create();
        }
    }

    /** The operator's Deployment, so that uninstalling the operator garbage-collects its agents. */
    private Optional<OwnerReference> owner(String ns) {
        return config.operator().deploymentName().map(name -> client.apps().deployments().inNamespace(ns).withName(name).get())
                .map((Deployment d) -> new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                        .withName(d.getMetadata().getName()).withUid(d.getMetadata().getUid())
                        .withBlockOwnerDeletion(false).withController(false).build());
    }
}
