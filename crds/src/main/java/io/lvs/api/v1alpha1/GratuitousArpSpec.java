package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * How a director that takes the VIP tells the network: gratuitous ARP for IPv4, unsolicited neighbour
 * advertisements (with the override flag) for IPv6.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GratuitousArpSpec {
    @JsonPropertyDescription("Announcements sent at once on takeover (1-100; default 5).")
    @Default("5")
    @Min(1)
    @Max(100)
    private Integer burst = 5;

    @JsonPropertyDescription("Delay before a second burst of the same size, for switches and hosts that missed the "
            + "first (0s turns it off; default 5s).")
    @Default("5s")
    @Pattern(GoDuration.PATTERN)
    @Size(max = 32)
    @ValidationRule(value = "duration(self) <= duration('1h')", message = Messages.GARP_REPEAT_DELAY)
    private String repeatDelay = "5s";

    @JsonPropertyDescription("Re-announce periodically while active, for networks with long ARP caches "
            + "(0s turns it off, the default; otherwise 1s to 24h).")
    @Default("0s")
    @Pattern(GoDuration.PATTERN)
    @Size(max = 32)
    @ValidationRule(value = "duration(self) == duration('0s') || (duration(self) >= duration('1s') && duration(self) <= duration('24h'))",
            message = Messages.GARP_REFRESH)
    private String refreshInterval = "0s";

    public Integer getBurst() {
        return burst;
    }

    public void setBurst(Integer burst) {
        this.burst = burst;
    }

    public String getRepeatDelay() {
        return repeatDelay;
    }

    public void setRepeatDelay(String repeatDelay) {
        this.repeatDelay = repeatDelay;
    }

    public String getRefreshInterval() {
        return refreshInterval;
    }

    public void setRefreshInterval(String refreshInterval) {
        this.refreshInterval = refreshInterval;
    }
}
