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

/** A virtual IP with its ports, load-balanced by IPVS and kept available by a group of director nodes. */
@Group(VirtualService.GROUP)
@Version(VirtualService.VERSION)
@Kind("VirtualService")
@Plural("virtualservices")
@Singular("virtualservice")
@ShortNames({"lvsvs"})
@Categories({"lvs"})
@JsonClassDescription("A virtual IP with its ports, load-balanced by Linux IPVS over a set of RealServers and kept "
        + "available by a group of director nodes that elect one active holder of the VIP.")
@AdditionalPrinterColumn(name = "VIP", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".spec.vip")
@AdditionalPrinterColumn(name = "PORTS", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.ports")
@AdditionalPrinterColumn(name = "SCHEDULER", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".spec.scheduler.name")
@AdditionalPrinterColumn(name = "MODE", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".spec.forwarding.method")
@AdditionalPrinterColumn(name = "ACTIVE", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.activeDirector")
@AdditionalPrinterColumn(name = "READY", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.realServersReady")
@AdditionalPrinterColumn(name = "AGE", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
@AdditionalPrinterColumn(name = "ACCEPTED", type = AdditionalPrinterColumn.Type.STRING, priority = 1,
        jsonPath = ".status.conditions[?(@.type==\"Accepted\")].status")
@AdditionalPrinterColumn(name = "PROGRAMMED", type = AdditionalPrinterColumn.Type.STRING, priority = 1,
        jsonPath = ".status.conditions[?(@.type==\"Programmed\")].status")
public class VirtualService extends CustomResource<VirtualServiceSpec, VirtualServiceStatus> implements Namespaced {
    public static final String GROUP = "lvs.io";
    public static final String VERSION = "v1alpha1";

    @Override
    protected VirtualServiceStatus initStatus() {
        return new VirtualServiceStatus();
    }
}
