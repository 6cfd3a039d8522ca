package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * What one node's agent observes for one VirtualService. Each agent writes only its own reports, so no object is
 * written by every node; the operator aggregates them into the VirtualService's and RealServers' status.
 */
@Group(VirtualService.GROUP)
@Version(VirtualService.VERSION)
@Kind("NodeReport")
@Plural("nodereports")
@Singular("nodereport")
@ShortNames({"lvsnr"})
@JsonClassDescription("Written by the lvs node agent on one node about one VirtualService in the same namespace: the "
        + "node's role, its kernel state and the health of the real servers it probes. Read by the operator; not "
        + "meant to be edited by hand.")
@AdditionalPrinterColumn(name = "VIRTUALSERVICE", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".spec.virtualService")
@AdditionalPrinterColumn(name = "NODE", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".spec.nodeName")
@AdditionalPrinterColumn(name = "ROLE", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.role")
@AdditionalPrinterColumn(name = "PROGRAMMED", type = AdditionalPrinterColumn.Type.BOOLEAN, jsonPath = ".status.programmed")
@AdditionalPrinterColumn(name = "AGE", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class NodeReport extends CustomResource<NodeReportSpec, NodeReportStatus> implements Namespaced {
    /** Label naming the VirtualService a report is about (hashed when the name is longer than a label value may be). */
    public static final String VIRTUAL_SERVICE_LABEL = "lvs.io/virtual-service";
    /** Label naming the reporting node (hashed likewise). */
    public static final String NODE_LABEL = "lvs.io/node";

    @Override
    protected NodeReportStatus initStatus() {
        return new NodeReportStatus();
    }
}
