package io.lvs.api.v1alpha1.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.RealServerSpec;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.VirtualServiceRef;
import io.lvs.api.v1alpha1.VirtualServiceSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The index keys find every member and every VirtualService of a RealServer that {@link Membership#belongs} says,
 * each once, over random objects: references, matchLabels, expressions, other namespaces.
 */
class MembershipKeysTest {
    private static final List<String> NAMESPACES = List.of("a", "b");
    private static final List<String> KEYS = List.of("app", "tier", "zone");
    private static final List<String> VALUES = List.of("x", "y");

    @Test
    void indexLookupsFindExactlyWhatBelongsSays() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<VirtualService> services = new ArrayList<>();
            List<RealServer> servers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                services.add(vs(random, "vs-" + i));
            }
            for (int i = 0; i < 12; i++) {
                servers.add(rs(random, "rs-" + i));
            }
            Map<String, List<RealServer>> rsIndex = new HashMap<>();
            servers.forEach(rs -> Membership.realServerKeys(rs).forEach(k -> rsIndex.computeIfAbsent(k, x -> new ArrayList<>())
                    .add(rs)));
            Map<String, List<VirtualService>> vsIndex = new HashMap<>();
            services.forEach(vs -> Membership.selectorKeys(vs).forEach(k -> vsIndex.computeIfAbsent(k, x -> new ArrayList<>())
                    .add(vs)));
            for (VirtualService vs : services) {
                List<RealServer> found = new ArrayList<>();
                Membership.candidateKeys(vs).forEach(k -> found.addAll(rsIndex.getOrDefault(k, List.of())));
                assertEquals(found.size(), new LinkedHashSet<>(found).size(), "each candidate once");
                assertEquals(Membership.members(vs, servers), Membership.members(vs, found), "round " + round);
            }
            for (RealServer rs : servers) {
                if (rs.getSpec().getVirtualServiceRef() != null) {
                    continue; // looked up by name
                }
                List<VirtualService> found = new ArrayList<>();
                Membership.selectorKeysFor(rs).forEach(k -> found.addAll(vsIndex.getOrDefault(k, List.of())));
                assertEquals(found.size(), Set.copyOf(found).size(), "each VirtualService once");
                assertEquals(Membership.virtualServicesOf(rs, services), Membership.virtualServicesOf(rs, found));
            }
        }
    }

    private static String pick(Random r, List<String> from) {
        return from.get(r.nextInt(from.size()));
    }

    private static Map<String, String> labels(Random r) {
        Map<String, String> l = new HashMap<>();
        for (String k : KEYS) {
            if (r.nextBoolean()) {
                l.put(k, pick(r, VALUES));
            }
        }
        return l;
    }

    private static VirtualService vs(Random r, String name) {
        VirtualService vs = new VirtualService();
        vs.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(pick(r, NAMESPACES)).build());
        VirtualServiceSpec spec = new VirtualServiceSpec();
        switch (r.nextInt(3)) {
            case 0 -> spec.setRealServerSelector(null);
            case 1 -> spec.setRealServerSelector(new LabelSelectorBuilder().withMatchLabels(labels(r)).build());
            default -> spec.setRealServerSelector(new LabelSelectorBuilder().withMatchExpressions(
                    new LabelSelectorRequirementBuilder().withKey(pick(r, KEYS)).withOperator("Exists").build()).build());
        }
        vs.setSpec(spec);
        return vs;
    }

    private static RealServer rs(Random r, String name) {
        RealServer rs = new RealServer();
        rs.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(pick(r, NAMESPACES)).withLabels(labels(r)).build());
        RealServerSpec spec = new RealServerSpec();
        if (r.nextInt(3) == 0) {
            VirtualServiceRef ref = new VirtualServiceRef();
            ref.setName("vs-" + r.nextInt(6));
            spec.setVirtualServiceRef(ref);
        }
        rs.setSpec(spec);
        return rs;
    }
}
