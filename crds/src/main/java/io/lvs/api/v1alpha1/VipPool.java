package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Addresses a cluster administrator lets namespaces use as VIPs (cluster-scoped). A VirtualService is served only when
 * its VIP lies in a pool that its namespace may use: namespace users cannot make directors take and announce any free
 * address of their segment, nor make a node change its ARP settings for one. Not in the {@code lvs} category: namespace
 * users, who usually may not read pools, run {@code kubectl get lvs} without a Forbidden error.
 */
@Group(VirtualService.GROUP)
@Version(VirtualService.VERSION)
@Kind("VipPool")
@Plural("vippools")
@Singular("vippool")
@ShortNames({"lvspool"})
@JsonClassDescription("Addresses that VirtualServices of the selected namespaces may use as their VIP. Cluster-scoped, "
        + "for cluster administrators: a VIP that lies in no pool its namespace may use is not accepted and never "
        + "programmed on any node.")
@AdditionalPrinterColumn(name = "ADDRESSES", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".spec.addresses")
@AdditionalPrinterColumn(name = "NAMESPACES", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".spec.namespaces")
@AdditionalPrinterColumn(name = "AGE", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class VipPool extends CustomResource<VipPoolSpec, java.lang.Void> {
}
