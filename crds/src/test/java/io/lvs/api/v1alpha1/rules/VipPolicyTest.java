package io.lvs.api.v1alpha1.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.lvs.api.v1alpha1.IpLiteral;
import io.lvs.api.v1alpha1.VipPool;
import io.lvs.api.v1alpha1.VipPoolSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VipPolicyTest {
    private static VipPool pool(String name, List<String> addresses, List<String> namespaces, Map<String, String> selector) {
        VipPool p = new VipPool();
        p.setMetadata(new ObjectMetaBuilder().withName(name).build());
        VipPoolSpec spec = new VipPoolSpec();
        spec.setAddresses(addresses);
        spec.setNamespaces(namespaces);
        if (selector != null) {
            spec.setNamespaceSelector(new LabelSelectorBuilder().withMatchLabels(selector).build());
        }
        p.setSpec(spec);
        return p;
    }

    private static final Map<String, Map<String, String>> LABELS = Map.of("team-a", Map.of("lb", "yes"),
            "team-b", Map.of());

    private static VipPolicy policy(VipPool... pools) {
        return VipPolicy.of(List.of(pools), LABELS::get);
    }

    @Test
    void withNoPoolNothingIsAllowedAndTheMessageSaysHowToCreateOne() {
        Optional<Problem> p = policy().check("team-a", "192.0.2.10");
        assertEquals("NoVipPool", p.orElseThrow().reason());
        assertTrue(p.get().message().contains("spec.addresses [192.0.2.10/32]"), p.get().message());
        assertTrue(p.get().message().contains("spec.namespaces [team-a]"), p.get().message());
        assertTrue(policy().check("team-a", "2001:db8::10").orElseThrow().message().contains("2001:db8::10/128"));
    }

    @Test
    void aPoolAllowsTheNamespacesItNamesOrSelectsOrEveryNamespaceWhenItRestrictsNone() {
        VipPolicy named = policy(pool("p", List.of("192.0.2.0/28"), List.of("team-b"), null));
        assertTrue(named.check("team-b", "192.0.2.10").isEmpty());
        assertEquals("VipNotAllowed", named.check("team-a", "192.0.2.10").orElseThrow().reason());

        VipPolicy selected = policy(pool("p", List.of("192.0.2.0/28"), null, Map.of("lb", "yes")));
        assertTrue(selected.check("team-a", "192.0.2.10").isEmpty());
        assertFalse(selected.allows("team-b", IpLiteral.parse("192.0.2.10").orElseThrow()));

        VipPolicy everyone = policy(pool("p", List.of("192.0.2.0/28"), null, null));
        assertTrue(everyone.check("team-b", "192.0.2.10").isEmpty());
        assertTrue(everyone.check("unknown-namespace", "192.0.2.15").isEmpty());
        assertEquals("VipNotAllowed", everyone.check("team-b", "192.0.2.16").orElseThrow().reason(), "outside the /28");
    }

    @Test
    void everyNamespaceMatchesItsNameLabelEvenWhenTheServerDidNotSetIt() {
        VipPolicy byName = policy(pool("p", List.of("2001:db8:1::/120"), null,
                Map.of(VipPolicy.NAMESPACE_NAME_LABEL, "team-c")));
        assertTrue(byName.check("team-c", "2001:DB8:1::10").isEmpty(), "team-c is not in the label map at all");
        assertFalse(byName.check("team-a", "2001:db8:1::10").isEmpty());
    }

    @Test
    void theRefusalNamesEveryPoolConsideredAndWhy() {
        VipPolicy p = policy(
                pool("for-team-a", List.of("198.51.100.0/24"), List.of("team-a"), null),
                pool("prod-only", List.of("192.0.2.0/24"), null, Map.of("env", "prod")),
                pool("broken", List.of("192.0.2.7/24"), null, null),
                pool("elsewhere", List.of("203.0.113.0/24"), List.of("team-z"), null));
        String m = p.check("team-a", "192.0.2.10").orElseThrow().message();
        assertTrue(m.contains("namespace team-a"), m);
        assertTrue(m.contains("for-team-a (allows this namespace; addresses 198.51.100.0/24)"), m);
        assertTrue(m.contains("prod-only (holds the VIP but allows only namespaces labelled env=prod)"), m);
        assertTrue(m.contains("broken (invalid, not used:"), m);
        assertTrue(m.contains("elsewhere (neither holds the VIP nor allows this namespace)"), m);
    }

    @Test
    void anInvalidPoolAllowsNothingEvenWhereItsOtherEntriesAreFine() {
        VipPolicy p = policy(pool("half", List.of("192.0.2.0/28", "not-a-cidr"), null, null));
        assertFalse(p.allows("team-a", IpLiteral.parse("192.0.2.1").orElseThrow()));
    }

    @Test
    void cidrsParseAsGoDoesAndPrintShort() {
        assertTrue(Cidr.parse("192.0.2.0/24").isPresent());
        assertTrue(Cidr.parse("192.0.2.0/024").isEmpty());
        assertTrue(Cidr.parse("192.0.2.0/+24").isEmpty());
        assertTrue(Cidr.parse("192.0.2.0/\uff12\uff14").isEmpty());
        assertTrue(Cidr.parse("192.0.2.0/33").isEmpty());
        assertEquals("2001:db8::/32", Cidr.parse("2001:db8::1/32").orElseThrow().masked().toString());
        assertEquals("192.0.2.128/25", Cidr.parse("192.0.2.200/25").orElseThrow().masked().toString());
        assertEquals("2001:db8:0:1::1", IpLiteral.text(IpLiteral.parse("2001:db8:0:1:0:0:0:1").orElseThrow()));
        assertEquals("2001:db8::1:0:0:1", IpLiteral.text(IpLiteral.parse("2001:db8:0:0:1:0:0:1").orElseThrow()));
        assertEquals("::", IpLiteral.text(IpLiteral.parse("::").orElseThrow()));
    }
}
