package io.lvs.api.v1alpha1.rules;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.lvs.api.v1alpha1.IpLiteral;
import io.lvs.api.v1alpha1.VipPool;
import io.lvs.api.v1alpha1.VipPoolSpec;
import io.lvs.api.v1alpha1.validation.VipPoolValidator;
import io.lvs.api.v1alpha1.validation.Violation;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Which VIPs a namespace may use: those inside a {@link VipPool} that allows the namespace. A pool allows every
 * namespace when it names none and selects none; otherwise the namespaces it lists and those its selector matches.
 * A pool whose spec is invalid allows nothing. The operator (for {@code Accepted}) and every agent (before it takes a
 * VIP or prepares a real-server node) decide with this one rule.
 */
public final class VipPolicy {
    /** The label every namespace carries with its own name (set by the API server). */
    public static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
    private static final int NAMED_IN_MESSAGE = 8;

    private record Pool(String name, List<Cidr> cidrs, List<String> namespaces, LabelSelector selector,
                        Optional<Violation> invalid) {
        boolean allows(String namespace, Map<String, String> labels) {
            if (invalid.isPresent()) {
                return false;
            }
            if (namespaces == null && selector == null) {
                return true;
            }
            return namespaces != null && namespaces.contains(namespace)
                    || selector != null && Selectors.matches(selector, labels);
        }

        boolean contains(InetAddress vip) {
            return invalid.isEmpty() && cidrs.stream().anyMatch(c -> c.contains(vip));
        }

        String addresses() {
            return cidrs.stream().map(Cidr::toString).collect(Collectors.joining(", "));
        }

        String audience() {
            List<String> parts = new ArrayList<>();
            if (namespaces != null) {
                parts.add("namespaces " + String.join(", ", namespaces));
            }
            if (selector != null) {
                parts.add("namespaces labelled " + Selectors.describe(selector));
            }
            return parts.isEmpty() ? "every namespace" : String.join(" or ", parts);
        }
    }

    private final List<Pool> pools;
    private final Function<String, Map<String, String>> namespaceLabels;
    private final Map<String, Map<String, String>> labelsSeen = new java.util.concurrent.ConcurrentHashMap<>();

    private VipPolicy(List<Pool> pools, Function<String, Map<String, String>> namespaceLabels) {
        this.pools = pools;
        this.namespaceLabels = namespaceLabels;
    }

    /**
     * The policy of {@code pools}; {@code namespaceLabels} gives a namespace's labels (null or empty when the namespace
     * is not known: it is then matched by its name label alone).
     */
    public static VipPolicy of(Collection<VipPool> pools, Function<String, Map<String, String>> namespaceLabels) {
        List<Pool> parsed = new ArrayList<>();
        for (VipPool p : pools) {
            VipPoolSpec spec = p.getSpec();
            List<Violation> violations = VipPoolValidator.validate(spec);
            if (!violations.isEmpty()) {
                parsed.add(new Pool(p.getMetadata().getName(), List.of(), null, null, Optional.of(violations.getFirst())));
                continue;
            }
            parsed.add(new Pool(p.getMetadata().getName(), spec.getAddresses().stream()
                    .map(a -> Cidr.parse(a).orElseThrow()).toList(), spec.getNamespaces(), spec.getNamespaceSelector(),
                    Optional.empty()));
        }
        parsed.sort(Comparator.comparing(Pool::name));
        return new VipPolicy(List.copyOf(parsed), namespaceLabels);
    }

    /** Whether {@code namespace} may use {@code vip} as a VIP. */
    public boolean allows(String namespace, InetAddress vip) {
        Map<String, String> labels = labels(namespace);
        return pools.stream().anyMatch(p -> p.contains(vip) && p.allows(namespace, labels));
    }

    /** Empty when {@code namespace} may use {@code vip} (text, as in a spec); otherwise why not, naming the pools. */
    public Optional<Problem> check(String namespace, String vip) {
        Optional<InetAddress> address = IpLiteral.parse(vip);
        if (address.isEmpty()) {
            return Optional.empty(); // validation reports an address that does not parse
        }
        if (allows(namespace, address.get())) {
            return Optional.empty();
        }
        if (pools.isEmpty()) {
            return Optional.of(new Problem("NoVipPool", "no VipPool exists, so no VIP may be used yet: a cluster "
                    + "administrator creates one that holds " + vip + " and allows namespace " + namespace + " (kubectl "
                    + "apply a VipPool with spec.addresses [" + vip + (address.get().getAddress().length == 4 ? "/32" : "/128") + "] and spec.namespaces ["
                    + namespace + "], or set vipPools in the chart's values)"));
        }
        Map<String, String> labels = labels(namespace);
        List<String> considered = new ArrayList<>();
        for (Pool p : pools) {
            if (p.invalid().isPresent()) {
                considered.add(p.name() + " (invalid, not used: " + p.invalid().get().message() + ")");
            } else if (p.contains(address.get())) {
                considered.add(p.name() + " (holds the VIP but allows only " + p.audience() + ")");
            } else if (p.allows(namespace, labels)) {
                considered.add(p.name() + " (allows this namespace; addresses " + p.addresses() + ")");
            } else {
                considered.add(p.name() + " (neither holds the VIP nor allows this namespace)");
            }
        }
        String list = considered.size() <= NAMED_IN_MESSAGE ? String.join("; ", considered)
                : String.join("; ", considered.subList(0, NAMED_IN_MESSAGE)) + "; and " + (considered.size()
                - NAMED_IN_MESSAGE) + " more";
        return Optional.of(new Problem("VipNotAllowed", "VIP " + vip + " is in no VipPool that namespace " + namespace
                + " may use. Pools considered: " + list + ". Use a VIP from a pool this namespace may use, or ask a "
                + "cluster administrator to add " + vip + " to a VipPool for namespace " + namespace));
    }

    /** Whether any pool exists (valid or not). */
    public boolean anyPool() {
        return !pools.isEmpty();
    }

    private Map<String, String> labels(String namespace) {
        return labelsSeen.computeIfAbsent(namespace, n -> {
            Map<String, String> l = new HashMap<>();
            Map<String, String> known = namespaceLabels.apply(n);
            if (known != null) {
                l.putAll(known);
            }
            l.put(NAMESPACE_NAME_LABEL, n); // a real API server sets it on every namespace; a test server may not
            return l;
        });
    }
}
