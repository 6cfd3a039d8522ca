package io.lvs.agent.model;

import static io.lvs.agent.model.Given.accepted;
import static io.lvs.agent.model.Given.node;
import static io.lvs.agent.model.Given.rs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Node;
import io.lvs.agent.kernel.ipvs.Destination;
import io.lvs.agent.kernel.ipvs.DestinationKey;
import io.lvs.agent.kernel.ipvs.ForwardingMethod;
import io.lvs.agent.kernel.ipvs.Scheduler;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.SyncDaemon;
import io.lvs.agent.kernel.ipvs.Tunnel;
import io.lvs.agent.kernel.ipvs.reconcile.DestinationRef;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsTable;
import io.lvs.agent.kernel.rtnl.FallbackTunnel;
import io.lvs.agent.kernel.sysctl.ConfScope;
import io.lvs.agent.kernel.sysctl.Sysctl;
import io.lvs.agent.model.NodeDesired.ProbeSpec;
import io.lvs.agent.model.NodeDesired.SysctlWant;
import io.lvs.agent.model.NodeDesired.TunnelDecap;
import io.lvs.agent.model.NodeDesired.VsPlan;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.rules.VipPolicy;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Given these objects and this node, the node holds this. */
class DesiredStateTest {
    private static final InetAddress VIP = InetAddress.ofLiteral("192.0.2.10");
    private final Node nodeA = node("node-a", "192.0.2.2", Map.of("lvs.io/director", "true"));
    private final Node nodeB = node("node-b", "192.0.2.3", Map.of("lvs.io/director", "true"));
    private final Node worker1 = node("worker-1", "192.0.2.21", Map.of());
    private final List<Node> nodes = List.of(nodeA, nodeB, worker1);
    private final NodeNetwork directorNet = net("eth0", "192.0.2.2/24");
    private VipPolicy vips = Given.DOCUMENTATION_POOL;

    static NodeNetwork net(String link, String... prefixes) {
        List<NodeNetwork.Prefix> ps = new ArrayList<>();
        for (String p : prefixes) {
            String[] parts = p.split("/");
            ps.add(new NodeNetwork.Prefix(InetAddress.ofLiteral(parts[0]), Integer.parseInt(parts[1])));
        }
        return new NodeNetwork(List.of(
                new NodeNetwork.LinkInfo("lo", true, true, List.of(new NodeNetwork.Prefix(InetAddress.ofLiteral("127.0.0.1"), 8))),
                new NodeNetwork.LinkInfo(link, true, false, ps)));
    }

    static VirtualService web(String method) {
        return accepted("""
                apiVersion: lvs.io/v1alpha1
                kind: VirtualService
                metadata: {name: web}
                spec:
                  vip: 192.0.2.10
                  ports: [{name: http, port: 80}, {name: https, port: 443}]
                  scheduler: {name: wrr}
                  forwarding: {method: %s}
                  realServerSelector: {matchLabels: {app: web}}
                  directors:
                    nodeSelector: {matchLabels: {lvs.io/director: "true"}}
                    priorities: [{nodeName: node-a, priority: 150}]
                """.formatted(method));
    }

    static RealServer server(String name, String address, int weight) {
        return rs("""
                apiVersion: lvs.io/v1alpha1
                kind: RealServer
                metadata: {name: %s, labels: {app: web}}
                spec: {address: %s, weight: %d}
                """.formatted(name, address, weight));
    }

    private NodeDesired on(String node, NodeNetwork net, List<VirtualService> vss, List<RealServer> rss) {
        return on(node, net, vss, rss, Snapshot.HealthView.none(), KernelSupport.full(), IpvsTable.empty());
    }

    private NodeDesired on(String node, NodeNetwork net, List<VirtualService> vss, List<RealServer> rss,
                           Snapshot.HealthView health, KernelSupport kernel, IpvsTable observed) {
        return DesiredState.compute(new Snapshot(node, vss, rss, nodes, net, kernel, health, observed, vips));
    }

    @Test
    void aDirectorHoldsTheIpvsTableAndKnowsWhereTheVipGoes() {
        NodeDesired d = on("node-a", directorNet, List.of(web("DirectRouting")),
                List.of(server("web-1", "192.0.2.21", 2), server("web-2", "192.0.2.22", 1)));
        IpvsTable.Entry http = d.ipvs().get(ServiceKey.tcp("192.0.2.10", 80)).orElseThrow();
        assertEquals(Scheduler.WRR, http.service().scheduler());
        assertEquals(Set.of("192.0.2.21:80 Route weight 2", "192.0.2.22:80 Route weight 1"),
                Set.copyOf(http.destinations().values().stream().map(Destination::toString).toList()));
        assertTrue(d.ipvs().contains(ServiceKey.tcp("192.0.2.10", 443)));
        assertEquals("eth0", d.directorVips().get(VIP).link());
        assertEquals(5, d.directorVips().get(VIP).announce().burst());
        NodeDesired.DirectorGroup g = d.directorGroups().getFirst();
        assertEquals(150, g.priority());
        assertEquals(List.of(new NodeDesired.Peer("node-b", 100, List.of(InetAddress.ofLiteral("192.0.2.3")))), g.peers());
        assertEquals(Optional.of(InetAddress.ofLiteral("192.0.2.2")), g.localAddress());
        VsPlan plan = d.plans().get(new VsRef("default", "web"));
        assertTrue(plan.director() && plan.programmable());
        assertEquals(Optional.of("192.0.2.0/24"), plan.vipNetwork());
        assertEquals(Set.of(), d.loopbackVips(), "a director does not put the VIP on lo");
        assertEquals(List.of("default/web-1/web/80", "default/web-1/web/443"), plan.probes().get("web-1"));
        assertEquals(4, d.probes().size(), "one TCP check per server and port");
        // the standby computes the very same table: a takeover only moves the VIP
        NodeDesired b = on("node-b", net("eth0", "192.0.2.3/24"), List.of(web("DirectRouting")),
                List.of(server("web-1", "192.0.2.21", 2), server("web-2", "192.0.2.22", 1)));
        assertEquals(d.ipvs(), b.ipvs());
    }

    @Test
    void aPlanNamesTheRealServerBehindEachOfItsDestinations() {
        NodeDesired d = on("node-a", directorNet, List.of(web("DirectRouting")),
                List.of(server("web-1", "192.0.2.21", 2), server("web-2", "192.0.2.22", 1)));
        ServiceKey http = ServiceKey.tcp("192.0.2.10", 80);
        ServiceKey https = ServiceKey.tcp("192.0.2.10", 443);
        assertEquals(Map.of(
                new DestinationRef(http, DestinationKey.of("192.0.2.21", 80)), "web-1",
                new DestinationRef(http, DestinationKey.of("192.0.2.22", 80)), "web-2",
                new DestinationRef(https, DestinationKey.of("192.0.2.21", 443)), "web-1",
                new DestinationRef(https, DestinationKey.of("192.0.2.22", 443)), "web-2"),
                d.plans().get(new VsRef("default", "web")).realServers());
    }

    @Test
    void aNodeThatIsNeitherDirectorNorHostHoldsNothing() {
        NodeDesired d = on("worker-1", net("eth0", "192.0.2.21/24"), List.of(web("NAT")),
                List.of(server("web-1", "192.0.2.21", 1)));
        assertEquals(NodeDesired.nothing(), d);
    }

    @Test
    void eachPlanNamesTheSysctlsAndSyncDaemonsItNeedsSoTheirFailuresReachItsReport() {
        List<RealServer> servers = List.of(server("web-1", "192.0.2.21", 1));
        VsPlan host = on("worker-1", net("eth0", "192.0.2.21/24"), List.of(web("DirectRouting")), servers)
                .plans().get(new VsRef("default", "web"));
        assertEquals(Set.of(Sysctl.arpIgnore(ConfScope.of("eth0")), Sysctl.arpAnnounce(ConfScope.of("eth0"))), host.sysctls());
        assertFalse(host.connectionSync());
        VsPlan natDirector = on("node-a", directorNet, List.of(web("NAT")), servers).plans().get(new VsRef("default", "web"));
        assertEquals(Set.of(Sysctl.ipForward(), Sysctl.vsConntrack()), natDirector.sysctls());
        assertTrue(natDirector.connectionSync(), "connection sync is on by default");
        VsPlan drDirector = on("node-a", directorNet, List.of(web("DirectRouting")), servers).plans().get(new VsRef("default", "web"));
        assertEquals(Set.of(), drDirector.sysctls());
    }

    @Test
    void aPlanRefusedByThePoolsKeepsThePartThisNodeHasSoItsReportSaysWhoCannotServe() {
        vips = VipPolicy.of(List.of(Given.pool("elsewhere", "198.51.100.0/24")), ns -> null);
        List<RealServer> servers = List.of(server("web-1", "192.0.2.21", 1));
        VsPlan director = on("node-a", directorNet, List.of(web("DirectRouting")), servers).plans().get(new VsRef("default", "web"));
        assertTrue(director.director() && !director.realServer() && !director.programmable());
        assertEquals(150, director.priority());
        VsPlan host = on("worker-1", net("eth0", "192.0.2.21/24"), List.of(web("DirectRouting")), servers)
                .plans().get(new VsRef("default", "web"));
        assertTrue(!host.director() && host.realServer() && !host.programmable());
    }

    @Test
    void aRefusedEditKeepsServingTheAcceptedSpec() {
        VirtualService vs = web("DirectRouting");
        vs.getMetadata().setGeneration(2L);
        vs.getSpec().getPorts().getFirst().setPort(8080); // generation 2, refused: acceptedSpec still says 80
        NodeDesired d = on("node-a", directorNet, List.of(vs), List.of(server("web-1", "192.0.2.21", 1)));
        assertTrue(d.ipvs().contains(ServiceKey.tcp("192.0.2.10", 80)));
        assertFalse(d.ipvs().contains(ServiceKey.tcp("192.0.2.10", 8080)));
        assertEquals(1L, d.plans().get(new VsRef("default", "web")).generation());
    }

    @Test
    void neverAcceptedOrDeletedVirtualServicesAreNotServed() {
        VirtualService fresh = web("DirectRouting");
        fresh.setStatus(null);
        VirtualService deleted = web("DirectRouting");
        deleted.getMetadata().setDeletionTimestamp("2026-12-01T11:00:00Z");
        assertEquals(NodeDesired.nothing(), on("node-a", directorNet, List.of(fresh), List.of(server("web-1", "192.0.2.21", 1))));
        assertEquals(NodeDesired.nothing(), on("node-a", directorNet, List.of(deleted), List.of(server("web-1", "192.0.2.21", 1))));
    }

    @Test
    void aVipNoPoolAllowsIsNeitherTakenByADirectorNorPreparedOnARealServerNode() {
        // the status says accepted (anyone who may write it could say so); the pools do not allow the VIP
        vips = VipPolicy.of(List.of(Given.pool("elsewhere", "198.51.100.0/24")), ns -> null);
        List<RealServer> servers = List.of(server("web-1", "192.0.2.21", 1));
        for (String method : List.of("DirectRouting", "Tunnel", "NAT")) {
            NodeDesired director = on("node-a", directorNet, List.of(web(method)), servers);
            NodeDesired host = on("worker-1", net("eth0", "192.0.2.21/24"), List.of(web(method)), servers);
            for (NodeDesired d : List.of(director, host)) {
                assertTrue(d.directorVips().isEmpty() && d.loopbackVips().isEmpty() && d.sysctls().isEmpty()
                        && d.tunnels().isEmpty() && d.probes().isEmpty(), method + ": " + d);
                assertEquals(IpvsTable.empty(), d.ipvs(), method);
                VsPlan plan = d.plans().get(new VsRef("default", "web"));
                if (d == host && method.equals("NAT")) {
                    assertEquals(null, plan, "a NAT real server's node has no part in it anyway");
                    continue;
                }
                assertTrue(plan.problems().getFirst().contains("VIP 192.0.2.10 is in no VipPool that namespace default may "
                        + "use"), plan.problems().toString());
            }
        }
        // a pool for the namespace by name lets it through
        vips = VipPolicy.of(List.of(Given.yaml("""
                apiVersion: lvs.io/v1alpha1
                kind: VipPool
                metadata: {name: web}
                spec: {addresses: [192.0.2.10/32], namespaces: [default]}
                """, io.lvs.api.v1alpha1.VipPool.class)), ns -> null);
        assertEquals(Set.of(VIP), on("worker-1", net("eth0", "192.0.2.21/24"), List.of(web("DirectRouting")), servers)
                .loopbackVips());
    }

    @Test
    void aDirectRoutingRealServerNodeHoldsTheVipOnLoAndSilencesArp() {
        NodeDesired d = on("worker-1", net("eth0", "192.0.2.21/24"), List.of(web("DirectRouting")),
                List.of(server("web-1", "192.0.2.21", 1), server("web-2", "192.0.2.22", 1)));
        assertEquals(Set.of(VIP), d.loopbackVips());
        assertEquals(List.of(SysctlWant.exactly(Sysctl.arpIgnore(ConfScope.of("eth0")), 1),
                SysctlWant.exactly(Sysctl.arpAnnounce(ConfScope.of("eth0")), 2)), d.sysctls());
        assertEquals(IpvsTable.empty(), d.ipvs());
        assertTrue(d.directorVips().isEmpty() && d.probes().isEmpty());
        VsPlan plan = d.plans().get(new VsRef("default", "web"));
        assertTrue(plan.realServer() && !plan.director());
    }

    @Test
    void aTunnelRealServerAlsoDecapsulatesAndLoosensReversePathFilteringOnTheTunnelDevice() {
        VirtualService vs = web("Tunnel");
        NodeDesired d = on("worker-1", net("eth0", "192.0.2.21/24"), List.of(vs), List.of(server("web-1", "192.0.2.21", 1)));
        TunnelDecap ipip = new TunnelDecap(TunnelDecap.Kind.IPIP, false, false, 0);
        assertEquals(Set.of(ipip), d.tunnels());
        assertEquals(FallbackTunnel.TUNL0, ipip.device());
        assertEquals(Set.of(ipip), d.plans().get(new VsRef("default", "web")).tunnels(), "the plan names what it needs");
        assertTrue(d.sysctls().contains(SysctlWant.looseReversePath("tunl0")), d.sysctls().toString());
        assertTrue(d.sysctls().stream().noneMatch(w -> w.key().equals(Sysctl.rpFilter(ConfScope.ALL))),
                "conf/all never needs changing: the kernel takes max(all, tunl0), and tunl0 loose makes that loose");
        assertEquals(Set.of(VIP), d.loopbackVips());
        assertEquals(Set.of(new NodeDesired.DeviceVip("tunl0", VIP)), d.tunnelVips(),
                "the VIP on tunl0 too: the kernel fails a loose check on a device without an IPv4 address");
        NodeDesired director = on("node-a", directorNet, List.of(vs), List.of(server("web-1", "192.0.2.21", 1)));
        Destination dest = director.ipvs().get(ServiceKey.tcp("192.0.2.10", 80)).orElseThrow().destinations().values()
                .iterator().next();
        assertEquals(ForwardingMethod.TUNNEL, dest.forwarding());
        assertEquals(Tunnel.IPIP, dest.tunnel());
        assertTrue(director.tunnels().isEmpty() && director.plans().get(new VsRef("default", "web")).tunnels().isEmpty(),
                "a director decapsulates nothing");
    }

    @Test
    void eachTunnelKindAndFamilyPairLandsOnTheFallbackDeviceThatReceivesIt() {
        record Case(String encapsulation, String vip, String address, FallbackTunnel device, boolean rpFilter) {
        }
        List<Case> cases = List.of(
                new Case("{encapsulation: IPIP}", "192.0.2.10", "192.0.2.21", FallbackTunnel.TUNL0, true),
                new Case("{encapsulation: GUE, port: 6080}", "192.0.2.10", "192.0.2.21", FallbackTunnel.TUNL0, true),
                new Case("{encapsulation: GRE}", "192.0.2.10", "192.0.2.21", FallbackTunnel.GRE0, true),
                new Case("{encapsulation: IPIP}", "2001:db8::10", "192.0.2.21", FallbackTunnel.SIT0, false),
                new Case("{encapsulation: GUE, port: 6080}", "2001:db8::10", "192.0.2.21", FallbackTunnel.SIT0, false),
                new Case("{encapsulation: GRE}", "2001:db8::10", "192.0.2.21", FallbackTunnel.GRE0, false),
                new Case("{encapsulation: IPIP}", "2001:db8::10", "2001:db8::21", FallbackTunnel.IP6TNL0, false),
                new Case("{encapsulation: GUE, port: 6080}", "192.0.2.10", "2001:db8::21", FallbackTunnel.IP6TNL0, true),
                new Case("{encapsulation: GRE}", "2001:db8::10", "2001:db8::21", FallbackTunnel.IP6GRE0, false),
                new Case("{encapsulation: GRE}", "192.0.2.10", "2001:db8::21", FallbackTunnel.IP6GRE0, true));
        for (Case c : cases) {
            VirtualService vs = accepted("""
                    apiVersion: lvs.io/v1alpha1
                    kind: VirtualService
                    metadata: {name: web}
                    spec:
                      vip: "%s"
                      ports: [{port: 80}]
                      forwarding: {method: Tunnel, tunnel: %s}
                      realServerSelector: {matchLabels: {app: web}}
                      directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                    """.formatted(c.vip(), c.encapsulation()));
            RealServer rs = Given.rs("""
                    apiVersion: lvs.io/v1alpha1
                    kind: RealServer
                    metadata: {name: web-1, labels: {app: web}}
                    spec: {address: "%s", nodeName: worker-1}
                    """.formatted(c.address()));
            NodeDesired d = on("worker-1", net("eth0", "192.0.2.21/24", "2001:db8::21/64"), List.of(vs), List.of(rs));
            String what = c.encapsulation() + " VIP " + c.vip() + " to " + c.address();
            TunnelDecap decap = d.tunnels().stream().findFirst().orElseThrow(() -> new AssertionError(what + ": no tunnel"));
            assertEquals(1, d.tunnels().size(), what);
            assertEquals(c.device(), decap.device(), what);
            assertEquals(c.encapsulation().contains("GUE"), decap.needsFouPort(), what);
            assertEquals(c.encapsulation().contains("GUE") ? 6080 : 0, decap.guePort(), what);
            assertEquals(c.address().contains(":"), decap.ipv6Outer(), what);
            assertEquals(c.rpFilter(), d.sysctls().contains(SysctlWant.looseReversePath(c.device().device())),
                    what + ": reverse-path filtering is IPv4's only " + d.sysctls());
            assertEquals(c.rpFilter() ? Set.of(new NodeDesired.DeviceVip(c.device().device(), InetAddress.ofLiteral(c.vip())))
                    : Set.of(), d.tunnelVips(), what);
            assertTrue(d.plans().get(new VsRef("default", "web")).programmable(), what + ": " + d.plans());
        }
    }

    @Test
    void theReversePathFilterOfATunnelDeviceIsLoosenedOnlyWhereItIsStrictInEffect() {
        SysctlWant w = SysctlWant.looseReversePath("tunl0");
        assertEquals(Sysctl.rpFilter(ConfScope.of("tunl0")), w.key());
        assertEquals(Sysctl.rpFilter(ConfScope.ALL), w.allKey());
        java.util.function.IntSupplier noAll = () -> {
            throw new AssertionError("conf/all is read only when the device itself is off");
        };
        assertEquals(java.util.OptionalInt.of(2), w.target(1, noAll), "strict on the device: loosened");
        assertEquals(java.util.OptionalInt.empty(), w.target(2, noAll), "loose already");
        assertEquals(java.util.OptionalInt.empty(), w.target(0, () -> 0), "off, and off in all: off in effect");
        assertEquals(java.util.OptionalInt.empty(), w.target(0, () -> 2), "off, loose in all: loose in effect");
        assertEquals(java.util.OptionalInt.of(2), w.target(0, () -> 1), "off, but strict in all: strict in effect");
        SysctlWant exact = SysctlWant.exactly(Sysctl.arpIgnore(ConfScope.ALL), 1);
        assertEquals(java.util.OptionalInt.of(1), exact.target(0, noAll));
        assertEquals(java.util.OptionalInt.empty(), exact.target(1, noAll));
    }

    @Test
    void aNatDirectorForwardsTracksConnectionsAndRemapsPorts() {
        VirtualService vs = web("NAT");
        RealServer remapped = server("web-1", "198.51.100.21", 1);
        remapped.getSpec().setPort(8080);
        NodeDesired d = on("node-a", directorNet, List.of(vs), List.of(remapped));
        assertEquals(List.of(SysctlWant.exactly(Sysctl.ipForward(), 1), SysctlWant.exactly(Sysctl.vsConntrack(), 1)),
                d.sysctls());
        Destination dest = d.ipvs().get(ServiceKey.tcp("192.0.2.10", 443)).orElseThrow().destinations().values().iterator().next();
        assertEquals("198.51.100.21:8080 Masq weight 1", dest.toString());
        assertEquals("default/web-1/web/8080", d.plans().get(new VsRef("default", "web")).probes().get("web-1").getFirst());
    }

    @Test
    void localForwardingHoldsOnlyTheVip() {
        VirtualService vs = accepted("""
                apiVersion: lvs.io/v1alpha1
                kind: VirtualService
                metadata: {name: proxy}
                spec:
                  vip: 192.0.2.40
                  ports: [{port: 443}]
                  forwarding: {method: Local}
                  directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                """);
        NodeDesired d = on("node-a", directorNet, List.of(vs), List.of(), Snapshot.HealthView.none(),
                new KernelSupport(Optional.of("the ip_vs module is not loaded"), s -> Optional.empty()), IpvsTable.empty());
        assertEquals(IpvsTable.empty(), d.ipvs());
        assertEquals("eth0", d.directorVips().get(InetAddress.ofLiteral("192.0.2.40")).link());
        assertTrue(d.plans().get(new VsRef("default", "proxy")).programmable(), "Local needs no IPVS");
    }

    @Test
    void directorsOfIpvsVirtualServicesRunASyncMasterAndBackupOnTheLowestVipsLink() {
        VirtualService vs = web("DirectRouting");
        NodeDesired d = on("node-a", directorNet, List.of(vs), List.of(server("web-1", "192.0.2.21", 2)),
                Snapshot.HealthView.none(), KernelSupport.full(), IpvsTable.empty());
        InetAddress kernelGroup = InetAddress.ofLiteral("224.0.0.81");
        assertEquals(List.of(SyncDaemon.master("eth0", 0).withMulticast(kernelGroup, 8848, 1),
                SyncDaemon.backup("eth0", 0).withMulticast(kernelGroup, 8848, 1)), d.syncDaemons());
        VirtualService noSync = accepted("""
                apiVersion: lvs.io/v1alpha1
                kind: VirtualService
                metadata: {name: web}
                spec:
                  vip: 192.0.2.10
                  ports: [{port: 80}]
                  realServerSelector: {matchLabels: {app: web}}
                  directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                  failover: {connectionSync: {enabled: false}}
                """);
        NodeDesired off = on("node-a", directorNet, List.of(noSync), List.of(server("web-1", "192.0.2.21", 2)),
                Snapshot.HealthView.none(), KernelSupport.full(), IpvsTable.empty());
        assertTrue(off.syncDaemons().isEmpty(), "connection sync off: no daemon");
        NodeDesired realServer = on("worker-1", net("eth0", "192.0.2.21/24"), List.of(web("DirectRouting")),
                List.of(server("web-1", "192.0.2.21", 2)), Snapshot.HealthView.none(), KernelSupport.full(),
                IpvsTable.empty());
        assertTrue(realServer.syncDaemons().isEmpty(), "only directors sync");
    }

    @Test
    void theSyncDaemonsTakeTheLowestVipsGroupPortAndTtlAndAVirtualServiceAskingOtherwiseIsToldWhy() {
        VirtualService low = accepted(syncing("low", "192.0.2.10", "{group: 233.252.0.81, port: 9000, ttl: 3}"));
        VirtualService same = accepted(syncing("same", "192.0.2.11", "{group: 233.252.0.81, port: 9000, ttl: 3}"));
        VirtualService other = accepted(syncing("other", "192.0.2.12", "{group: 'ff05::db8:0:81'}"));
        NodeDesired d = on("node-a", directorNet, List.of(other, same, low), List.of(server("web-1", "192.0.2.21", 2)));
        InetAddress group = InetAddress.ofLiteral("233.252.0.81");
        assertEquals(List.of(SyncDaemon.master("eth0", 0).withMulticast(group, 9000, 3),
                SyncDaemon.backup("eth0", 0).withMulticast(group, 9000, 3)), d.syncDaemons());
        assertEquals(List.of(), d.plans().get(new VsRef("default", "low")).notes());
        assertEquals(List.of(), d.plans().get(new VsRef("default", "same")).notes());
        VsPlan asksOtherwise = d.plans().get(new VsRef("default", "other"));
        assertEquals(List.of("connection sync on this node runs with group 233.252.0.81 port 9000 ttl 3 (from default/low, "
                + "the lowest VIP here), not the group ff05::db8:0:81 port 8848 ttl 1 this VirtualService asks for: a node has "
                + "one sync daemon, so give every VirtualService whose directors share a node the same connectionSync "
                + "group, port and ttl"), asksOtherwise.notes());
        assertTrue(asksOtherwise.programmable(), "a note is no fault: the director still serves and takes part in the election");

        NodeDesired alone = on("node-a", directorNet, List.of(other), List.of(server("web-1", "192.0.2.21", 2)));
        InetAddress v6 = InetAddress.ofLiteral("ff05::db8:0:81");
        assertEquals(List.of(SyncDaemon.master("eth0", 0).withMulticast(v6, 8848, 1),
                SyncDaemon.backup("eth0", 0).withMulticast(v6, 8848, 1)), alone.syncDaemons());
        assertEquals(List.of(), alone.plans().get(new VsRef("default", "other")).notes());
    }

    private static String syncing(String name, String vip, String connectionSync) {
        return """
                apiVersion: lvs.io/v1alpha1
                kind: VirtualService
                metadata: {name: %s}
                spec:
                  vip: %s
                  ports: [{port: 80}]
                  realServerSelector: {matchLabels: {app: web}}
                  directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                  failover: {connectionSync: %s}
                """.formatted(name, vip, connectionSync);
    }

    @Test
    void aLocalDirectorWhoseProxyFailsItsCheckOnLoopbackIsNotEligible() {
        VirtualService vs = accepted("""
                apiVersion: lvs.io/v1alpha1
                kind: VirtualService
                metadata: {name: proxy}
                spec:
                  vip: 192.0.2.40
                  ports: [{port: 443}, {port: 80}]
                  forwarding: {method: Local}
                  directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                """);
        KernelSupport kernel = new KernelSupport(Optional.of("no IPVS"), s -> Optional.empty());
        NodeDesired d = on("node-a", directorNet, List.of(vs), List.of(), Snapshot.HealthView.none(), kernel,
                IpvsTable.empty());
        ProbeSpec probe = d.probes().stream().filter(p -> p.key().equals("local/default/proxy/443")).findFirst()
                .orElseThrow(() -> new AssertionError(d.probes().toString()));
        assertEquals(InetAddress.ofLiteral("127.0.0.1"), probe.address(), "the proxy is asked on loopback");
        assertEquals(443, probe.port(), "the default check goes to the first port");
        assertTrue(d.directorGroups().getFirst().eligible(), "no verdict yet: eligible");
        NodeDesired failing = on("node-a", directorNet, List.of(vs), List.of(), key -> key.equals(probe.key())
                ? Optional.of(false) : Optional.empty(), kernel, IpvsTable.empty());
        assertFalse(failing.directorGroups().getFirst().eligible(), "a failing proxy takes this director out");
        VirtualService noCheck = accepted("""
                apiVersion: lvs.io/v1alpha1
                kind: VirtualService
                metadata: {name: proxy}
                spec:
                  vip: 192.0.2.40
                  ports: [{port: 443}]
                  forwarding: {method: Local}
                  healthCheck: {type: None}
                  directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                """);
        NodeDesired unchecked = on("node-a", directorNet, List.of(noCheck), List.of(), Snapshot.HealthView.none(),
                kernel, IpvsTable.empty());
        assertTrue(unchecked.probes().isEmpty());
        assertTrue(unchecked.directorGroups().getFirst().eligible());
    }

    @Test
    void aFailingServerIsDrainedAndStartDownServersWaitForRise() {
        VirtualService vs = web("DirectRouting");
        RealServer fresh = server("web-2", "192.0.2.22", 3);
        fresh.getSpec().setHealthCheck(new io.lvs.api.v1alpha1.HealthCheckSpec());
        fresh.getSpec().getHealthCheck().setStartDown(true);
        Snapshot.HealthView health = key -> key.equals("default/web-1/web/80") ? Optional.of(false) : Optional.empty();
        NodeDesired d = on("node-a", directorNet, List.of(vs), List.of(server("web-1", "192.0.2.21", 2), fresh), health,
                KernelSupport.full(), IpvsTable.empty());
        Map<String, Integer> weights80 = weights(d, 80);
        assertEquals(Map.of("192.0.2.21", 0, "192.0.2.22", 0), weights80, "web-1 fails; web-2 has not passed rise yet");
        assertEquals(Map.of("192.0.2.21", 2, "192.0.2.22", 0), weights(d, 443), "web-1 passes on 443");
        assertFalse(d.probes().stream().filter(p -> p.realServer().name().equals("web-2")).findFirst().orElseThrow()
                .initiallyHealthy());
    }

    @Test
    void aRestartAdoptsDrainedServersFromTheKernel() {
        VirtualService vs = web("DirectRouting");
        List<RealServer> rss = List.of(server("web-1", "192.0.2.21", 2));
        NodeDesired before = on("node-a", directorNet, List.of(vs), rss, key -> Optional.of(false), KernelSupport.full(),
                IpvsTable.empty());
        // a fresh agent: no probe state, the kernel shows web-1 drained by the previous agent
        NodeDesired after = on("node-a", directorNet, List.of(vs), rss, Snapshot.HealthView.none(), KernelSupport.full(),
                before.ipvs());
        assertEquals(before.ipvs(), after.ipvs(), "nothing to change in the kernel");
        assertTrue(after.probes().stream().noneMatch(NodeDesired.ProbeSpec::initiallyHealthy));
    }

    @Test
    void aKernelWithoutIpvsOrTheSchedulerSaysWhichModuleToLoad() {
        KernelSupport noWrr = new KernelSupport(Optional.empty(), s -> s == Scheduler.WRR
                ? Optional.of("scheduler wrr is not available: load the ip_vs_wrr module (modprobe ip_vs_wrr)") : Optional.empty());
        NodeDesired d = on("node-a", directorNet, List.of(web("DirectRouting")), List.of(server("web-1", "192.0.2.21", 1)),
                Snapshot.HealthView.none(), noWrr, IpvsTable.empty());
        VsPlan plan = d.plans().get(new VsRef("default", "web"));
        assertEquals(List.of("scheduler wrr is not available: load the ip_vs_wrr module (modprobe ip_vs_wrr)"), plan.problems());
        assertEquals(IpvsTable.empty(), d.ipvs(), "nothing half-programmed");
        assertTrue(d.directorVips().containsKey(VIP), "the VIP can still be elected");
    }

    @Test
    void oneBrokenVirtualServiceDoesNotStopTheOthers() {
        VirtualService broken = web("DirectRouting");
        broken.getMetadata().setName("broken");
        broken.getStatus().getAcceptedSpec().setVip("not-an-address");
        VirtualService ok = web("DirectRouting");
        NodeDesired d = on("node-a", directorNet, List.of(broken, ok), List.of(server("web-1", "192.0.2.21", 1)));
        assertFalse(d.plans().get(new VsRef("default", "broken")).programmable());
        assertTrue(d.plans().get(new VsRef("default", "web")).programmable());
        assertTrue(d.ipvs().contains(ServiceKey.tcp("192.0.2.10", 80)));
    }

    @Test
    void aNodeCannotBeDirectorAndRealServerOfOneVip() {
        Node both = node("node-a", "192.0.2.2", Map.of("lvs.io/director", "true"));
        RealServer onA = server("web-1", "192.0.2.2", 1);
        NodeDesired d = DesiredState.compute(new Snapshot("node-a", List.of(web("DirectRouting")), List.of(onA),
                List.of(both, nodeB), directorNet, KernelSupport.full(), Snapshot.HealthView.none(), IpvsTable.empty(),
                Given.DOCUMENTATION_POOL));
        assertTrue(d.loopbackVips().isEmpty());
        assertTrue(d.plans().get(new VsRef("default", "web")).problems().getFirst().contains("a node cannot be both"));
    }

    @Test
    void anIpv6RealServerNeedsNoArpSysctls() {
        VirtualService vs = accepted("""
                apiVersion: lvs.io/v1alpha1
                kind: VirtualService
                metadata: {name: v6}
                spec:
                  vip: 2001:db8::10
                  ports: [{port: 80}]
                  realServerSelector: {matchLabels: {app: web}}
                  directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
                """);
        RealServer r = server("web-1", "2001:db8::21", 1);
        r.getSpec().setNodeName("worker-1");
        NodeDesired d = on("worker-1", net("eth0", "2001:db8::21/64"), List.of(vs), List.of(r));
        assertEquals(Set.of(InetAddress.ofLiteral("2001:db8::10")), d.loopbackVips());
        assertEquals(List.of(), d.sysctls());
    }

    private static Map<String, Integer> weights(NodeDesired d, int port) {
        Map<String, Integer> out = new java.util.TreeMap<>();
        d.ipvs().get(ServiceKey.tcp("192.0.2.10", port)).orElseThrow().destinations().values()
                .forEach(x -> out.put(x.address().getHostAddress(), x.weight()));
        return out;
    }
}
