package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Which node reports on which VirtualService; fixed for the report's life. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("Which VirtualService and which node this report is about; immutable.")
@ValidationRule(value = "self == oldSelf", message = Messages.NODE_REPORT_IMMUTABLE)
public class NodeReportSpec {
    @JsonPropertyDescription("The VirtualService (same namespace) this report is about.")
    @Required
    @Size(min = 1, max = 253)
    private String virtualService;

    @JsonPropertyDescription("The node whose agent writes this report.")
    @Required
    @Size(min = 1, max = 253)
    private String nodeName;

    public NodeReportSpec() {
    }

    public NodeReportSpec(String virtualService, String nodeName) {
        this.virtualService = virtualService;
        this.nodeName = nodeName;
    }

    public String getVirtualService() {
        return virtualService;
    }

    public void setVirtualService(String virtualService) {
        this.virtualService = virtualService;
    }

    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }
}
