package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Client affinity: connections from one client (or client network) go to the same real server for a while. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PersistenceSpec {
    @JsonPropertyDescription("How long a client stays bound to its real server after its last connection ends "
            + "(a duration such as 360s or 10m; 1s to 31 days). Default 360s, as keepalived and ipvsadm.")
    @Default("360s")
    @Pattern(GoDuration.PATTERN)
    @Size(max = 32)
    @ValidationRule(value = "duration(self) >= duration('1s') && duration(self) <= duration('744h')",
            message = Messages.PERSISTENCE_TIMEOUT)
    private String timeout = "360s";

    @JsonPropertyDescription("Clients whose addresses share this many leading bits count as one client (the IPVS "
            + "persistence netmask as a prefix length): 1-32 for an IPv4 VIP, 1-128 for IPv6. Default: the whole "
            + "address (32 or 128).")
    @Min(1)
    @Max(128)
    private Integer prefixLength;

    public String getTimeout() {
        return timeout;
    }

    public void setTimeout(String timeout) {
        this.timeout = timeout;
    }

    public Integer getPrefixLength() {
        return prefixLength;
    }

    public void setPrefixLength(Integer prefixLength) {
        this.prefixLength = prefixLength;
    }
}
