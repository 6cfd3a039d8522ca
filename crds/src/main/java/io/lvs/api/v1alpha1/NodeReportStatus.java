package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** What one node's agent observes for one VirtualService. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("The node agent's observations: role, kernel state, VIP placement and real-server health.")
public class NodeReportStatus {
    /** {@link #getReason()} when an entry lvs-operator did not create holds a key this VirtualService needs. */
    public static final String CONFLICT = "Conflict";
    /** {@link #getReason()} for every other reason programmed is false (the message says which). */
    public static final String NOT_PROGRAMMED = "NotProgrammed";

    @JsonPropertyDescription("The VirtualService metadata.generation the agent last applied.")
    private Long virtualServiceGeneration;

    @JsonPropertyDescription("Active, Standby or Fault for a director; RealServer for a node hosting a DirectRouting or "
            + "Tunnel real server.")
    private DirectorRole role;

    @JsonPropertyDescription("The director's election priority.")
    private Integer priority;

    @JsonPropertyDescription("Whether the node's kernel holds what this VirtualService needs there (IPVS table on a "
            + "director; VIP on lo and ARP sysctls on a real-server node).")
    private Boolean programmed;

    @JsonPropertyDescription("Why programmed is false, in one word: Conflict (an IPVS entry lvs-operator did not create, "
            + "e.g. kube-proxy's or an administrator's, holds a key this VirtualService needs) or NotProgrammed (anything "
            + "else; see message). Absent while programmed is true.")
    private String reason;

    @JsonPropertyDescription("Why programmed is false, or other news a person should read.")
    private String message;

    @JsonPropertyDescription("Whether this node holds the VIP on a network interface now.")
    private Boolean vipHeld;

    @JsonPropertyDescription("The interface that carries (or would carry) the VIP.")
    private String interfaceName;

    @JsonPropertyDescription("The subnet (CIDR) of that interface's address next to the VIP; used to detect NAT real "
            + "servers in the clients' subnet.")
    private String vipNetwork;

    @JsonPropertyDescription("When this node last became Active (RFC 3339).")
    private String activeSince;

    @JsonPropertyDescription("Whether this node still holds kernel state for the VirtualService (IPVS entries, the VIP). "
            + "The operator keeps a deleted VirtualService's finalizer until its nodes report false or go away.")
    private Boolean kernelStatePresent;

    @JsonPropertyDescription("Health of the VirtualService's real servers as seen from this director.")
    private List<ReportedRealServer> realServers = new ArrayList<>();

    @JsonPropertyDescription("When the agent wrote this report (RFC 3339).")
    private String reportTime;

    public Long getVirtualServiceGeneration() {
        return virtualServiceGeneration;
    }

    public void setVirtualServiceGeneration(Long virtualServiceGeneration) {
        this.virtualServiceGeneration = virtualServiceGeneration;
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

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public Boolean getVipHeld() {
        return vipHeld;
    }

    public void setVipHeld(Boolean vipHeld) {
        this.vipHeld = vipHeld;
    }

    public String getInterfaceName() {
        return interfaceName;
    }

    public void setInterfaceName(String interfaceName) {
        this.interfaceName = interfaceName;
    }

    public String getVipNetwork() {
        return vipNetwork;
    }

    public void setVipNetwork(String vipNetwork) {
        this.vipNetwork = vipNetwork;
    }

    public String getActiveSince() {
        return activeSince;
    }

    public void setActiveSince(String activeSince) {
        this.activeSince = activeSince;
    }

    public Boolean getKernelStatePresent() {
        return kernelStatePresent;
    }

    public void setKernelStatePresent(Boolean kernelStatePresent) {
        this.kernelStatePresent = kernelStatePresent;
    }

    public List<ReportedRealServer> getRealServers() {
        return realServers;
    }

    public void setRealServers(List<ReportedRealServer> realServers) {
        this.realServers = realServers;
    }

    public String getReportTime() {
        return reportTime;
    }

    public void setReportTime(String reportTime) {
        this.reportTime = reportTime;
    }
}
