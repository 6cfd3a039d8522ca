package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** IPVS connection thresholds of one real server. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.lower) || (has(self.upper) && self.lower <= self.upper)",
        message = Messages.CONNECTION_LIMITS)
public class ConnectionLimits {
    @JsonPropertyDescription("Stop sending new connections when the server has this many (0 or absent: no limit).")
    @Min(0)
    @Max(2147483647)
    private Integer upper;

    @JsonPropertyDescription("Resume sending new connections when the count falls to this (default: 3/4 of upper).")
    @Min(0)
    @Max(2147483647)
    private Integer lower;

    public Integer getUpper() {
        return upper;
    }

    public void setUpper(Integer upper) {
        this.upper = upper;
    }

    public Integer getLower() {
        return lower;
    }

    public void setLower(Integer lower) {
        this.lower = lower;
    }
}
