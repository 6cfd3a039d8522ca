package io.lvs.agent.model;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VirtualService;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * RealServers indexed the ways membership asks for them, so that finding one VirtualService's candidates costs work
 * proportional to them, not to every RealServer: by namespace and referenced VirtualService, and, for those without
 * a reference, by namespace and each label. The membership rule itself ({@code Membership.belongs}) is applied to the
 * candidates afterwards.
 */
final class MemberIndex {
    private record ByRef(String namespace, String virtualService) {
    }

    private record ByLabel(String namespace, String key, String value) {
    }

    private final Map<ByRef, List<RealServer>> byRef = new HashMap<>();
    private final Map<ByLabel, List<RealServer>> byLabel = new HashMap<>();
    private final Map<String, List<RealServer>> unreferenced = new HashMap<>();

    MemberIndex(Collection<RealServer> all) {
        for (RealServer rs : all) {
            String ns = Objects.requireNonNullElse(rs.getMetadata().getNamespace(), "");
            if (rs.getSpec() != null && rs.getSpec().getVirtualServiceRef() != null
                    && rs.getSpec().getVirtualServiceRef().getName() != null) {
                byRef.computeIfAbsent(new ByRef(ns, rs.getSpec().getVirtualServiceRef().getName()), k -> new ArrayList<>())
                        .add(rs);
                continue;
            }
            unreferenced.computeIfAbsent(ns, k -> new ArrayList<>()).add(rs);
            Map<String, String> labels = rs.getMetadata().getLabels();
            if (labels != null) {
                labels.forEach((k, v) -> byLabel.computeIfAbsent(new ByLabel(ns, k, v), x -> new ArrayList<>()).add(rs));
            }
        }
    }

    /** A superset of {@code vs}'s members (never missing one): what {@code Membership.belongs} then filters. */
    List<RealServer> candidates(VirtualService vs) {
        String ns = Objects.requireNonNullElse(vs.getMetadata().getNamespace(), "");
        List<RealServer> out = new ArrayList<>(byRef.getOrDefault(new ByRef(ns, vs.getMetadata().getName()), List.of()));
        LabelSelector sel = vs.getSpec() == null ? null : vs.getSpec().getRealServerSelector();
        if (sel == null) {
            return out;
        }
        if (sel.getMatchLabels() != null && !sel.getMatchLabels().isEmpty()) {
            Map.Entry<String, String> first = sel.getMatchLabels().entrySet().iterator().next();
            out.addAll(byLabel.getOrDefault(new ByLabel(ns, first.getKey(), first.getValue()), List.of()));
        } else {
            out.addAll(unreferenced.getOrDefault(ns, List.of())); // expressions only: every candidate of the namespace
        }
        return out;
    }
}
