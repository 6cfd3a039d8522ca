package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One port of a VirtualService. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServicePort {
    @JsonPropertyDescription("Optional name of the port, unique within the VirtualService (a DNS label, e.g. \"http\"). "
            + "Used in events, metrics and status.")
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @Size(max = 63)
    private String name;

    @JsonPropertyDescription("The port clients connect to on the VIP (1-65535).")
    @Required
    @Min(1)
    @Max(65535)
    private Integer port;

    @JsonPropertyDescription("TCP (default), UDP or SCTP. Each port/protocol pair may appear once.")
    @Default("TCP")
    @JsonInclude(JsonInclude.Include.ALWAYS) // a null here means "unknown value": keep it through copies
    private Protocol protocol = Protocol.TCP;

    public ServicePort() {
    }

    public ServicePort(String name, int port, Protocol protocol) {
        this.name = name;
        this.port = port;
        this.protocol = protocol;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public Protocol getProtocol() {
        return protocol;
    }

    public void setProtocol(Protocol protocol) {
        this.protocol = protocol;
    }

    @Override
    public String toString() {
        return port + "/" + protocol;
    }
}
