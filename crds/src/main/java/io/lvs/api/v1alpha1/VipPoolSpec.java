package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("Which addresses, for which namespaces. With neither namespaces nor namespaceSelector, every "
        + "namespace may use the pool; with either, a namespace that is listed or that the selector matches may.")
public class VipPoolSpec extends StoredSpec {
    @JsonPropertyDescription("The address ranges VIPs may come from, as CIDRs: 192.0.2.0/28, 192.0.2.10/32 for one "
            + "address, 2001:db8:1::/120. No bits may be set after the prefix length.")
    @Required
    @Size(min = 1, max = 128)
    @ValidationRule(value = "self.all(a, isCIDR(a) && cidr(a) == cidr(a).masked())", message = Messages.POOL_NOT_CIDR)
    private List<@Size(max = 49) String> addresses;

    @JsonPropertyDescription("Namespaces that may use the pool, by name.")
    @Size(max = 256)
    @ValidationRule(value = "self.all(n, n.matches('^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$'))",
            message = Messages.POOL_NAMESPACE_NAME)
    private List<@Size(max = 63) String> namespaces;

    @JsonPropertyDescription("Namespaces that may use the pool, by their labels (each namespace carries "
            + "kubernetes.io/metadata.name with its name). {} selects every namespace.")
    private LabelSelector namespaceSelector;

    public List<String> getAddresses() {
        return addresses;
    }

    public void setAddresses(List<String> addresses) {
        this.addresses = addresses;
    }

    public List<String> getNamespaces() {
        return namespaces;
    }

    public void setNamespaces(List<String> namespaces) {
        this.namespaces = namespaces;
    }

    public LabelSelector getNamespaceSelector() {
        return namespaceSelector;
    }

    public void setNamespaceSelector(LabelSelector namespaceSelector) {
        this.namespaceSelector = namespaceSelector;
    }
}
