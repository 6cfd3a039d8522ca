package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed of a RealServer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("Written by the operator: conditions (Accepted, Healthy, NodePrepared), membership, the hosting node and the last probe result.")
public class RealServerStatus {
    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Accepted (valid, and fits every VirtualService it belongs to), Healthy (passes the "
            + "health checks of the active directors) and NodePrepared (DirectRouting and Tunnel: the hosting node's agent "
            + "holds the VIP on lo and the sysctls it needs).")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The VirtualServices this server belongs to.")
    private List<String> virtualServices = new ArrayList<>();

    @JsonPropertyDescription("The node hosting this address (DirectRouting and Tunnel), if it is a cluster node.")
    private String nodeName;

    @JsonPropertyDescription("The most recent probe result reported by an active director.")
    private ProbeResult lastProbe;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public List<String> getVirtualServices() {
        return virtualServices;
    }

    public void setVirtualServices(List<String> virtualServices) {
        this.virtualServices = virtualServices;
    }

    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    public ProbeResult getLastProbe() {
        return lastProbe;
    }

    public void setLastProbe(ProbeResult lastProbe) {
        this.lastProbe = lastProbe;
    }
}
