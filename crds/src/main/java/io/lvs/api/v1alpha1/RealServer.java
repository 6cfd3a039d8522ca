package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** One backend address that serves the VirtualServices it belongs to. */
@Group(VirtualService.GROUP)
@Version(VirtualService.VERSION)
@Kind("RealServer")
@Plural("realservers")
@Singular("realserver")
@ShortNames({"lvsrs"})
@Categories({"lvs"})
@JsonClassDescription("One backend (real server) of one or more VirtualServices: its address, port, weight and "
        + "optional health check override.")
@AdditionalPrinterColumn(name = "ADDRESS", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".spec.address")
@AdditionalPrinterColumn(name = "PORT", type = AdditionalPrinterColumn.Type.INTEGER, jsonPath = ".spec.port")
@AdditionalPrinterColumn(name = "WEIGHT", type = AdditionalPrinterColumn.Type.INTEGER, jsonPath = ".spec.weight")
@AdditionalPrinterColumn(name = "HEALTHY", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Healthy\")].status")
@AdditionalPrinterColumn(name = "AGE", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
@AdditionalPrinterColumn(name = "ACCEPTED", type = AdditionalPrinterColumn.Type.STRING, priority = 1,
        jsonPath = ".status.conditions[?(@.type==\"Accepted\")].status")
public class RealServer extends CustomResource<RealServerSpec, RealServerStatus> implements Namespaced {
    @Override
    protected RealServerStatus initStatus() {
        return new RealServerStatus();
    }
}
