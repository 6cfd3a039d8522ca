package io.lvs.operator.agent;

import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.lvs.operator.OperatorConfig;
import java.util.Map;
import java.util.Optional;

/**
 * The node agents' DaemonSet and ServiceAccount as the operator wants them. Agents run in the host network namespace
 * with only NET_ADMIN (netlink: IPVS, addresses) and NET_RAW (gratuitous ARP, ICMP probes), a read-only root file
 * system, and two host paths: the network sysctls (container runtimes mount /proc/sys read-only) and a state directory
 * recording what the agent owns in the kernel.
 */
public final class AgentDaemonSet {
    public static final String APP_LABEL = "app.kubernetes.io/name";
    public static final String APP = "lvs-node-agent";
    public static final Map<String, String> LABELS = Map.of(APP_LABEL, APP,
            "app.kubernetes.io/part-of", "lvs-operator", "app.kubernetes.io/managed-by", "lvs-operator");
    /** Where the host's /proc/sys/net appears inside the agent. */
    public static final String HOST_SYSCTL_NET = "/host/proc/sys/net";

    private AgentDaemonSet() {
    }

    public static ServiceAccount serviceAccount(OperatorConfig.Agent cfg, String namespace, Optional<OwnerReference> owner) {
        return new ServiceAccountBuilder().withNewMetadata().withName(cfg.serviceAccount()).withNamespace(namespace)
                .withLabels(LABELS).withOwnerReferences(owner.stream().toList()).endMetadata().build();
    }

    public static DaemonSet daemonSet(OperatorConfig.Agent cfg, String namespace, NodeAffinity affinity,
                                      Optional<OwnerReference> owner) {
        DaemonSetBuilder b = new DaemonSetBuilder()
                .withNewMetadata().withName(cfg.name()).withNamespace(namespace).withLabels(LABELS)
                .withOwnerReferences(owner.stream().toList()).endMetadata()
                .withNewSpec()
                .withNewSelector().withMatchLabels(Map.of(APP_LABEL, APP)).endSelector()
                .withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withNewMaxUnavailable(1).endRollingUpdate().endUpdateStrategy()
                .withNewTemplate()
                .withNewMetadata().withLabels(LABELS).endMetadata()
                .withNewSpec()
                .withServiceAccountName(cfg.serviceAccount())
                .withHostNetwork(true)
                .withDnsPolicy("ClusterFirstWithHostNet")
                .withPriorityClassName(cfg.priorityClassName().orElse(null))
                // Directors are often tainted control-plane or edge nodes; the placement comes from the affinity.
                .addNewToleration().withOperator("Exists").endToleration()
                .withNewAffinity().withNodeAffinity(affinity).endAffinity()
                .withTerminationGracePeriodSeconds(30L)
                .addNewContainer()
                .withName("agent")
                .withImage(cfg.image())
                .withImagePullPolicy(cfg.imagePullPolicy())
                .addNewEnv().withName("NODE_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("spec.nodeName")
                .endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("POD_NAMESPACE").withNewValueFrom().withNewFieldRef()
                .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("LVS_AGENT_SYSCTL_NET").withValue(HOST_SYSCTL_NET).endEnv()
                .addNewEnv().withName("LVS_AGENT_STATE_DIR").withValue("/var/lib/lvs-node-agent").endEnv()
                .withNewSecurityContext()
                .withPrivileged(false)
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withRunAsUser(0L)
                .withNewCapabilities().withDrop("ALL").withAdd("NET_ADMIN", "NET_RAW").endCapabilities()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .withNewResources()
                .withRequests(Map.of("cpu", new Quantity(cfg.cpuRequest()), "memory", new Quantity(cfg.memoryRequest())))
                .withLimits(Map.of("memory", new Quantity(cfg.memoryLimit())))
                .endResources()
                .addNewVolumeMount().withName("sysctl-net").withMountPath(HOST_SYSCTL_NET).endVolumeMount()
                .addNewVolumeMount().withName("state").withMountPath("/var/lib/lvs-node-agent").endVolumeMount()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("sysctl-net").withNewHostPath().withPath("/proc/sys/net").withType("Directory")
                .endHostPath().endVolume()
                .addNewVolume().withName("state").withNewHostPath().withPath(cfg.stateDir()).withType("DirectoryOrCreate")
                .endHostPath().endVolume()
                .addNewVolume().withName("tmp").withNewEmptyDir().withMedium("Memory").withSizeLimit(new Quantity("16Mi"))
                .endEmptyDir().endVolume()
                .endSpec()
                .endTemplate()
                .endSpec();
        return b.build();
    }
}
