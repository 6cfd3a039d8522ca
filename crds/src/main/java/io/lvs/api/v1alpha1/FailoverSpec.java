package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Timers and policies of the directors' election. Directors exchange adverts over the data network, never
 * through the Kubernetes API, so the VIP keeps working while the API server is down.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailoverSpec {
    @JsonPropertyDescription("Interval between the active director's adverts (10ms to 40s; default 200ms). A standby "
            + "takes over after about three missed adverts, so the default fails over in under a second.")
    @Default("200ms")
    @Pattern(GoDuration.PATTERN)
    @Size(max = 32)
    @ValidationRule(value = "duration(self) >= duration('10ms') && duration(self) <= duration('40s')",
            message = Messages.ADVERT_INTERVAL)
    private String advertInterval = "200ms";

    @JsonPropertyDescription("Whether a higher-priority director that comes back takes the VIP from a lower-priority "
            + "active one (default true). With false, the VIP stays where it is until that director fails.")
    @Default("true")
    private Boolean preempt = true;

    @JsonPropertyDescription("How long a returning higher-priority director waits before preempting (0s to 1h; "
            + "default 0s). Ignored when preempt is false.")
    @Default("0s")
    @Pattern(GoDuration.PATTERN)
    @Size(max = 32)
    @ValidationRule(value = "duration(self) <= duration('1h')", message = Messages.PREEMPT_DELAY)
    private String preemptDelay = "0s";

    @JsonPropertyDescription("Gratuitous ARP / unsolicited neighbour advertisement on takeover.")
    @Default("{}")
    private GratuitousArpSpec gratuitousArp = new GratuitousArpSpec();

    @JsonPropertyDescription("IPVS connection synchronisation between directors.")
    @Default("{}")
    private ConnectionSyncSpec connectionSync = new ConnectionSyncSpec();

    public String getAdvertInterval() {
        return advertInterval;
    }

    public void setAdvertInterval(String advertInterval) {
        this.advertInterval = advertInterval;
    }

    public Boolean getPreempt() {
        return preempt;
    }

    public void setPreempt(Boolean preempt) {
        this.preempt = preempt;
    }

    public String getPreemptDelay() {
        return preemptDelay;
    }

    public void setPreemptDelay(String preemptDelay) {
        this.preemptDelay = preemptDelay;
    }

    public GratuitousArpSpec getGratuitousArp() {
        return gratuitousArp;
    }

    public void setGratuitousArp(GratuitousArpSpec gratuitousArp) {
        this.gratuitousArp = gratuitousArp;
    }

    public ConnectionSyncSpec getConnectionSync() {
        return connectionSync;
    }

    public void setConnectionSync(ConnectionSyncSpec connectionSync) {
        this.connectionSync = connectionSync;
    }
}
