package io.lvs.agent.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.http.AgentHttp;
import io.lvs.agent.node.ControlLoop.PassStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code /readyz}: ready once the caches have synced and a pass has done its work; one VirtualService that cannot be
 * served (its trouble is in its NodeReport) does not make the whole agent unready, a pass that could not reach the
 * kernel does.
 */
class EndpointsTest {
    private static final Instant T = Instant.parse("2026-11-25T10:00:00Z");

    private static PassStatus pass(long n, boolean synced, boolean converged, List<String> problems, List<String> failures) {
        return new PassStatus(n, T, Duration.ofMillis(3), synced, converged, 0, problems, failures);
    }

    @Test
    void notReadyBeforeTheCachesHaveSynced() {
        AgentHttp.Probe p = Endpoints.readiness(pass(1, false, false, List.of("waiting for the Kubernetes caches to sync"),
                List.of()));
        assertFalse(p.ok());
        assertEquals("not ready: waiting for the Kubernetes caches to sync", p.text());
    }

    @Test
    void readyAfterAPassThatConverged() {
        AgentHttp.Probe p = Endpoints.readiness(pass(4, true, true, List.of(), List.of()));
        assertTrue(p.ok());
        assertEquals("ready: pass 4 finished at 2026-11-25T10:00:00Z; the kernel holds what this node's VirtualServices "
                + "need", p.text());
    }

    @Test
    void oneVirtualServiceThatCannotBeServedLeavesTheAgentReadyAndIsNamed() {
        // a service kube-proxy holds, a sysctl the kernel refused: for ever, and told in those VirtualServices' reports
        List<String> perVirtualService = List.of("left alone: TCP 192.0.2.10:80: the kernel already has this service and "
                + "lvs-operator did not create it; left as it is", "write net.ipv4.conf.tunl0.rp_filter = 2: ENOENT");
        AgentHttp.Probe p = Endpoints.readiness(pass(9, true, false, perVirtualService, List.of()));
        assertTrue(p.ok(), p.text());
        assertTrue(p.text().startsWith("ready: pass 9 finished at 2026-11-25T10:00:00Z; not everything is as desired "
                + "(each VirtualService's NodeReport says what): left alone: TCP 192.0.2.10:80"), p.text());
    }

    @Test
    void aPassThatCouldNotReachTheKernelIsNotReady() {
        List<String> failed = List.of("reconciling IPVS failed: IPVS_CMD_GET_SERVICE: ETIMEDOUT - no answer within 5s");
        AgentHttp.Probe p = Endpoints.readiness(pass(12, true, false, failed, failed));
        assertFalse(p.ok());
        assertEquals("not ready: pass 12 could not do its work: reconciling IPVS failed: IPVS_CMD_GET_SERVICE: ETIMEDOUT - "
                + "no answer within 5s", p.text());
        // and once a pass does its work again, ready again
        assertTrue(Endpoints.readiness(pass(13, true, true, List.of(), List.of())).ok());
    }

    @Test
    void aPassThatFailedAsAWholeIsNotReady() {
        List<String> failed = List.of("the last pass failed: java.lang.IllegalStateException: rtnetlink socket closed");
        assertFalse(Endpoints.readiness(pass(20, true, false, failed, failed)).ok());
    }
}
