package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A reference to a VirtualService in the same namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VirtualServiceRef {
    @JsonPropertyDescription("Name of the VirtualService (same namespace).")
    @Required
    @Size(min = 1, max = 253)
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    private String name;

    public VirtualServiceRef() {
    }

    /** Not a creator: a bare string where the API has an object is refused, as the CRD's schema refuses it. */
    @JsonCreator(mode = JsonCreator.Mode.DISABLED)
    public VirtualServiceRef(String name) {
        this.name = name;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }
}
