package io.lvs.agent.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.rtnl.TunnelPayload;
import io.lvs.agent.kernel.fou.FouEncapsulation;
import io.lvs.agent.kernel.fou.FouPort;
import io.lvs.agent.kernel.rtnl.FallbackTunnel;
import io.lvs.agent.model.NodeDesired.TunnelDecap;
import io.lvs.agent.state.Owned;
import io.lvs.agent.state.StateDirectory;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Tunnel real server's node gets its decapsulation and gives back exactly what it took: given a kernel (a stand-in
 * for one with tunnel modules and fou, which the host kernel here lacks) and what the VirtualServices need, after each
 * step the kernel holds this, the state directory records that, and a new reconciler (an agent restart) changes
 * nothing.
 */
class TunnelReconcilerTest {
    private static final TunnelDecap IPIP = new TunnelDecap(TunnelDecap.Kind.IPIP, false, false, 0);
    private static final TunnelDecap GUE = new TunnelDecap(TunnelDecap.Kind.GUE, false, false, 6080);
    private static final TunnelDecap GRE = new TunnelDecap(TunnelDecap.Kind.GRE, false, false, 0);
    private static final TunnelDecap IPV4_OVER_IPV6 = new TunnelDecap(TunnelDecap.Kind.IPIP, true, false, 0);
    private static final TunnelDecap IPV6_OVER_IPV6 = new TunnelDecap(TunnelDecap.Kind.IPIP, true, true, 0);

    @TempDir
    Path dir;
    private StateDirectory state;
    private FakeTunnelKernel kernel;
    private TunnelReconciler tunnels;

    @BeforeEach
    void node() {
        state = StateDirectory.open(dir);
        kernel = new FakeTunnelKernel(state);
        tunnels = new TunnelReconciler(kernel, state);
    }

    @AfterEach
    void close() {
        state.close();
    }

    /** A second reconciler on the same kernel and directory: what the next agent process would build. */
    private TunnelReconciler restarted() {
        return new TunnelReconciler(kernel, state);
    }

    @Test
    void withoutItsModuleTheFallbackDeviceIsCreatedUpAndIsLeftDownWhenNoLongerNeeded() {
        TunnelReconciler.Result r = tunnels.applyWanted(Set.of(IPIP));

        assertEquals(List.of("add tunl0"), kernel.calls, "one RTM_NEWLINK: the kernel loads ipip and its tunl0 comes up");
        assertTrue(kernel.isUp("tunl0"));
        assertEquals(Set.of("tunl0"), state.owned().linksCreated());
        assertEquals(1, r.ops());
        assertTrue(r.problems().isEmpty() && r.absent().isEmpty(), r.toString());

        kernel.calls.clear();
        TunnelReconciler.Result again = restarted().applyWanted(Set.of(IPIP));
        assertEquals(List.of(), kernel.calls, "a restart adopts: no kernel operation");
        assertEquals(0, again.ops());

        TunnelReconciler.Result gone = restarted().removeUnwanted(Set.of());
        assertEquals(List.of("delete tunl0", "down tunl0"), kernel.calls,
                "deleted; the kernel keeps a fallback device while its module is loaded, so it is left down");
        assertTrue(kernel.links.containsKey("tunl0") && !kernel.isUp("tunl0"));
        assertEquals(2, gone.ops());
        assertEquals(Owned.nothing(), state.owned());
    }

    @Test
    void aFallbackDeviceThatWasDownIsBroughtUpAndTakenDownAgain() {
        kernel.withModule(FallbackTunnel.TUNL0);

        tunnels.applyWanted(Set.of(IPIP));
        assertEquals(List.of("up tunl0"), kernel.calls);
        assertEquals(Set.of("tunl0"), state.owned().linksUp());
        assertTrue(state.owned().linksCreated().isEmpty());

        tunnels.removeUnwanted(Set.of());
        assertEquals(List.of("up tunl0", "down tunl0"), kernel.calls, "down, as it was; never deleted");
        assertFalse(kernel.isUp("tunl0"));
        assertEquals(Owned.nothing(), state.owned());
    }

    @Test
    void aDeviceAnAdministratorBroughtUpIsUsedButNeverOwnedNorTakenDown() {
        kernel.withModule(FallbackTunnel.TUNL0).setUpByHand("tunl0", true);

        TunnelReconciler.Result r = tunnels.applyWanted(Set.of(IPIP));
        tunnels.removeUnwanted(Set.of());

        assertEquals(List.of(), kernel.calls);
        assertEquals(0, r.ops());
        assertTrue(kernel.isUp("tunl0"));
        assertEquals(Owned.nothing(), state.owned());
    }

    @Test
    void aMissingModuleIsReportedNamingItAndNothingIsOwned() {
        kernel.installed.remove(FallbackTunnel.TUNL0);

        TunnelReconciler.Result r = tunnels.applyWanted(Set.of(IPIP));

        assertEquals(Set.of(FallbackTunnel.TUNL0), r.absent(), "its sysctls cannot be set either");
        String problem = r.problemsOf(Set.of(IPIP)).getFirst();
        assertTrue(problem.contains("tunl0") && problem.contains("EOPNOTSUPP") && problem.contains("modprobe ipip"), problem);
        assertEquals(List.of(problem), r.problems());
        assertEquals(Owned.nothing(), state.owned(), "nothing was made, so nothing is owned");
        assertEquals(List.of(), tunnels.removeUnwanted(Set.of()).problems());
    }

    @Test
    void gueOpensItsFouPortAfterTheDeviceAndClosesItBeforeTheDeviceGoes() {
        kernel.fouLoaded = true;

        tunnels.applyWanted(Set.of(GUE));
        assertEquals(List.of("add tunl0", "open 6080 ipv4"), kernel.calls, "GUE's inner packets are IPIP: tunl0 first");
        assertEquals(List.of(FouPort.gue(6080, false)), kernel.fouPorts);
        assertEquals(Set.of(new Owned.FouPort(6080, false)), state.owned().fouPorts());

        kernel.calls.clear();
        restarted().applyWanted(Set.of(GUE));
        assertEquals(List.of(), kernel.calls, "a restart adopts the port too");

        restarted().removeUnwanted(Set.of());
        assertEquals(List.of("close 6080 ipv4", "delete tunl0", "down tunl0"), kernel.calls);
        assertTrue(kernel.fouPorts.isEmpty());
        assertEquals(Owned.nothing(), state.owned());
    }

    @Test
    void withoutTheFouModuleTheGuePortIsReportedNamingItAndOpenedOnceItIsLoaded() {
        TunnelReconciler.Result r = tunnels.applyWanted(Set.of(GUE));

        String problem = String.join("; ", r.problemsOf(Set.of(GUE)));
        assertTrue(problem.contains("GUE port 6080 (IPv4) cannot be opened") && problem.contains("modprobe fou"), problem);
        assertTrue(kernel.isUp("tunl0"), "the device is up all the same");
        assertTrue(state.owned().fouPorts().isEmpty());

        kernel.fouLoaded = true; // an administrator loads it
        TunnelReconciler.Result later = tunnels.applyWanted(Set.of(GUE));
        assertTrue(later.problems().isEmpty(), later.problems().toString());
        assertEquals(List.of(FouPort.gue(6080, false)), kernel.fouPorts);
    }

    @Test
    void aFouPortSomebodyElseOpenedIsUsedWhenItIsGueAndReportedWhenItIsNot() {
        kernel.fouLoaded = true;
        kernel.fouPorts.add(FouPort.gue(6080, false));

        tunnels.applyWanted(Set.of(GUE));
        tunnels.removeUnwanted(Set.of());
        assertEquals(List.of(FouPort.gue(6080, false)), kernel.fouPorts, "somebody's GUE port: used, never closed");
        assertTrue(state.owned().fouPorts().isEmpty());

        kernel.fouPorts.clear();
        kernel.fouPorts.add(new FouPort(6080, false, FouEncapsulation.DIRECT, 4, false));
        kernel.calls.clear();
        TunnelReconciler.Result r = tunnels.applyWanted(Set.of(GUE));
        String problem = String.join("; ", r.problemsOf(Set.of(GUE)));
        assertTrue(problem.contains("already a FOU port 6080 (IPv4, direct, IP protocol 4)") && problem.contains("left alone"),
                problem);
        assertFalse(kernel.calls.stream().anyMatch(c -> c.startsWith("open") || c.startsWith("close")), kernel.calls.toString());

        kernel.fouPorts.clear();
        kernel.udpInUse.add(6080); // a plain UDP server on that port
        r = tunnels.applyWanted(Set.of(GUE));
        problem = String.join("; ", r.problemsOf(Set.of(GUE)));
        assertTrue(problem.contains("EADDRINUSE") && problem.contains("another socket on this node has UDP port 6080"), problem);
        assertTrue(state.owned().fouPorts().isEmpty(), "a port that could not be opened is not owned");
    }

    @Test
    void whatSomebodyUndoesIsPutBackAndCountedAsDrift() {
        kernel.fouLoaded = true;
        tunnels.applyWanted(Set.of(GUE));

        kernel.setUpByHand("tunl0", false);
        kernel.fouPorts.clear();
        TunnelReconciler.Result r = tunnels.applyWanted(Set.of(GUE));

        assertEquals(2, r.drift());
        assertTrue(kernel.isUp("tunl0"));
        assertEquals(List.of(FouPort.gue(6080, false)), kernel.fouPorts);
        assertEquals(Set.of("tunl0"), state.owned().linksCreated(), "still the device this agent created");
    }

    @Test
    void onlyTheDevicesNoLongerNeededAreGivenBack() {
        tunnels.applyWanted(Set.of(IPIP, GRE));
        assertEquals(Set.of("gre0", "tunl0"), state.owned().linksCreated());

        kernel.calls.clear();
        tunnels.applyWanted(Set.of(GRE));
        tunnels.removeUnwanted(Set.of(GRE));

        assertEquals(List.of("delete tunl0", "down tunl0"), kernel.calls);
        assertTrue(kernel.isUp("gre0"));
        assertEquals(Set.of("gre0"), state.owned().linksCreated());
    }

    @Test
    void aLinkOfTheDevicesNameButAnotherKindIsLeftAlone() {
        kernel.withLink("tunl0", "veth", false);

        TunnelReconciler.Result r = tunnels.applyWanted(Set.of(IPIP));

        assertEquals(List.of(), kernel.calls);
        String problem = r.problemsOf(Set.of(IPIP)).getFirst();
        assertTrue(problem.contains("it is a veth link, not the ipip tunnel device") && problem.contains("left alone"), problem);
        assertEquals(Owned.nothing(), state.owned());
    }

    @Test
    void ipv4OverIpv6NeedsIp6tnl0InModeAnyWhichIsReportedNotChanged() {
        TunnelReconciler.Result r = tunnels.applyWanted(Set.of(IPV4_OVER_IPV6, IPV6_OVER_IPV6));

        assertTrue(kernel.isUp("ip6tnl0"));
        String problem = String.join("; ", r.problemsOf(Set.of(IPV4_OVER_IPV6)));
        assertTrue(problem.contains("ip6tnl0 takes only IPv6 inside") && problem.contains("ip -6 tunnel change ip6tnl0 mode any"),
                problem);
        assertEquals(List.of(), r.problemsOf(Set.of(IPV6_OVER_IPV6)), "IPv6 inside is what ip6tnl0 takes as it comes");

        kernel.ip6tnlProtocol = TunnelPayload.ANY; // an administrator set mode any
        assertEquals(List.of(), tunnels.applyWanted(Set.of(IPV4_OVER_IPV6)).problems());
    }
}
