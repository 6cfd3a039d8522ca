package io.lvs.agent.model;

import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.rules.Membership;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * RealServers indexed by {@link Membership#realServerKeys}, so that finding one VirtualService's candidates costs work
 * proportional to them, not to every RealServer (the operator indexes its caches with the same keys). The membership
 * rule itself ({@code Membership.belongs}) is applied to the candidates afterwards.
 */
final class MemberIndex {
    private final Map<String, List<RealServer>> byKey = new HashMap<>();

    MemberIndex(Collection<RealServer> all) {
        for (RealServer rs : all) {
            for (String key : Membership.realServerKeys(rs)) {
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(rs);
            }
        }
    }

    /**
     * A superset of {@code vs}'s members (never missing one), each once: a RealServer with a reference has only that
     * key, one without has none, so the two keys asked for never both hold one RealServer.
     */
    List<RealServer> candidates(VirtualService vs) {
        List<RealServer> out = new ArrayList<>();
        for (String key : Membership.candidateKeys(vs)) {
            out.addAll(byKey.getOrDefault(key, List.of()));
        }
        return out;
    }
}
