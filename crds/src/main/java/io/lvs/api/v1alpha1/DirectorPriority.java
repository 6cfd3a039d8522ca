package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The election priority of one director node. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DirectorPriority {
    @JsonPropertyDescription("Name of the Kubernetes node.")
    @Required
    @Size(min = 1, max = 253)
    private String nodeName;

    @JsonPropertyDescription("Priority 1-254; the highest healthy director is active (ties: the lowest node name). "
            + "Nodes not listed have priority 100.")
    @Required
    @Min(1)
    @Max(254)
    private Integer priority;

    public DirectorPriority() {
    }

    public DirectorPriority(String nodeName, int priority) {
        this.nodeName = nodeName;
        this.priority = priority;
    }

    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    public Integer getPriority() {
        return priority;
    }

    public void setPriority(Integer priority) {
        this.priority = priority;
    }
}
