package io.lvs.operator.model;

import static io.lvs.operator.model.Fixtures.rs;
import static io.lvs.operator.model.Fixtures.vs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.api.v1alpha1.ForwardingMethod;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.VirtualServiceRef;
import io.lvs.api.v1alpha1.rules.MemberCheck;
import io.lvs.api.v1alpha1.rules.Membership;
import io.lvs.api.v1alpha1.rules.Problem;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MembershipAndMemberCheckTest {
    private final VirtualService web = vs("web", "192.0.2.10");
    private final VirtualService api = vs("api", "192.0.2.11");

    @Test
    void labelsSelectAndAReferenceOverridesThem() {
        RealServer byLabel = rs("w1", "192.0.2.21", Map.of("app", "web"));
        RealServer byRef = rs("a1", "192.0.2.22", Map.of("app", "web"));
        byRef.getSpec().setVirtualServiceRef(new VirtualServiceRef("api"));
        assertEquals(List.of(byLabel), Membership.members(web, List.of(byLabel, byRef)));
        assertEquals(List.of(byRef), Membership.members(api, List.of(byLabel, byRef)));
        assertEquals(List.of(web), Membership.virtualServicesOf(byLabel, List.of(web, api)));
    }

    @Test
    void membershipStaysInsideTheNamespace() {
        RealServer elsewhere = rs("w1", "192.0.2.21", Map.of("app", "web"));
        elsewhere.getMetadata().setNamespace("other");
        assertFalse(Membership.belongs(elsewhere, web));
    }

    @Test
    void withoutASelectorOnlyReferencesCount() {
        web.getSpec().setRealServerSelector(null);
        assertFalse(Membership.belongs(rs("w1", "192.0.2.21", Map.of("app", "web")), web));
    }

    @Test
    void directRoutingCannotRemapPortsButNatCan() {
        RealServer remapped = rs("w1", "192.0.2.21", Map.of("app", "web"));
        remapped.getSpec().setPort(8080);
        Problem p = MemberCheck.check(web, remapped).orElseThrow();
        assertEquals("PortRemapNotSupported", p.reason());
        assertEquals("port 8080 differs from virtual port 80 of VirtualService web, which uses DirectRouting: the kernel "
                + "cannot remap ports in DirectRouting or Tunnel mode; remove spec.port or set it to 80", p.message());
        remapped.getSpec().setPort(80);
        assertEquals(Optional.empty(), MemberCheck.check(web, remapped), "the same port is no remapping");
        remapped.getSpec().setPort(8080);
        web.getSpec().getForwarding().setMethod(ForwardingMethod.NAT);
        assertEquals(Optional.empty(), MemberCheck.check(web, remapped));
    }

    @Test
    void addressFamiliesMustMatchExceptThroughATunnel() {
        RealServer v6 = rs("w6", "2001:db8::21", Map.of("app", "web"));
        assertEquals("AddressFamilyMismatch", MemberCheck.check(web, v6).orElseThrow().reason());
        web.getSpec().getForwarding().setMethod(ForwardingMethod.Tunnel);
        assertEquals(Optional.empty(), MemberCheck.check(web, v6));
    }

    @Test
    void localForwardingTakesNoRealServers() {
        web.getSpec().getForwarding().setMethod(ForwardingMethod.Local);
        assertTrue(MemberCheck.check(web, rs("w1", "192.0.2.21", Map.of())).orElseThrow().message()
                .startsWith("VirtualService web uses Local forwarding"));
    }
}
