package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One director's state for a VirtualService, as aggregated from its agent's NodeReport. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DirectorStatus {
    @JsonPropertyDescription("The director node.")
    private String nodeName;

    @JsonPropertyDescription("Active, Standby, Fault, or Unknown (no report from this node's agent yet).")
    private DirectorRole role;

    @JsonPropertyDescription("The node's election priority.")
    private Integer priority;

    @JsonPropertyDescription("Whether the node's kernel holds this VirtualService's IPVS table as desired.")
    private Boolean programmed;

    @JsonPropertyDescription("The agent's explanation, when there is something to say.")
    private String message;

    @JsonPropertyDescription("When the agent last reported (RFC 3339).")
    private String lastReportTime;

    public DirectorStatus() {
    }

    public DirectorStatus(String nodeName, DirectorRole role, Integer priority, Boolean programmed, String message,
                          String lastReportTime) {
        this.nodeName = nodeName;
        this.role = role;
        this.priority = priority;
        this.programmed = programmed;
        this.message = message;
        this.lastReportTime = lastReportTime;
    }

    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    public DirectorRole getRole() {
        return role;
    }

    public void setRole(DirectorRole role) {
        this.role = role;
    }

    public Integer getPriority() {
        return priority;
    }

    public void setPriority(Integer priority) {
        this.priority = priority;
    }

    public Boolean getProgrammed() {
        return programmed;
    }

    public void setProgrammed(Boolean programmed) {
        this.programmed = programmed;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public String getLastReportTime() {
        return lastReportTime;
    }

    public void setLastReportTime(String lastReportTime) {
        this.lastReportTime = lastReportTime;
    }
}
