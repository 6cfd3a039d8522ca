package io.lvs.agent.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.ipvs.Destination;
import io.lvs.agent.kernel.ipvs.DestinationKey;
import io.lvs.agent.kernel.ipvs.ForwardingMethod;
import io.lvs.agent.kernel.ipvs.Scheduler;
import io.lvs.agent.kernel.ipvs.Service;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.reconcile.DestinationRef;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsTable;
import io.lvs.agent.kernel.ipvs.reconcile.Ledger;
import io.lvs.agent.kernel.ipvs.reconcile.ObservedTable;
import io.lvs.agent.kernel.ipvs.reconcile.Plan;
import io.lvs.agent.kernel.ipvs.reconcile.Planner;
import io.lvs.agent.kernel.sysctl.ConfScope;
import io.lvs.agent.kernel.sysctl.Sysctl;
import io.lvs.agent.model.NodeDesired.VsPlan;
import io.lvs.agent.model.VsRef;
import io.lvs.agent.state.Owned.OwnedAddress;
import io.lvs.api.v1alpha1.DirectorRole;
import io.lvs.api.v1alpha1.NodeReportStatus;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Given what a pass could not do, each VirtualService's NodeReport says what concerns it: an IPVS entry someone else
 * holds (kube-proxy's, an administrator's) makes it not programmed with reason Conflict, a kept leftover is news, a
 * sysctl or an address the kernel refused on a real-server node is named, and nothing of one VirtualService spills into
 * another's report.
 */
class ReportBuilderTest {
    static final VsRef WEB = new VsRef("shop", "web");
    static final VsRef API = new VsRef("shop", "api");
    static final InetAddress WEB_VIP = InetAddress.ofLiteral("192.0.2.10");
    static final InetAddress API_VIP = InetAddress.ofLiteral("192.0.2.20");
    static final ServiceKey HTTP = ServiceKey.tcp("192.0.2.10", 80);
    static final ServiceKey HTTPS = ServiceKey.tcp("192.0.2.10", 443);
    static final ServiceKey API_HTTP = ServiceKey.tcp("192.0.2.20", 80);
    static final Destination RS1 = Destination.of("192.0.2.21", 80, ForwardingMethod.DROUTE);
    static final Destination RS2 = Destination.of("192.0.2.22", 80, ForwardingMethod.DROUTE);
    static final Destination RS1_TLS = Destination.of("192.0.2.21", 443, ForwardingMethod.DROUTE);
    static final Destination KUBE = Destination.of("10.96.0.20", 80, ForwardingMethod.MASQ);

    static VsPlan director(VsRef ref, InetAddress vip, Set<ServiceKey> services, boolean sync) {
        Map<DestinationRef, String> names = new java.util.HashMap<>();
        for (ServiceKey k : services) {
            int port = ((ServiceKey.Inet) k).port();
            names.put(new DestinationRef(k, DestinationKey.of("192.0.2.21", port)), "web-1");
            names.put(new DestinationRef(k, DestinationKey.of("192.0.2.22", port)), "web-2");
        }
        return new VsPlan(ref, 3, vip, true, false, 100, Optional.of("eth0"), Optional.of("192.0.2.0/24"), services,
                Map.of(), List.of(), List.of(), names, Set.of(), sync, Set.of());
    }

    static VsPlan realServerNode(VsRef ref, InetAddress vip, List<String> problems) {
        return new VsPlan(ref, 3, vip, false, true, 0, Optional.empty(), Optional.empty(), Set.of(), Map.of(), problems,
                List.of(), Map.of(), Set.of(Sysctl.arpIgnore(ConfScope.of("eth0")), Sysctl.arpAnnounce(ConfScope.of("eth0"))),
                false, Set.of());
    }

    static ReportBuilder.Observed observed(Set<InetAddress> onLo, ReportBuilder.Shortfalls shortfalls) {
        return new ReportBuilder.Observed(vip -> ActiveDirectors.Role.STANDBY, vip -> Optional.empty(), Set.of(), onLo,
                shortfalls, List.of(), List.of(), key -> Optional.empty(), Map.of(), "node-a", plan -> List.of());
    }

    static IpvsTable table(Service service, Destination... destinations) {
        return IpvsTable.builder().service(service, destinations).build();
    }

    /** The planner's conflicts for {@code desired} against {@code kernel}, split as the loop splits them. */
    static ReportBuilder.Shortfalls conflicts(IpvsTable desired, IpvsTable kernel, Ledger ledger,
                                              Map<ServiceKey, VsRef> formerOwners) {
        Plan p = Planner.plan(desired, ObservedTable.of(kernel), ledger);
        return new ReportBuilder.Shortfalls(Map.of(), p.conflicts().stream().filter(c -> desired.contains(c.service())).toList(),
                p.conflicts().stream().filter(c -> !desired.contains(c.service())).toList(), formerOwners, Map.of(), Map.of(),
                List.of());
    }

    @Test
    void aServiceSomeoneElseHoldsMakesItsVirtualServiceNotProgrammedWithReasonConflictAndSaysWhatToDo() {
        // kube-proxy made TCP 192.0.2.10:80 for a Kubernetes Service with that externalIP; web wants 80 and 443
        IpvsTable kernel = table(Service.of(HTTP, Scheduler.RR), KUBE);
        IpvsTable desired = IpvsTable.builder().service(Service.of(HTTP, Scheduler.WRR), List.of(RS1, RS2))
                .service(Service.of(HTTPS, Scheduler.WRR), List.of(RS1_TLS))
                .service(Service.of(API_HTTP, Scheduler.WRR), List.of(RS1)).build();
        ReportBuilder.Shortfalls sf = conflicts(desired, kernel, Ledger.empty(), Map.of());

        NodeReportStatus web = ReportBuilder.report(director(WEB, WEB_VIP, Set.of(HTTP, HTTPS), false), observed(Set.of(), sf));
        assertFalse(web.getProgrammed());
        assertEquals(NodeReportStatus.CONFLICT, web.getReason());
        assertEquals(DirectorRole.Standby, web.getRole(), "it still directs its other port and takes part in the election");
        String m = web.getMessage();
        assertTrue(m.startsWith("IPVS service TCP 192.0.2.10:80 is held by an entry lvs-operator did not create, so it is "
                + "left alone and this port is not served here"), m);
        assertTrue(m.contains("kube-proxy in IPVS mode makes one for a Kubernetes Service that uses this address"), m);
        assertTrue(m.contains("ipvsadm -D -t 192.0.2.10:80") && m.contains("--ipvs-exclude-cidrs"), m);
        assertFalse(m.contains("443"), "only the port that is held: " + m);

        NodeReportStatus api = ReportBuilder.report(director(API, API_VIP, Set.of(API_HTTP), false), observed(Set.of(), sf));
        assertTrue(api.getProgrammed(), "another VirtualService on the node is not concerned: " + api.getMessage());
        assertNull(api.getReason());
        assertNull(api.getMessage());
    }

    @Test
    void aDestinationSomeoneAddedToOurServiceNamesTheRealServerItStandsFor() {
        IpvsTable kernel = table(Service.of(HTTP, Scheduler.WRR), RS1, RS2.withWeight(7));
        Ledger ours = new Ledger(Set.of(HTTP), Set.of(new DestinationRef(HTTP, RS1.key())));
        IpvsTable desired = table(Service.of(HTTP, Scheduler.WRR), RS1, RS2);
        NodeReportStatus web = ReportBuilder.report(director(WEB, WEB_VIP, Set.of(HTTP), false),
                observed(Set.of(), conflicts(desired, kernel, ours, Map.of())));
        assertFalse(web.getProgrammed());
        assertEquals(NodeReportStatus.CONFLICT, web.getReason());
        assertTrue(web.getMessage().startsWith("destination 192.0.2.22:80 (RealServer web-2) of IPVS service "
                + "TCP 192.0.2.10:80 was added by someone else, not lvs-operator"), web.getMessage());
        assertTrue(web.getMessage().contains("ipvsadm -d -t 192.0.2.10:80 -r 192.0.2.22:80"), web.getMessage());
    }

    @Test
    void aServiceKeptForSomeoneElsesDestinationIsNewsForTheVirtualServiceThatLeftItNotAFault() {
        // web moved from port 80 to 443; an administrator had added a destination to our port-80 service
        IpvsTable kernel = IpvsTable.builder().service(Service.of(HTTP, Scheduler.WRR), List.of(RS1, KUBE))
                .service(Service.of(HTTPS, Scheduler.WRR), List.of(RS1_TLS)).build();
        Ledger ours = new Ledger(Set.of(HTTP, HTTPS), Set.of(new DestinationRef(HTTP, RS1.key()),
                new DestinationRef(HTTPS, RS1_TLS.key())));
        IpvsTable desired = table(Service.of(HTTPS, Scheduler.WRR), RS1_TLS);
        ReportBuilder.Shortfalls named = conflicts(desired, kernel, ours, Map.of(HTTP, WEB, HTTPS, WEB));

        NodeReportStatus web = ReportBuilder.report(director(WEB, WEB_VIP, Set.of(HTTPS), false), observed(Set.of(), named));
        assertTrue(web.getProgrammed(), "what web needs now is programmed");
        assertNull(web.getReason());
        assertTrue(web.getMessage().startsWith("IPVS service TCP 192.0.2.10:80 is no longer wanted, but it holds "
                + "destinations lvs-operator did not create (10.96.0.20:80)"), web.getMessage());
        assertTrue(web.getMessage().endsWith("(ipvsadm -D -t 192.0.2.10:80 removes it with theirs)"), web.getMessage());

        // after an agent restart the former owner has no name: the VirtualServices on that VIP hear of it
        ReportBuilder.Shortfalls unnamed = conflicts(desired, kernel, ours, Map.of());
        assertTrue(ReportBuilder.report(director(WEB, WEB_VIP, Set.of(HTTPS), false), observed(Set.of(), unnamed))
                .getMessage().contains("TCP 192.0.2.10:80 is no longer wanted"));
        assertNull(ReportBuilder.report(director(API, API_VIP, Set.of(API_HTTP), false), observed(Set.of(), unnamed))
                .getMessage(), "a VirtualService on another VIP hears nothing");
        // and a deleted VirtualService's leaving report says why its state is not gone yet
        NodeReportStatus leaving = ReportBuilder.leaving(WEB, Optional.of(WEB_VIP), 3, true, named);
        assertTrue(leaving.getKernelStatePresent());
        assertTrue(leaving.getMessage().startsWith("this node no longer serves this VirtualService; removing its kernel "
                + "state; IPVS service TCP 192.0.2.10:80 is no longer wanted"), leaving.getMessage());
    }

    @Test
    void aRealServerNodeSaysWhichSysctlOrAddressTheKernelRefused() {
        VsPlan plan = realServerNode(WEB, WEB_VIP, List.of());
        ReportBuilder.Shortfalls sysctl = new ReportBuilder.Shortfalls(Map.of(), List.of(), List.of(), Map.of(),
                Map.of(Sysctl.arpIgnore(ConfScope.of("eth0")), "write net.ipv4.conf.eth0.arp_ignore = 1: EROFS - "
                        + "Read-only file system"), Map.of(), List.of());
        NodeReportStatus r = ReportBuilder.report(plan, observed(Set.of(WEB_VIP), sysctl));
        assertEquals(DirectorRole.RealServer, r.getRole());
        assertFalse(r.getProgrammed());
        assertEquals(NodeReportStatus.NOT_PROGRAMMED, r.getReason());
        assertEquals("sysctl net.ipv4.conf.eth0.arp_ignore could not be set: write net.ipv4.conf.eth0.arp_ignore = 1: "
                + "EROFS - Read-only file system", r.getMessage());

        ReportBuilder.Shortfalls address = new ReportBuilder.Shortfalls(Map.of(), List.of(), List.of(), Map.of(), Map.of(),
                Map.of(new OwnedAddress("lo", WEB_VIP, 32), "EPERM - Operation not permitted"), List.of());
        r = ReportBuilder.report(plan, observed(Set.of(), address));
        assertEquals("VIP 192.0.2.10 could not be put on lo: EPERM - Operation not permitted", r.getMessage());

        r = ReportBuilder.report(plan, observed(Set.of(WEB_VIP), ReportBuilder.Shortfalls.NONE));
        assertTrue(r.getProgrammed());
        assertNull(r.getMessage());
    }

    @Test
    void aRealServerNodeThatMayNotServeTheVipSaysWhyOnce() {
        VsPlan refused = realServerNode(WEB, WEB_VIP, List.of("not served on this node: VIP 192.0.2.10 is in no VipPool "
                + "that namespace shop may use"));
        NodeReportStatus r = ReportBuilder.report(refused, observed(Set.of(), ReportBuilder.Shortfalls.NONE));
        assertEquals(DirectorRole.RealServer, r.getRole());
        assertFalse(r.getProgrammed());
        assertEquals("not served on this node: VIP 192.0.2.10 is in no VipPool that namespace shop may use", r.getMessage(),
                "no 'not on lo yet': it is not meant to be");
    }

    @Test
    void syncDaemonTroubleReachesOnlyTheVirtualServicesThatSyncConnections() {
        ReportBuilder.Shortfalls sync = new ReportBuilder.Shortfalls(Map.of(), List.of(), List.of(), Map.of(), Map.of(),
                Map.of(), List.of("an IPVS sync master daemon this agent did not start runs on eth1 (sync id 3); left "
                + "alone, so connections are not synced through eth0"));
        NodeReportStatus syncing = ReportBuilder.report(director(WEB, WEB_VIP, Set.of(HTTP), true), observed(Set.of(), sync));
        assertFalse(syncing.getProgrammed());
        assertTrue(syncing.getMessage().startsWith("an IPVS sync master daemon this agent did not start"));
        NodeReportStatus not = ReportBuilder.report(director(API, API_VIP, Set.of(API_HTTP), false), observed(Set.of(), sync));
        assertTrue(not.getProgrammed());
    }

    @Test
    void aRefusedIpvsOperationIsNotProgrammedWithoutBeingAConflict() {
        ReportBuilder.Shortfalls refused = new ReportBuilder.Shortfalls(Map.of(HTTP, "IPVS_CMD_NEW_SERVICE TCP "
                + "192.0.2.10:80: ENOENT - scheduler not found"), List.of(), List.of(), Map.of(), Map.of(), Map.of(), List.of());
        NodeReportStatus r = ReportBuilder.report(director(WEB, WEB_VIP, Set.of(HTTP), false), observed(Set.of(), refused));
        assertFalse(r.getProgrammed());
        assertEquals(NodeReportStatus.NOT_PROGRAMMED, r.getReason());
        assertTrue(r.getMessage().startsWith("IPVS service TCP 192.0.2.10:80: IPVS_CMD_NEW_SERVICE"), r.getMessage());
        // the same report, pass after pass: nothing in it moves with time
        assertEquals(r.getMessage(), ReportBuilder.report(director(WEB, WEB_VIP, Set.of(HTTP), false),
                observed(Set.of(), refused)).getMessage());
    }
}
