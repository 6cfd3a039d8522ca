package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One real server as a director sees it: its health and last probe. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReportedRealServer {
    @JsonPropertyDescription("Name of the RealServer object.")
    private String name;

    @JsonPropertyDescription("Whether the server currently passes its health check (after rise/fall).")
    private Boolean healthy;

    @JsonPropertyDescription("When healthy last changed (RFC 3339).")
    private String since;

    @JsonPropertyDescription("The latest probe the agent reported (agents report on transitions and periodically, "
            + "not every probe).")
    private ProbeResult lastProbe;

    public ReportedRealServer() {
    }

    public ReportedRealServer(String name, Boolean healthy, String since, ProbeResult lastProbe) {
        this.name = name;
        this.healthy = healthy;
        this.since = since;
        this.lastProbe = lastProbe;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Boolean getHealthy() {
        return healthy;
    }

    public void setHealthy(Boolean healthy) {
        this.healthy = healthy;
    }

    public String getSince() {
        return since;
    }

    public void setSince(String since) {
        this.since = since;
    }

    public ProbeResult getLastProbe() {
        return lastProbe;
    }

    public void setLastProbe(ProbeResult lastProbe) {
        this.lastProbe = lastProbe;
    }
}
