package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;

/** How traffic for the VIP reaches the real servers. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.method == 'Tunnel' || !has(self.tunnel)",
        message = Messages.TUNNEL_ONLY_WITH_TUNNEL)
public class ForwardingSpec {
    @JsonPropertyDescription("DirectRouting (default; direct server return: real servers must share an L2 segment with "
            + "the directors, hold the VIP on lo with arp_ignore=1/arp_announce=2, and cannot remap ports), "
            + "NAT (the director rewrites addresses; real servers must route replies back through the director, "
            + "so they must not share the clients' subnet), Tunnel (encapsulation to real servers anywhere routable; "
            + "no port remapping), or Local (no IPVS: the active director serves the VIP itself, e.g. HAProxy).")
    @Default("DirectRouting")
    @JsonInclude(JsonInclude.Include.ALWAYS) // a null here means "unknown value": keep it through copies
    private ForwardingMethod method = ForwardingMethod.DirectRouting;

    @JsonPropertyDescription("Tunnel settings; only with method Tunnel. Defaults to IPIP.")
    private TunnelSpec tunnel;

    public ForwardingMethod getMethod() {
        return method;
    }

    public void setMethod(ForwardingMethod method) {
        this.method = method;
    }

    public TunnelSpec getTunnel() {
        return tunnel;
    }

    public void setTunnel(TunnelSpec tunnel) {
        this.tunnel = tunnel;
    }

    /** The tunnel settings in effect: the given ones, or the IPIP default. */
    public TunnelSpec effectiveTunnel() {
        return tunnel == null ? new TunnelSpec() : tunnel;
    }
}
