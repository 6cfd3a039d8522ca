package io.lvs.agent.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.lvs.agent.kernel.testing.Netns;
import io.lvs.agent.kernel.testing.Root;
import io.lvs.api.v1alpha1.DirectorRole;
import io.lvs.api.v1alpha1.NodeReport;
import io.lvs.api.v1alpha1.NodeReportStatus;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.VirtualServiceSpec;
import io.lvs.api.v1alpha1.VirtualServiceStatus;
import io.lvs.api.v1alpha1.validation.ApiObjects;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent on a DirectRouting real server's node, driving the host kernel in a network namespace from objects on a
 * mock API server: the VIP goes on lo with the ARP sysctls, comes back when deleted by hand, survives an agent
 * restart with no kernel change, and leaves exactly as it came when the VirtualService is deleted, while an address
 * an administrator put on lo is never touched.
 */
class RealServerNodeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final InetAddress VIP = InetAddress.ofLiteral("192.0.2.10");

    @TempDir
    Path stateDir;

    @Test
    void aRealServerNodeHoldsTheVipOnLoWithArpSilencedAndGivesBackExactlyWhatItTook() throws Exception {
        Root.assume("network namespaces");
        try (Netns.Pair pair = Netns.pair("rsnode", "eth0", "eth0"); MockApi api = new MockApi()) {
            Netns ns = pair.a();
            ns.ip("addr", "add", "192.0.2.21/24", "dev", "eth0");
            ns.ip("addr", "add", "192.0.2.99/32", "dev", "lo"); // an administrator's address: never ours
            KubernetesClient k = api.client();
            k.nodes().resource(new NodeBuilder().withNewMetadata().withName("worker-1").endMetadata().withNewStatus()
                    .addNewAddress().withType("InternalIP").withAddress("192.0.2.21").endAddress().endStatus().build()).create();
            k.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").withLabels(Map.of("lvs.io/director", "true"))
                    .endMetadata().build()).create();
            k.resource(realServer()).create();
            k.resource(pool("192.0.2.0/28")).create();
            acceptedVirtualService(k);
            int ignoreBefore = sysctl(ns, "net.ipv4.conf.eth0.arp_ignore");

            try (AgentOnNetns agent = new AgentOnNetns(api.newClient(), "worker-1", ns.namespace(), stateDir)) {
                await("the VIP on lo", () -> ns.address("lo", VIP).isPresent());
                assertEquals(32, ns.address("lo", VIP).orElseThrow().prefixLength());
                assertEquals(1, sysctl(ns, "net.ipv4.conf.eth0.arp_ignore"));
                assertEquals(2, sysctl(ns, "net.ipv4.conf.eth0.arp_announce"));
                await("its NodeReport", () -> report(k) != null && Boolean.TRUE.equals(report(k).getStatus().getProgrammed()));
                NodeReport r = report(k);
                assertEquals(DirectorRole.RealServer, r.getStatus().getRole());
                assertEquals(1L, r.getStatus().getVirtualServiceGeneration());
                assertEquals("web", r.getMetadata().getOwnerReferences().getFirst().getName(), "owned by its VirtualService");

                // drift: someone deletes the VIP by hand; the agent puts it back and counts the repair
                long repairs = agent.loop.counters().driftRepairs.get();
                ns.ip("addr", "del", "192.0.2.10/32", "dev", "lo");
                await("the VIP back on lo", () -> ns.address("lo", VIP).isPresent());
                await("the repair counted", () -> agent.loop.counters().driftRepairs.get() > repairs);
                // a pass that ran while the VIP was gone may have reported it missing (written by the report writer's
                // thread a little later), and the next one reports it back: let that settle first
                await("the report programmed again", () -> Boolean.TRUE.equals(report(k).getStatus().getProgrammed()));
                for (long w = -1; w != agent.reports.writes(); ) {
                    w = agent.reports.writes();
                    long p = agent.loop.status().pass();
                    await("three passes", () -> agent.loop.status().pass() >= p + 3);
                }

                // steady state: nothing is written to the API server
                long writes = agent.reports.writes();
                long pass = agent.loop.status().pass();
                await("three more passes", () -> agent.loop.status().pass() >= pass + 3);
                assertEquals(writes, agent.reports.writes(), "no report writes while nothing changes");
            }

            // a restart adopts what the first agent left: no kernel change at all, the VIP never left
            assertTrue(ns.address("lo", VIP).isPresent(), "stopping the agent for a restart leaves the VIP");
            try (AgentOnNetns again = new AgentOnNetns(api.newClient(), "worker-1", ns.namespace(), stateDir)) {
                await("a few converged passes", () -> again.loop.status().converged() && again.loop.status().pass() >= 3);
                assertEquals(0, again.loop.counters().kernelOps.get(), "adopting changes nothing in the kernel");

                // the VirtualService goes: the VIP leaves lo, the sysctls go back, the report goes
                k.resources(VirtualService.class).inNamespace("default").withName("web").delete();
                await("the VIP gone from lo", () -> ns.address("lo", VIP).isEmpty());
                // the address and the sysctls are separate steps of a pass: wait for the second too
                await("arp_ignore restored", () -> sysctl(ns, "net.ipv4.conf.eth0.arp_ignore") == ignoreBefore);
                await("the report deleted", () -> report(k) == null);
                await("nothing owned", again.state::ownsNothing);
            }
            assertTrue(ns.address("lo", InetAddress.ofLiteral("192.0.2.99")).isPresent(), "the admin's address stays");
        }
    }

    @Test
    void aVipDeletedByHandIsPutBackOnTheKernelsNotificationWithoutWaitingForAResync() throws Exception {
        Root.assume("network namespaces");
        try (Netns.Pair pair = Netns.pair("rsnotify", "eth0", "eth0"); MockApi api = new MockApi()) {
            Netns ns = pair.a();
            ns.ip("addr", "add", "192.0.2.21/24", "dev", "eth0");
            KubernetesClient k = api.client();
            workerWithItsRealServer(k);
            k.resource(pool("192.0.2.0/28")).create();
            acceptedVirtualService(k);
            // a resync so far off that only the address notification can bring the VIP back within the test
            ControlLoop.Options noResync = new ControlLoop.Options(Duration.ofHours(1), Duration.ofSeconds(5),
                    Duration.ofSeconds(30));
            try (AgentOnNetns agent = new AgentOnNetns(api.newClient(), "worker-1", ns.namespace(), stateDir, noResync)) {
                await("the VIP on lo", () -> ns.address("lo", VIP).isPresent());
                long repairs = agent.loop.counters().driftRepairs.get();
                long notifications = agent.loop.counters().addressNotifications.get();
                for (int round = 1; round <= 3; round++) {
                    long t0 = System.nanoTime();
                    ns.ip("addr", "del", "192.0.2.10/32", "dev", "lo");
                    await("the VIP back on lo (round " + round + ")", () -> ns.address("lo", VIP).isPresent());
                    System.out.printf("RealServerNodeTest: a VIP deleted by hand was back on lo after %.1f ms%n",
                            (System.nanoTime() - t0) / 1e6);
                }
                await("the three repairs counted", () -> agent.loop.counters().driftRepairs.get() >= repairs + 3);
                assertTrue(agent.loop.counters().addressNotifications.get() >= notifications + 6,
                        "each deletion and each repair was announced by the kernel");
                // repaired three times within minutes: the report says so, and stays programmed (it is, again)
                await("the report to warn of the repeated removals", () -> report(k) != null
                        && report(k).getStatus().getMessage() != null
                        && report(k).getStatus().getMessage().contains("keeps removing VIP addresses"));
                assertEquals(Boolean.TRUE, report(k).getStatus().getProgrammed(), report(k).getStatus().getMessage());
            }
        }
    }

    @Test
    void aRealServerNodeIsPreparedOnlyForAVipAPoolAllowsAndGivesItBackWhenThePoolGoes() throws Exception {
        Root.assume("network namespaces");
        try (Netns.Pair pair = Netns.pair("rspool", "eth0", "eth0"); MockApi api = new MockApi()) {
            Netns ns = pair.a();
            ns.ip("addr", "add", "192.0.2.21/24", "dev", "eth0");
            KubernetesClient k = api.client();
            workerWithItsRealServer(k);
            k.resource(pool("198.51.100.0/24")).create(); // a pool, but not for this VIP
            // a status that says "accepted", as anyone allowed to write it could: the agent still checks the pools
            acceptedVirtualService(k);
            int ignoreBefore = sysctl(ns, "net.ipv4.conf.eth0.arp_ignore");
            int announceBefore = sysctl(ns, "net.ipv4.conf.eth0.arp_announce");

            try (AgentOnNetns agent = new AgentOnNetns(api.newClient(), "worker-1", ns.namespace(), stateDir)) {
                await("a report that says why", () -> report(k) != null && report(k).getStatus() != null
                        && report(k).getStatus().getMessage() != null && report(k).getStatus().getMessage()
                        .contains("VIP 192.0.2.10 is in no VipPool that namespace default may use"));
                long pass = agent.loop.status().pass();
                await("more passes", () -> agent.loop.status().pass() >= pass + 2);
                assertTrue(ns.address("lo", VIP).isEmpty(), "no VIP on lo");
                assertEquals(ignoreBefore, sysctl(ns, "net.ipv4.conf.eth0.arp_ignore"), "ARP settings untouched");
                assertEquals(announceBefore, sysctl(ns, "net.ipv4.conf.eth0.arp_announce"));

                k.resource(pool("192.0.2.0/28")).createOr(existing -> existing.update());
                await("the VIP on lo once a pool allows it", () -> ns.address("lo", VIP).isPresent());
                assertEquals(1, sysctl(ns, "net.ipv4.conf.eth0.arp_ignore"));

                k.resources(io.lvs.api.v1alpha1.VipPool.class).withName("lvs-test").delete();
                await("the VIP gone with the pool", () -> ns.address("lo", VIP).isEmpty());
                await("ARP settings restored", () -> sysctl(ns, "net.ipv4.conf.eth0.arp_ignore") == ignoreBefore
                        && sysctl(ns, "net.ipv4.conf.eth0.arp_announce") == announceBefore);
            }
        }
    }

    @Test
    void aTunnelVirtualServiceThisNodeCannotPrepareIsReportedOnItsOwnAndLeavesTheAgentReady() throws Exception {
        Root.assume("network namespaces");
        try (Netns.Pair pair = Netns.pair("rstun", "eth0", "eth0"); MockApi api = new MockApi()) {
            Netns ns = pair.a();
            // A kernel without ipip (this host's) cannot give a Tunnel real server its decapsulation device: the report
            // says which module to load. (A kernel with ipip loaded has tunl0 in every namespace: nothing to show then.)
            Assumptions.assumeTrue(ns.exec("ip", "link", "show", "tunl0").exitCode() != 0, "tunl0 exists (ipip is loaded)");
            ns.ip("addr", "add", "192.0.2.21/24", "dev", "eth0");
            KubernetesClient k = api.client();
            workerWithItsRealServer(k);
            k.resource(pool("192.0.2.0/28")).create();
            acceptedVirtualService(k);
            acceptedVirtualService(k, "tun", "192.0.2.11", "Tunnel");

            try (AgentOnNetns agent = new AgentOnNetns(api.newClient(), "worker-1", ns.namespace(), stateDir)) {
                await("the tunnel's report saying what is missing", () -> report(k, "tun") != null
                        && report(k, "tun").getStatus() != null && report(k, "tun").getStatus().getMessage() != null);
                NodeReport tun = report(k, "tun");
                assertEquals(DirectorRole.RealServer, tun.getStatus().getRole());
                assertEquals(Boolean.FALSE, tun.getStatus().getProgrammed());
                assertEquals(NodeReportStatus.NOT_PROGRAMMED, tun.getStatus().getReason());
                assertTrue(tun.getStatus().getMessage().startsWith("the tunnel device tunl0 (ipip) cannot be brought up: "),
                        tun.getStatus().getMessage());
                assertTrue(tun.getStatus().getMessage().contains("load the ipip module (modprobe ipip"),
                        tun.getStatus().getMessage());
                await("the DirectRouting one programmed", () -> report(k, "web") != null && report(k, "web").getStatus() != null
                        && Boolean.TRUE.equals(report(k, "web").getStatus().getProgrammed()));

                // the agent did what it can: not converged (the kernel lacks something), but no pass-level failure
                long pass = agent.loop.status().pass();
                await("two more passes", () -> agent.loop.status().pass() >= pass + 2);
                ControlLoop.PassStatus s = agent.loop.status();
                assertTrue(s.synced());
                assertFalse(s.converged());
                assertEquals(List.of(), s.failures(), "one VirtualService's trouble is not the agent's");
            }
        }
    }

    private static io.lvs.api.v1alpha1.VipPool pool(String cidr) {
        return ApiObjects.MAPPER.convertValue(Map.of("apiVersion", "lvs.io/v1alpha1", "kind", "VipPool",
                "metadata", Map.of("name", "lvs-test"), "spec", Map.of("addresses", java.util.List.of(cidr))),
                io.lvs.api.v1alpha1.VipPool.class);
    }

    private static RealServer realServer() {
        RealServer rs = ApiObjects.MAPPER.convertValue(Map.of(
                "apiVersion", "lvs.io/v1alpha1", "kind", "RealServer",
                "metadata", Map.of("name", "web-1", "namespace", "default", "labels", Map.of("app", "web")),
                "spec", Map.of("address", "192.0.2.21")), RealServer.class);
        return rs;
    }

    private static void acceptedVirtualService(KubernetesClient k) {
        acceptedVirtualService(k, "web", "192.0.2.10", "DirectRouting");
    }

    /** A VirtualService of the app=web servers, with the status the operator writes when it accepts it. */
    private static void acceptedVirtualService(KubernetesClient k, String name, String vip, String method) {
        VirtualService vs = ApiObjects.MAPPER.convertValue(Map.of(
                "apiVersion", "lvs.io/v1alpha1", "kind", "VirtualService",
                "metadata", Map.of("name", name, "namespace", "default"),
                "spec", Map.of("vip", vip, "ports", java.util.List.of(Map.of("port", 80)),
                        "forwarding", Map.of("method", method),
                        "realServerSelector", Map.of("matchLabels", Map.of("app", "web")),
                        "directors", Map.of("nodeSelector", Map.of("matchLabels", Map.of("lvs.io/director", "true"))))),
                VirtualService.class);
        VirtualService created = k.resource(vs).create();
        VirtualServiceStatus st = new VirtualServiceStatus();
        st.setAcceptedGeneration(created.getMetadata().getGeneration() == null ? 1L : created.getMetadata().getGeneration());
        st.setAcceptedSpec(ApiObjects.MAPPER.convertValue(created.getSpec(), VirtualServiceSpec.class));
        created.setStatus(st);
        k.resource(created).updateStatus();
    }

    private static NodeReport report(KubernetesClient k) {
        return report(k, "web");
    }

    private static NodeReport report(KubernetesClient k, String virtualService) {
        return k.resources(NodeReport.class).inNamespace("default").withName(virtualService + ".worker-1").get();
    }

    /** worker-1 as its kubelet registers it (InternalIP 192.0.2.21), and the RealServer on it. */
    private static void workerWithItsRealServer(KubernetesClient k) {
        k.nodes().resource(new NodeBuilder().withNewMetadata().withName("worker-1").endMetadata().withNewStatus()
                .addNewAddress().withType("InternalIP").withAddress("192.0.2.21").endAddress().endStatus().build()).create();
        k.resource(realServer()).create();
    }

    private static int sysctl(Netns ns, String name) {
        return Integer.parseInt(ns.exec("sysctl", "-n", name).out().strip());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
        assertNotNull(what);
    }
}
