package io.lvs.operator.model;

import static io.lvs.operator.model.Fixtures.vs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.api.v1alpha1.DirectorPriority;
import io.lvs.api.v1alpha1.Protocol;
import io.lvs.api.v1alpha1.ServicePort;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.rules.Problem;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VipClaimsTest {

    @Test
    void theOlderVirtualServiceKeepsAContestedPort() {
        VirtualService old = vs("old", "192.0.2.10", "2026-11-25T09:00:00Z");
        VirtualService young = vs("young", "192.0.2.10", "2026-11-25T10:00:00Z");
        Map<Ref, Optional<Problem>> r = VipClaims.resolve(List.of(young, old));
        assertEquals(Optional.empty(), r.get(Ref.of(old)));
        Problem p = r.get(Ref.of(young)).orElseThrow();
        assertEquals("Conflict", p.reason());
        assertEquals("VIP 192.0.2.10 port 80/TCP is already served by VirtualService default/old, created earlier; "
                + "use another VIP or port, or delete that VirtualService", p.message());
        assertEquals(r.get(Ref.of(young)), VipClaims.resolveFor(young, List.of(old, young)));
    }

    @Test
    void equalCreationTimesAreBrokenByNameBetweenTwoNewOnes() {
        VirtualService a = vs("a", "192.0.2.10");
        VirtualService b = vs("b", "192.0.2.10");
        assertEquals(Optional.empty(), VipClaims.resolveFor(a, List.of(a, b)));
        assertEquals("VIP 192.0.2.10 port 80/TCP is already served by VirtualService default/a, created in the same "
                + "second; between two new VirtualServices the name that sorts first wins; use another VIP or port, or "
                + "delete that VirtualService", VipClaims.resolveFor(b, List.of(a, b)).orElseThrow().message());
    }

    @Test
    void inTheSameSecondTheOneAlreadyServingKeepsItsPortWhateverTheNames() {
        // zeta was created and accepted; alpha arrives within the same second (API timestamps have one-second
        // resolution): alpha sorting first must not take the port zeta serves, and must not be told zeta is older
        VirtualService zeta = vs("zeta", "192.0.2.10");
        zeta.getStatus().setConditions(List.of(new io.fabric8.kubernetes.api.model.ConditionBuilder()
                .withType(Conditions.ACCEPTED).withStatus("True").withReason("Accepted").build()));
        VirtualService alpha = vs("alpha", "192.0.2.10");
        assertEquals(Optional.empty(), VipClaims.resolveFor(zeta, List.of(alpha, zeta)));
        assertEquals("VIP 192.0.2.10 port 80/TCP is already served by VirtualService default/zeta, created in the same "
                + "second and accepted first; use another VIP or port, or delete that VirtualService",
                VipClaims.resolveFor(alpha, List.of(alpha, zeta)).orElseThrow().message());
        assertEquals(VipClaims.resolveFor(alpha, List.of(zeta, alpha)), VipClaims.resolve(List.of(zeta, alpha))
                .get(Ref.of(alpha)), "the same verdict whichever way it is computed");
    }

    @Test
    void aPortBeingServedIsNotTakenOverByAnOlderVirtualServiceThatWasRefusedUntilNow() {
        // old was refused (say, by the VipPools) while young took the port; old becoming valid must not move it
        VirtualService old = vs("old", "192.0.2.10", "2026-11-25T09:00:00Z");
        VirtualService young = vs("young", "192.0.2.10", "2026-11-25T10:00:00Z");
        young.getStatus().setConditions(List.of(new io.fabric8.kubernetes.api.model.ConditionBuilder()
                .withType(Conditions.ACCEPTED).withStatus("True").withReason("Accepted").build()));
        assertEquals(Optional.empty(), VipClaims.resolveFor(young, List.of(old, young)));
        assertEquals("VIP 192.0.2.10 port 80/TCP is already served by VirtualService default/young, which serves it "
                + "now (a port being served is not taken over, even by an older VirtualService); use another VIP or "
                + "port, or delete that VirtualService", VipClaims.resolveFor(old, List.of(old, young)).orElseThrow()
                .message());
    }

    @Test
    void samePortOnAnotherProtocolOrVipIsNoConflict() {
        VirtualService tcp = vs("tcp", "192.0.2.10", "2026-11-25T09:00:00Z");
        VirtualService udp = vs("udp", "192.0.2.10");
        udp.getSpec().setPorts(List.of(new ServicePort("dns", 80, Protocol.UDP)));
        VirtualService other = vs("other", "192.0.2.11");
        Map<Ref, Optional<Problem>> r = VipClaims.resolve(List.of(tcp, udp, other));
        assertTrue(r.values().stream().allMatch(Optional::isEmpty), r.toString());
    }

    @Test
    void ipv6VipsAreComparedAsAddressesNotText() {
        VirtualService a = vs("a", "2001:db8::10", "2026-11-25T09:00:00Z");
        VirtualService b = vs("b", "2001:DB8:0:0::10");
        assertEquals("Conflict", VipClaims.resolveFor(b, List.of(a, b)).orElseThrow().reason());
    }

    @Test
    void aSharedVipNeedsTheSameDirectorsAndFailover() {
        VirtualService web = vs("web", "192.0.2.10", "2026-11-25T09:00:00Z");
        VirtualService dns = vs("dns", "192.0.2.10");
        dns.getSpec().setPorts(List.of(new ServicePort("dns", 53, Protocol.UDP)));
        assertEquals(Optional.empty(), VipClaims.resolveFor(dns, List.of(web, dns)), "same directors: fine");

        dns.getSpec().getFailover().setAdvertInterval("1s");
        assertEquals("VIPSettingsConflict", VipClaims.resolveFor(dns, List.of(web, dns)).orElseThrow().reason());

        dns.getSpec().getFailover().setAdvertInterval("200ms");
        dns.getSpec().getDirectors().setPriorities(List.of(new DirectorPriority("node-a", 200)));
        assertEquals("VIPSettingsConflict", VipClaims.resolveFor(dns, List.of(web, dns)).orElseThrow().reason());
    }

    @Test
    void directorPrioritiesInAnotherOrderAreTheSameSettings() {
        VirtualService web = vs("web", "192.0.2.10", "2026-11-25T09:00:00Z");
        VirtualService dns = vs("dns", "192.0.2.10");
        dns.getSpec().setPorts(List.of(new ServicePort("dns", 53, Protocol.UDP)));
        web.getSpec().getDirectors().setPriorities(List.of(new DirectorPriority("a", 200), new DirectorPriority("b", 100)));
        dns.getSpec().getDirectors().setPriorities(List.of(new DirectorPriority("b", 100), new DirectorPriority("a", 200)));
        assertEquals(Optional.empty(), VipClaims.resolveFor(dns, List.of(web, dns)));
    }

    @Test
    void anInvalidVirtualServiceClaimsNothing() {
        VirtualService broken = vs("broken", "192.0.2.10", "2026-11-25T08:00:00Z");
        broken.getSpec().getPorts().getFirst().setPort(0);
        VirtualService ok = vs("ok", "192.0.2.10");
        Map<Ref, Optional<Problem>> r = VipClaims.resolve(List.of(broken, ok));
        assertEquals(Optional.empty(), r.get(Ref.of(ok)));
        assertTrue(!r.containsKey(Ref.of(broken)), "an invalid VirtualService gets no verdict: its status says why");
    }

    @Test
    void aLaterConflictDoesNotBlockAThirdVirtualService() {
        // a holds 80; b wants 80 and 443 and is refused; c wants 443, which b never got.
        VirtualService a = vs("a", "192.0.2.10", "2026-11-25T08:00:00Z");
        VirtualService b = vs("b", "192.0.2.10", "2026-11-25T09:00:00Z");
        b.getSpec().setPorts(List.of(new ServicePort("http", 80, Protocol.TCP), new ServicePort("https", 443, Protocol.TCP)));
        VirtualService c = vs("c", "192.0.2.10", "2026-11-25T10:00:00Z");
        c.getSpec().setPorts(List.of(new ServicePort("https", 443, Protocol.TCP)));
        Map<Ref, Optional<Problem>> r = VipClaims.resolve(List.of(a, b, c));
        assertTrue(r.get(Ref.of(b)).isPresent());
        assertEquals(Optional.empty(), r.get(Ref.of(c)));
    }
}
