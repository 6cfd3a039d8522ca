package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed of a VirtualService. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("Written by the operator: conditions (Accepted, Programmed, Ready, Degraded), the active director, every director's role, and how many real servers are ready.")
public class VirtualServiceStatus {
    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("The latest metadata.generation that was accepted. Node agents program this generation's "
            + "spec; when a later edit is not accepted (invalid, or it conflicts with another VirtualService), they keep "
            + "serving what they have instead of tearing the VIP down.")
    private Long acceptedGeneration;

    @JsonPropertyDescription("The spec of acceptedGeneration, as it was accepted. Node agents program this, so a "
            + "refused edit never changes what is served, also across agent restarts and on nodes that join later.")
    private VirtualServiceSpec acceptedSpec;

    @JsonPropertyDescription("Accepted (the spec is valid and its VIP/ports are not taken), Programmed (every director's "
            + "kernel holds the IPVS table), Ready (an active director holds the VIP and at least one real server is "
            + "healthy), Degraded (something works but not all: failed real servers, a faulty director, a NAT "
            + "return-path problem).")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The ports as port/protocol, comma-separated (for kubectl get).")
    private String ports;

    @JsonPropertyDescription("The director node that holds the VIP now.")
    private String activeDirector;

    @JsonPropertyDescription("Every director node with its role.")
    private List<DirectorStatus> directors = new ArrayList<>();

    @JsonPropertyDescription("Real servers that can answer: they pass their health check and, with DirectRouting or "
            + "Tunnel, their node (if a cluster node) is prepared (VIP on lo).")
    private Integer readyRealServers;

    @JsonPropertyDescription("Real servers that belong to this VirtualService and were accepted.")
    private Integer totalRealServers;

    @JsonPropertyDescription("ready/total, for kubectl get.")
    private String realServersReady;

    @JsonPropertyDescription("When the VIP last moved to another director (RFC 3339).")
    private String lastFailoverTime;

    @JsonPropertyDescription("How many times the VIP moved to another director, as the operator saw the reports (a move "
            + "there and back while the API server was unreachable is not seen).")
    private Long failovers;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public Long getAcceptedGeneration() {
        return acceptedGeneration;
    }

    public void setAcceptedGeneration(Long acceptedGeneration) {
        this.acceptedGeneration = acceptedGeneration;
    }

    public VirtualServiceSpec getAcceptedSpec() {
        return acceptedSpec;
    }

    public void setAcceptedSpec(VirtualServiceSpec acceptedSpec) {
        this.acceptedSpec = acceptedSpec;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public String getPorts() {
        return ports;
    }

    public void setPorts(String ports) {
        this.ports = ports;
    }

    public String getActiveDirector() {
        return activeDirector;
    }

    public void setActiveDirector(String activeDirector) {
        this.activeDirector = activeDirector;
    }

    public List<DirectorStatus> getDirectors() {
        return directors;
    }

    public void setDirectors(List<DirectorStatus> directors) {
        this.directors = directors;
    }

    public Integer getReadyRealServers() {
        return readyRealServers;
    }

    public void setReadyRealServers(Integer readyRealServers) {
        this.readyRealServers = readyRealServers;
    }

    public Integer getTotalRealServers() {
        return totalRealServers;
    }

    public void setTotalRealServers(Integer totalRealServers) {
        this.totalRealServers = totalRealServers;
    }

    public String getRealServersReady() {
        return realServersReady;
    }

    public void setRealServersReady(String realServersReady) {
        this.realServersReady = realServersReady;
    }

    public String getLastFailoverTime() {
        return lastFailoverTime;
    }

    public void setLastFailoverTime(String lastFailoverTime) {
        this.lastFailoverTime = lastFailoverTime;
    }

    public Long getFailovers() {
        return failovers;
    }

    public void setFailovers(Long failovers) {
        this.failovers = failovers;
    }
}
