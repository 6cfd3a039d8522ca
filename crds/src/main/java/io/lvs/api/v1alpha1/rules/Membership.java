package io.lvs.api.v1alpha1.rules;

import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VirtualService;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

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
