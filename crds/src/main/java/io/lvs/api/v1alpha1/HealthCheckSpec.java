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
 * How directors probe real servers. The defaults (TCP every 1s, 1s timeout, 3 failures) take a dead server
 * out within about 3 seconds.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "duration(self.timeout) <= duration(self.interval)",
        message = Messages.HC_TIMEOUT_OVER_INTERVAL)
@ValidationRule(value = "self.type in ['HTTP', 'HTTPS'] || !has(self.http)",
        message = Messages.HC_HTTP_ONLY)
@ValidationRule(value = "self.type == 'HTTPS' || !has(self.http) || (!has(self.http.serverName) && !self.http.verifyCertificate)",
        message = Messages.HC_HTTPS_ONLY)
public class HealthCheckSpec {
    @JsonPropertyDescription("None (no probing; servers count as healthy), ICMP (echo), TCP (default; a completed "
            + "handshake), HTTP or HTTPS (a request whose status, and optionally body, is checked).")
    @Default("TCP")
    @JsonInclude(JsonInclude.Include.ALWAYS) // a null here means "unknown value": keep it through copies
    private HealthCheckType type = HealthCheckType.TCP;

    @JsonPropertyDescription("Time between probes of one real server (100ms to 1h; default 1s).")
    @Default("1s")
    @Pattern(GoDuration.PATTERN)
    @Size(max = 32)
    @ValidationRule(value = "duration(self) >= duration('100ms') && duration(self) <= duration('1h')",
            message = Messages.HC_INTERVAL)
    private String interval = "1s";

    @JsonPropertyDescription("How long one probe may take before it counts as failed (10ms to 1h, at most the "
            + "interval; default 1s).")
    @Default("1s")
    @Pattern(GoDuration.PATTERN)
    @Size(max = 32)
    @ValidationRule(value = "duration(self) >= duration('10ms') && duration(self) <= duration('1h')",
            message = Messages.HC_TIMEOUT)
    private String timeout = "1s";

    @JsonPropertyDescription("Consecutive successes that bring a failed server back (1-100; default 2).")
    @Default("2")
    @Min(1)
    @Max(100)
    private Integer rise = 2;

    @JsonPropertyDescription("Consecutive failures that take a healthy server out (1-100; default 3). A failed "
            + "server is drained (weight 0): its existing connections finish, it gets no new ones.")
    @Default("3")
    @Min(1)
    @Max(100)
    private Integer fall = 3;

    @JsonPropertyDescription("Whether a real server that appears (new, or newly probed by a director) starts as down "
            + "and gets traffic only after rise successful checks (default false: it starts as up and leaves after "
            + "fall failures). The first check of each server runs at a random point of its first interval.")
    @Default("false")
    private Boolean startDown = false;

    @JsonPropertyDescription("Port to probe (TCP, HTTP, HTTPS). Default: the real server's port, or each virtual port.")
    @Min(1)
    @Max(65535)
    private Integer port;

    @JsonPropertyDescription("Request and accepted answers for HTTP and HTTPS checks.")
    private HttpCheckSpec http;

    public HealthCheckType getType() {
        return type;
    }

    public void setType(HealthCheckType type) {
        this.type = type;
    }

    public String getInterval() {
        return interval;
    }

    public void setInterval(String interval) {
        this.interval = interval;
    }

    public String getTimeout() {
        return timeout;
    }

    public void setTimeout(String timeout) {
        this.timeout = timeout;
    }

    public Integer getRise() {
        return rise;
    }

    public void setRise(Integer rise) {
        this.rise = rise;
    }

    public Integer getFall() {
        return fall;
    }

    public void setFall(Integer fall) {
        this.fall = fall;
    }

    public Boolean getStartDown() {
        return startDown;
    }

    public void setStartDown(Boolean startDown) {
        this.startDown = startDown;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public HttpCheckSpec getHttp() {
        return http;
    }

    public void setHttp(HttpCheckSpec http) {
        this.http = http;
    }
}
