package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;

/** The nodes that form the VIP's high-availability group, and where the VIP goes on them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DirectorsSpec {
    /** Default election priority of a director not listed in {@code priorities}. */
    public static final int DEFAULT_PRIORITY = 100;

    @JsonPropertyDescription("Label selector over Nodes: every matching node runs a director for this VIP; one of them "
            + "is active and holds the VIP, the others stand by with the same IPVS table. Must not be empty.")
    @Required
    @ValidationRule(value = "(has(self.matchLabels) && size(self.matchLabels) > 0) || "
            + "(has(self.matchExpressions) && size(self.matchExpressions) > 0)",
            message = Messages.DIRECTORS_EMPTY_SELECTOR)
    private LabelSelector nodeSelector;

    @JsonPropertyDescription("Network interface that carries the VIP on the active director (e.g. eth0). Default: the "
            + "interface of the node's address in the VIP's subnet, else the one with the default route.")
    @com.fasterxml.jackson.annotation.JsonProperty("interface")
    @Size(max = 15)
    @Pattern("^[A-Za-z0-9_.:@-]{1,15}$")
    private String interfaceName;

    @JsonPropertyDescription("Per-node election priorities (1-254, default 100). The highest healthy director is "
            + "active; equal priorities are broken by the lowest node name.")
    @Size(max = 64)
    @ValidationRule(value = "self.all(p, self.exists_one(q, q.nodeName == p.nodeName))",
            message = Messages.PRIORITIES_DUPLICATE)
    private List<DirectorPriority> priorities = new ArrayList<>();

    public LabelSelector getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(LabelSelector nodeSelector) {
        this.nodeSelector = nodeSelector;
    }

    public String getInterfaceName() {
        return interfaceName;
    }

    public void setInterfaceName(String interfaceName) {
        this.interfaceName = interfaceName;
    }

    public List<DirectorPriority> getPriorities() {
        return priorities;
    }

    public void setPriorities(List<DirectorPriority> priorities) {
        this.priorities = priorities;
    }

    /** The election priority of {@code node}. */
    public int priorityOf(String node) {
        for (DirectorPriority p : priorities) {
            if (node.equals(p.getNodeName()) && p.getPriority() != null) {
                return p.getPriority();
            }
        }
        return DEFAULT_PRIORITY;
    }
}
