package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** Encapsulation settings for Tunnel forwarding. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.encapsulation == 'GUE' ? has(self.port) : !has(self.port)",
        message = Messages.TUNNEL_PORT)
@ValidationRule(value = "self.encapsulation != 'IPIP' || self.checksum == 'None'",
        message = Messages.TUNNEL_IPIP_CHECKSUM)
@ValidationRule(value = "self.encapsulation != 'GRE' || self.checksum != 'RemoteChecksum'",
        message = Messages.TUNNEL_GRE_REMOTE_CHECKSUM)
public class TunnelSpec {
    @JsonPropertyDescription("IPIP (default; IP in IP), GUE (Generic UDP Encapsulation, Linux 5.2+, needs port) "
            + "or GRE (Linux 5.3+). Real servers need the matching decapsulation device and the VIP on it.")
    @Default("IPIP")
    @JsonInclude(JsonInclude.Include.ALWAYS) // a null here means "unknown value": keep it through copies
    private Encapsulation encapsulation = Encapsulation.IPIP;

    @JsonPropertyDescription("UDP destination port of GUE packets (required for GUE, e.g. 6080).")
    @Min(1)
    @Max(65535)
    private Integer port;

    @JsonPropertyDescription("Outer checksum for GUE and GRE: None (default), Checksum, or RemoteChecksum (GUE only).")
    @Default("None")
    @JsonInclude(JsonInclude.Include.ALWAYS) // a null here means "unknown value": keep it through copies
    private TunnelChecksum checksum = TunnelChecksum.None;

    public Encapsulation getEncapsulation() {
        return encapsulation;
    }

    public void setEncapsulation(Encapsulation encapsulation) {
        this.encapsulation = encapsulation;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public TunnelChecksum getChecksum() {
        return checksum;
    }

    public void setChecksum(TunnelChecksum checksum) {
        this.checksum = checksum;
    }
}
