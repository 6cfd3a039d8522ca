package io.lvs.agent.node;

import io.lvs.agent.model.VsRef;
import io.lvs.api.v1alpha1.NodeReportStatus;
import java.util.Map;

/** Where the loop's observations go: this node's NodeReports, written only when their content changes. */
public interface ReportSink {
    /**
     * The reports this node should have now: one per VirtualService it has a part in or still holds kernel state for;
     * this node's other reports are deleted.
     */
    void publish(Map<VsRef, NodeReportStatus> reports);
}
