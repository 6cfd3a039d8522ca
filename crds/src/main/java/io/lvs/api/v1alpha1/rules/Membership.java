package io.lvs.api.v1alpha1.rules;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VirtualService;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which RealServers serve which VirtualService. A RealServer that names a VirtualService in virtualServiceRef belongs
 * to that one only; otherwise it belongs to every VirtualService in its namespace whose realServerSelector matches
 * its labels.
 */
public final class Membership {
    private Membership() {
    }

    public static boolean belongs(RealServer rs, VirtualService vs) {
        if (!Objects.equals(rs.getMetadata().getNamespace(), vs.getMetadata().getNamespace()) || rs.getSpec() == null
                || vs.getSpec() == null) {
            return false;
        }
        if (rs.getSpec().getVirtualServiceRef() != null) {
            return vs.getMetadata().getName().equals(rs.getSpec().getVirtualServiceRef().getName());
        }
        return vs.getSpec().getRealServerSelector() != null
                && Selectors.matches(vs.getSpec().getRealServerSelector(), rs.getMetadata().getLabels());
    }

    /**
     * The index keys of a RealServer: {@code ref:<ns>/<vs>} when it names a VirtualService; otherwise {@code any:<ns>}
     * and {@code label:<ns>/<key>=<value>} for each label. Looking up {@link #candidateKeys} of a VirtualService in an
     * index of these finds a superset of its members, never missing one.
     */
    public static List<String> realServerKeys(RealServer rs) {
        String ns = Objects.requireNonNullElse(rs.getMetadata().getNamespace(), "");
        if (rs.getSpec() != null && rs.getSpec().getVirtualServiceRef() != null
                && rs.getSpec().getVirtualServiceRef().getName() != null) {
            return List.of("ref:" + ns + "/" + rs.getSpec().getVirtualServiceRef().getName());
        }
        List<String> keys = new java.util.ArrayList<>();
        keys.add("any:" + ns);
        Map<String, String> labels = rs.getMetadata().getLabels();
        if (labels != null) {
            labels.forEach((k, v) -> keys.add("label:" + ns + "/" + k + "=" + v));
        }
        return keys;
    }

    /** Where {@code vs}'s candidate members are in an index of {@link #realServerKeys}. */
    public static List<String> candidateKeys(VirtualService vs) {
        String ns = Objects.requireNonNullElse(vs.getMetadata().getNamespace(), "");
        String byRef = "ref:" + ns + "/" + vs.getMetadata().getName();
        LabelSelector sel = vs.getSpec() == null ? null : vs.getSpec().getRealServerSelector();
        if (sel == null) {
            return List.of(byRef);
        }
        Optional<Map.Entry<String, String>> first = firstMatchLabel(sel);
        return List.of(byRef, first.map(e -> "label:" + ns + "/" + e.getKey() + "=" + e.getValue()).orElse("any:" + ns));
    }

    /**
     * The index keys of a VirtualService by its selector: {@code sel:<ns>/<key>=<value>} for one of its matchLabels,
     * {@code sel:<ns>/*} for a selector of expressions only; none without a selector. Looking up
     * {@link #selectorKeysFor} of a RealServer without a reference finds a superset of its VirtualServices.
     */
    public static List<String> selectorKeys(VirtualService vs) {
        LabelSelector sel = vs.getSpec() == null ? null : vs.getSpec().getRealServerSelector();
        if (sel == null) {
            return List.of();
        }
        String ns = Objects.requireNonNullElse(vs.getMetadata().getNamespace(), "");
        return List.of(firstMatchLabel(sel).map(e -> "sel:" + ns + "/" + e.getKey() + "=" + e.getValue())
                .orElse("sel:" + ns + "/*"));
    }

    /** Where the VirtualServices selecting {@code rs} are in an index of {@link #selectorKeys}. */
    public static List<String> selectorKeysFor(RealServer rs) {
        String ns = Objects.requireNonNullElse(rs.getMetadata().getNamespace(), "");
        List<String> keys = new java.util.ArrayList<>();
        keys.add("sel:" + ns + "/*");
        Map<String, String> labels = rs.getMetadata().getLabels();
        if (labels != null) {
            labels.forEach((k, v) -> keys.add("sel:" + ns + "/" + k + "=" + v));
        }
        return keys;
    }

    private static Optional<Map.Entry<String, String>> firstMatchLabel(LabelSelector sel) {
        return sel.getMatchLabels() == null ? Optional.empty()
                : sel.getMatchLabels().entrySet().stream().min(Map.Entry.comparingByKey());
    }

    /** The RealServers of {@code vs} among {@code candidates}, sorted by name. */
    public static List<RealServer> members(VirtualService vs, Collection<RealServer> candidates) {
        return candidates.stream().filter(rs -> belongs(rs, vs))
                .sorted((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName())).toList();
    }

    /** The VirtualServices {@code rs} belongs to among {@code candidates}, sorted by name. */
    public static List<VirtualService> virtualServicesOf(RealServer rs, Collection<VirtualService> candidates) {
        return candidates.stream().filter(vs -> belongs(rs, vs))
                .sorted((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName())).toList();
    }
}
