package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The desired state of one backend of one or more VirtualServices. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("The desired state: address, optional port, weight, optional health check override, and which VirtualService(s) it serves (virtualServiceRef, or labels matched by a VirtualService's realServerSelector).")
public class RealServerSpec extends StoredSpec {
    @JsonPropertyDescription("IPv4 or IPv6 unicast address of the backend (e.g. 192.0.2.21). For DirectRouting it must "
            + "be on the directors' L2 segment; for NAT it must route its replies through the director.")
    @Required
    @Size(max = 45)
    @ValidationRule(value = "isIP(self)", message = Messages.ADDRESS_NOT_IP)
    @ValidationRule(value = "!isIP(self) || ip(self).isGlobalUnicast()",
            message = Messages.ADDRESS_NOT_UNICAST)
    private String address;

    @JsonPropertyDescription("Port on the backend. Absent: the same as each virtual port. With NAT it may differ (port "
            + "remapping); with DirectRouting and Tunnel the kernel cannot remap ports, so it must equal the virtual "
            + "port or be absent.")
    @Min(1)
    @Max(65535)
    private Integer port;

    @JsonPropertyDescription("Share of new connections for weighted schedulers (0-65535, default 1). 0 drains the "
            + "server: it gets no new connections and its existing ones finish.")
    @Default("1")
    @Min(0)
    @Max(65535)
    private Integer weight = 1;

    @JsonPropertyDescription("Replaces the VirtualService's healthCheck for this server (the whole check: fields not "
            + "given take their defaults, not the VirtualService's values).")
    private HealthCheckSpec healthCheck;

    @JsonPropertyDescription("The VirtualService this server belongs to (same namespace). Absent: it belongs to every "
            + "VirtualService whose realServerSelector matches its labels.")
    private VirtualServiceRef virtualServiceRef;

    @JsonPropertyDescription("Kubernetes node that hosts this address, for DirectRouting and Tunnel (its agent puts the "
            + "VIP on lo and sets the ARP sysctls). Absent: the node whose status lists the address, if any; a server "
            + "outside the cluster must be prepared by hand.")
    @Size(max = 253)
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    private String nodeName;

    @JsonPropertyDescription("IPVS connection thresholds for this server.")
    private ConnectionLimits connectionLimits;

    public String getAddress() {
        return address;
    }

    public void setAddress(String address) {
        this.address = address;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public Integer getWeight() {
        return weight;
    }

    public void setWeight(Integer weight) {
        this.weight = weight;
    }

    public HealthCheckSpec getHealthCheck() {
        return healthCheck;
    }

    public void setHealthCheck(HealthCheckSpec healthCheck) {
        this.healthCheck = healthCheck;
    }

    public VirtualServiceRef getVirtualServiceRef() {
        return virtualServiceRef;
    }

    public void setVirtualServiceRef(VirtualServiceRef virtualServiceRef) {
        this.virtualServiceRef = virtualServiceRef;
    }

    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    public ConnectionLimits getConnectionLimits() {
        return connectionLimits;
    }

    public void setConnectionLimits(ConnectionLimits connectionLimits) {
        this.connectionLimits = connectionLimits;
    }
}
