package io.lvs.operator.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.lvs.api.v1alpha1.DirectorPriority;
import io.lvs.api.v1alpha1.DirectorsSpec;
import io.lvs.api.v1alpha1.IpLiteral;
import io.lvs.api.v1alpha1.ServicePort;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.rules.Problem;
import io.lvs.api.v1alpha1.validation.ApiObjects;
import io.lvs.api.v1alpha1.validation.VirtualServiceValidator;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who holds a VIP's ports across the cluster. VirtualServices with the same VIP are considered accepted ones first
 * (those serving now), then oldest first (creation time, then namespace/name); each is granted its ports unless an
 * already granted one serves the same port/protocol, or shares the VIP with different directors or failover settings
 * (one VIP has one election). So a port being served is never taken away by another VirtualService, not by an older
 * one that was refused until now (an invalid spec fixed, a VipPool that starts allowing its namespace), nor by a
 * newcomer created in the same second whose name sorts first; between two that are not serving, age and then the
 * name decide (creation times have one-second resolution). Each loser is told which of these was the case.
 * VirtualServices whose spec is invalid claim nothing.
 */
public final class VipClaims {
    private static final Comparator<VirtualService> OLDEST_FIRST = Comparator
            .comparing((VirtualService vs) -> accepted(vs) ? 0 : 1)
            .thenComparing(vs -> created(vs))
            .thenComparing(vs -> Ref.of(vs));

    private VipClaims() {
    }

    /** The verdict for every VirtualService in {@code all} that has a valid spec: empty when granted. */
    public static Map<Ref, Optional<Problem>> resolve(Collection<VirtualService> all) {
        Map<InetAddress, List<VirtualService>> byVip = new HashMap<>();
        for (VirtualService vs : all) {
            if (vs.getSpec() == null) {
                continue;
            }
            Optional<InetAddress> vip = IpLiteral.parse(vs.getSpec().getVip());
            if (vip.isPresent() && VirtualServiceValidator.validate(vs.getSpec()).isEmpty()) {
                byVip.computeIfAbsent(vip.get(), k -> new ArrayList<>()).add(vs);
            }
        }
        Map<Ref, Optional<Problem>> out = new LinkedHashMap<>();
        byVip.values().forEach(group -> out.putAll(resolveGroup(group)));
        return out;
    }

    /** The verdict for {@code target} (assumed valid) among {@code all}. */
    public static Optional<Problem> resolveFor(VirtualService target, Collection<VirtualService> all) {
        Optional<InetAddress> vip = IpLiteral.parse(target.getSpec().getVip());
        List<VirtualService> group = new ArrayList<>();
        group.add(target);
        for (VirtualService vs : all) {
            if (vs.getSpec() == null || Ref.of(vs).equals(Ref.of(target))) {
                continue;
            }
            Optional<InetAddress> other = IpLiteral.parse(vs.getSpec().getVip());
            if (other.isPresent() && other.equals(vip) && VirtualServiceValidator.validate(vs.getSpec()).isEmpty()) {
                group.add(vs);
            }
        }
        return resolveGroup(group).getOrDefault(Ref.of(target), Optional.empty());
    }

    private static Map<Ref, Optional<Problem>> resolveGroup(List<VirtualService> group) {
        List<VirtualService> sorted = group.stream().sorted(OLDEST_FIRST).toList();
        List<VirtualService> granted = new ArrayList<>();
        Map<Ref, Optional<Problem>> out = new LinkedHashMap<>();
        for (VirtualService vs : sorted) {
            Optional<Problem> problem = conflictWith(vs, granted);
            if (problem.isEmpty()) {
                granted.add(vs);
            }
            out.put(Ref.of(vs), problem);
        }
        return out;
    }

    private static Optional<Problem> conflictWith(VirtualService vs, List<VirtualService> granted) {
        for (VirtualService holder : granted) {
            for (ServicePort p : vs.getSpec().getPorts()) {
                for (ServicePort q : holder.getSpec().getPorts()) {
                    if (p.getPort().equals(q.getPort()) && p.getProtocol() == q.getProtocol()) {
                        return Optional.of(new Problem("Conflict", "VIP " + vs.getSpec().getVip() + " port " + p
                                + " is already served by VirtualService " + Ref.of(holder) + ", " + why(holder, vs)
                                + "; use another VIP or port, or delete that VirtualService"));
                    }
                }
            }
        }
        for (VirtualService holder : granted) {
            if (!normalized(holder.getSpec().getDirectors()).equals(normalized(vs.getSpec().getDirectors()))
                    || !ApiObjects.MAPPER.valueToTree(holder.getSpec().getFailover())
                    .equals(ApiObjects.MAPPER.valueToTree(vs.getSpec().getFailover()))) {
                return Optional.of(new Problem("VIPSettingsConflict", "VIP " + vs.getSpec().getVip() + " is also used by "
                        + "VirtualService " + Ref.of(holder) + " with different directors or failover settings; "
                        + "VirtualServices that share a VIP share one election, so copy its directors and failover "
                        + "sections or use another VIP"));
            }
        }
        return Optional.empty();
    }

    private static JsonNode normalized(DirectorsSpec d) {
        DirectorsSpec copy = ApiObjects.MAPPER.convertValue(d, DirectorsSpec.class);
        if (copy.getPriorities() != null) {
            copy.setPriorities(copy.getPriorities().stream()
                    .sorted(Comparator.comparing(DirectorPriority::getNodeName)).toList());
        }
        return ApiObjects.MAPPER.valueToTree(copy);
    }

    /** Why {@code holder} came before {@code vs}, truthfully. */
    private static String why(VirtualService holder, VirtualService vs) {
        if (accepted(holder) && !accepted(vs) && created(holder).compareTo(created(vs)) > 0) {
            return "which serves it now (a port being served is not taken over, even by an older VirtualService)";
        }
        if (created(holder).compareTo(created(vs)) < 0) {
            return "created earlier";
        }
        if (accepted(holder) && !accepted(vs)) {
            return "created in the same second and accepted first";
        }
        return "created in the same second; " + (accepted(vs) ? "both were accepted, and then" : "between two new "
                + "VirtualServices") + " the name that sorts first wins";
    }

    /** Whether the VirtualService's last status says it was accepted (it holds its ports now). */
    private static boolean accepted(VirtualService vs) {
        return vs.getStatus() != null && vs.getStatus().getConditions() != null && vs.getStatus().getConditions().stream()
                .anyMatch(c -> Conditions.ACCEPTED.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static String created(VirtualService vs) {
        // RFC 3339 UTC timestamps from the API server sort as strings; objects not stored yet sort last.
        String t = vs.getMetadata().getCreationTimestamp();
        return t == null ? "9999" : t;
    }
}
