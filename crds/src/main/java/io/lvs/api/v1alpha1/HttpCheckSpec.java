package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** The request and the accepted answers of an HTTP or HTTPS health check. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HttpCheckSpec {
    @JsonPropertyDescription("Request path, starting with / (default /).")
    @Default("/")
    @Pattern("^/[^\\s]*$")
    @Size(max = 1024)
    private String path = "/";

    @JsonPropertyDescription("Host header to send (default: the real server's address). Set it when the backend "
            + "serves virtual hosts.")
    @Size(max = 253)
    @Pattern("^[A-Za-z0-9.:\\[\\]-]+$")
    private String host;

    @JsonPropertyDescription("Status codes that count as healthy: single codes (\"200\") or inclusive ranges "
            + "(\"200-399\"). Default [\"200-399\"].")
    @Default("[\"200-399\"]")
    @Size(min = 1, max = 16)
    @ValidationRule(value = "self.all(r, r.size() == 3 || int(r.substring(0, 3)) <= int(r.substring(4, 7)))",
            message = Messages.HC_STATUS_RANGE)
    private List<@Pattern("^[1-5][0-9][0-9](-[1-5][0-9][0-9])?$") @Size(max = 7) String> expectedStatuses =
            new ArrayList<>(List.of("200-399"));

    @JsonPropertyDescription("When set, the response body must contain this text (first 64 KiB are read).")
    @Size(max = 1024)
    private String bodyContains;

    @JsonPropertyDescription("HTTPS only: TLS server name (SNI) to send; default: the Host header, if set.")
    @Size(max = 253)
    private String serverName;

    @JsonPropertyDescription("HTTPS only: verify the server certificate against the system trust store. "
            + "Default false, since backends often present self-signed certificates.")
    @Default("false")
    private Boolean verifyCertificate = false;

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public List<String> getExpectedStatuses() {
        return expectedStatuses;
    }

    public void setExpectedStatuses(List<String> expectedStatuses) {
        this.expectedStatuses = expectedStatuses;
    }

    public String getBodyContains() {
        return bodyContains;
    }

    public void setBodyContains(String bodyContains) {
        this.bodyContains = bodyContains;
    }

    public String getServerName() {
        return serverName;
    }

    public void setServerName(String serverName) {
        this.serverName = serverName;
    }

    public Boolean getVerifyCertificate() {
        return verifyCertificate;
    }

    public void setVerifyCertificate(Boolean verifyCertificate) {
        this.verifyCertificate = verifyCertificate;
    }
}
