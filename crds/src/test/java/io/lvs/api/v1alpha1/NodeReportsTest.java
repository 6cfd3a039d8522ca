package io.lvs.api.v1alpha1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The names and labels agents give their NodeReports, which the operator and users rely on. */
class NodeReportsTest {

    @Test
    void aReportIsNamedAfterItsVirtualServiceAndNode() {
        assertEquals("web.node-a", NodeReports.name("web", "node-a"));
        assertEquals(Map.of(NodeReport.VIRTUAL_SERVICE_LABEL, "web", NodeReport.NODE_LABEL, "node-a"),
                NodeReports.labels("web", "node-a"));
    }

    @Test
    void longNamesStayValidAndDistinct() {
        String vs = "v".repeat(200);
        String a = NodeReports.name(vs, "node-" + "a".repeat(100));
        String b = NodeReports.name(vs, "node-" + "b".repeat(100));
        assertEquals(253, a.length(), "the longest name an object may have");
        assertNotEquals(a, b, "the hash keeps different nodes apart");
        assertEquals(a, NodeReports.name(vs, "node-" + "a".repeat(100)), "stable");
    }

    @Test
    void labelValuesThatCannotHoldTheNameAreHashed() {
        String label = NodeReports.labelValue("x".repeat(64));
        assertTrue(label.startsWith("h-") && label.length() == 42, label);
        assertEquals("node-a.example.com", NodeReports.labelValue("node-a.example.com"));
    }
}
