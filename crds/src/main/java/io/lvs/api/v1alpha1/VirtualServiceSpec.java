package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;

/** The desired state of a VirtualService: one VIP, its ports, and how it is balanced and kept available. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("The desired state: the VIP and its ports, the scheduler, the forwarding method, persistence, which RealServers serve it, their default health check, the director nodes and the failover settings.")
@ValidationRule(value = "!self.scheduler.onePacket || self.ports.all(p, p.protocol == 'UDP')",
        message = Messages.ONE_PACKET_UDP)
@ValidationRule(value = "!has(self.persistence) || !has(self.persistence.prefixLength) || self.vip.contains(':') "
        + "|| self.persistence.prefixLength <= 32",
        message = Messages.PERSISTENCE_PREFIX_V4)
@ValidationRule(value = "self.forwarding.method != 'Local' || !has(self.realServerSelector)",
        message = Messages.LOCAL_NO_SELECTOR)
@ValidationRule(value = "!has(self.healthCheck) || !(self.healthCheck.type in ['HTTP', 'HTTPS']) "
        + "|| has(self.healthCheck.port) || self.ports.exists(p, p.protocol == 'TCP')",
        message = Messages.HC_HTTP_NEEDS_TCP)
public class VirtualServiceSpec extends StoredSpec {
    @JsonPropertyDescription("The virtual IP address clients connect to: one IPv4 or IPv6 unicast address "
            + "(e.g. 192.0.2.10 or 2001:db8::10). The active director holds it; DirectRouting and Tunnel real "
            + "servers hold it on lo.")
    @Required
    @Size(max = 45)
    @ValidationRule(value = "isIP(self)", message = Messages.VIP_NOT_IP)
    @ValidationRule(value = "!isIP(self) || ip(self).isGlobalUnicast()",
            message = Messages.VIP_NOT_UNICAST)
    private String vip;

    @JsonPropertyDescription("The ports served on the VIP; at least one, each port/protocol pair once.")
    @Required
    @Size(min = 1, max = 64)
    @ValidationRule(value = "self.all(p, self.exists_one(q, q.port == p.port && q.protocol == p.protocol))",
            message = Messages.PORTS_DUPLICATE)
    @ValidationRule(value = "self.all(p, !has(p.name) || self.exists_one(q, has(q.name) && q.name == p.name))",
            message = Messages.PORT_NAMES_DUPLICATE)
    private List<ServicePort> ports = new ArrayList<>();

    @JsonPropertyDescription("How IPVS picks a real server for a new connection. Default: wlc, no flags.")
    @Default("{}")
    private SchedulerSpec scheduler = new SchedulerSpec();

    @JsonPropertyDescription("How packets reach real servers: DirectRouting (default), NAT, Tunnel or Local.")
    @Default("{}")
    private ForwardingSpec forwarding = new ForwardingSpec();

    @JsonPropertyDescription("Client affinity. Absent: none; each connection is scheduled on its own.")
    private PersistenceSpec persistence;

    @JsonPropertyDescription("Selects the RealServers (in this namespace) that serve this VirtualService. A RealServer "
            + "that names a VirtualService in virtualServiceRef belongs to that one only, whatever its labels.")
    private LabelSelector realServerSelector;

    @JsonPropertyDescription("Default health check for this VirtualService's real servers (a RealServer may replace it). "
            + "Default: TCP every 1s with a 1s timeout, out after 3 failures (about 3s), back after 2 successes.")
    @Default("{}")
    private HealthCheckSpec healthCheck = new HealthCheckSpec();

    @JsonPropertyDescription("The director nodes of this VIP. VirtualServices that share a VIP must have identical "
            + "directors and failover settings.")
    @Required
    private DirectorsSpec directors;

    @JsonPropertyDescription("Election timers, preemption, gratuitous ARP and connection sync.")
    @Default("{}")
    private FailoverSpec failover = new FailoverSpec();

    public String getVip() {
        return vip;
    }

    public void setVip(String vip) {
        this.vip = vip;
    }

    public List<ServicePort> getPorts() {
        return ports;
    }

    public void setPorts(List<ServicePort> ports) {
        this.ports = ports;
    }

    public SchedulerSpec getScheduler() {
        return scheduler;
    }

    public void setScheduler(SchedulerSpec scheduler) {
        this.scheduler = scheduler;
    }

    public ForwardingSpec getForwarding() {
        return forwarding;
    }

    public void setForwarding(ForwardingSpec forwarding) {
        this.forwarding = forwarding;
    }

    public PersistenceSpec getPersistence() {
        return persistence;
    }

    public void setPersistence(PersistenceSpec persistence) {
        this.persistence = persistence;
    }

    public LabelSelector getRealServerSelector() {
        return realServerSelector;
    }

    public void setRealServerSelector(LabelSelector realServerSelector) {
        this.realServerSelector = realServerSelector;
    }

    public HealthCheckSpec getHealthCheck() {
        return healthCheck;
    }

    public void setHealthCheck(HealthCheckSpec healthCheck) {
        this.healthCheck = healthCheck;
    }

    public DirectorsSpec getDirectors() {
        return directors;
    }

    public void setDirectors(DirectorsSpec directors) {
        this.directors = directors;
    }

    public FailoverSpec getFailover() {
        return failover;
    }

    public void setFailover(FailoverSpec failover) {
        this.failover = failover;
    }
}
