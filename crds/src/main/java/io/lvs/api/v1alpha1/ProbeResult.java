package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The outcome of one health probe. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProbeResult {
    @JsonPropertyDescription("Success, Failure (the server answered wrongly or refused), or Timeout.")
    private String result;

    @JsonPropertyDescription("Round-trip time of the probe, e.g. 850us or 1.2ms.")
    private String latency;

    @JsonPropertyDescription("When the probe finished (RFC 3339).")
    private String time;

    @JsonPropertyDescription("The director node that sent the probe.")
    private String nodeName;

    @JsonPropertyDescription("Details, e.g. \"HTTP 503\" or \"connection refused\".")
    private String message;

    public String getResult() {
        return result;
    }

    public void setResult(String result) {
        this.result = result;
    }

    public String getLatency() {
        return latency;
    }

    public void setLatency(String latency) {
        this.latency = latency;
    }

    public String getTime() {
        return time;
    }

    public void setTime(String time) {
        this.time = time;
    }

    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }
}
