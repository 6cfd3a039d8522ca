package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** IPVS connection-table synchronisation between the directors of a VIP. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConnectionSyncSpec {
    @JsonPropertyDescription("Replicate IPVS connection entries between directors in both directions, so established "
            + "connections survive failover and failback (default true). The kernel's sync daemon is per node: it runs "
            + "on a director when any VirtualService placed there enables this.")
    @Default("true")
    private Boolean enabled = true;

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }
}
