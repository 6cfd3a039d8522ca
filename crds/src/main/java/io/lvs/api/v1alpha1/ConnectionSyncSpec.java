package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * IPVS connection-table synchronisation between the directors of a VIP. The kernel's sync daemons send and receive
 * connection entries as UDP multicast on the director's link; group, port and TTL are the kernel's own options
 * (ipvsadm {@code --mcast-group}, {@code --mcast-port}, {@code --mcast-ttl}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConnectionSyncSpec {
    /** The kernel's defaults (IP_VS_SYNC_GROUP, IP_VS_SYNC_PORT, TTL 1). */
    public static final String DEFAULT_GROUP = "224.0.0.81";
    public static final int DEFAULT_PORT = 8848;
    public static final int DEFAULT_TTL = 1;

    @JsonPropertyDescription("Replicate IPVS connection entries between directors in both directions, so established "
            + "connections survive failover and failback (default true). The kernel's sync daemon is per node: it runs "
            + "on a director when any VirtualService placed there enables this.")
    @Default("true")
    private Boolean enabled = true;

    @JsonPropertyDescription("Multicast group the sync daemons send to and listen on: IPv4 224.0.0.0/4 or IPv6 "
            + "ff00::/8 (default 224.0.0.81, the kernel's). The network between the directors must carry it (IGMP/MLD "
            + "snooping switches: a querier, or flooding for this group).")
    @Default(DEFAULT_GROUP)
    @Size(max = 64)
    @ValidationRule(value = "isIP(self) && (self.matches('^2(2[4-9]|3[0-9])[.]') || self.matches('^[fF][fF][0-9a-fA-F]{2}:'))",
            message = Messages.SYNC_GROUP)
    private String group = DEFAULT_GROUP;

    @JsonPropertyDescription("UDP port of the sync traffic (1-65535; default 8848, the kernel's).")
    @Default("8848")
    @Min(1)
    @Max(65535)
    private Integer port = DEFAULT_PORT;

    @JsonPropertyDescription("TTL / hop limit of the sync packets (1-255; default 1: directors on one link). Raise it "
            + "only when multicast routing joins directors on different links.")
    @Default("1")
    @Min(1)
    @Max(255)
    private Integer ttl = DEFAULT_TTL;

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    public String getGroup() {
        return group;
    }

    public void setGroup(String group) {
        this.group = group;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public Integer getTtl() {
        return ttl;
    }

    public void setTtl(Integer ttl) {
        this.ttl = ttl;
    }
}
