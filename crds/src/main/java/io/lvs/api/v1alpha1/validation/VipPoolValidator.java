package io.lvs.api.v1alpha1.validation;

import io.lvs.api.v1alpha1.Messages;
import io.lvs.api.v1alpha1.VipPoolSpec;
import io.lvs.api.v1alpha1.rules.Cidr;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Every rule of a VipPool's spec (the CRD's constraints, repeated in Java with the same sentences). */
public final class VipPoolValidator {
    private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");

    private VipPoolValidator() {
    }

    /** The violations of {@code spec}, in field order; empty when it is valid. */
    public static List<Violation> validate(VipPoolSpec spec) {
        Violations v = new Violations();
        if (!v.check(spec != null, "spec", "spec is required")) {
            return v.list();
        }
        if (spec.unreadable().isPresent()) {
            String why = spec.unreadable().get();
            return List.of(new Violation(why.substring(0, why.indexOf(' ')), why));
        }
        List<String> addresses = spec.getAddresses();
        if (v.check(addresses != null && !addresses.isEmpty(), "spec.addresses", "addresses must list at least one CIDR")
                && v.check(addresses.size() <= 128, "spec.addresses", "addresses must list at most 128 CIDRs")) {
            for (String a : addresses) {
                Optional<Cidr> c = Cidr.parse(a);
                if (!v.check(c.isPresent() && c.get().equals(c.get().masked()), "spec.addresses",
                        Messages.POOL_NOT_CIDR + " (got \"" + a + "\"" + c.map(x -> "; did you mean " + x.masked() + "?")
                                .orElse("") + ")")) {
                    break;
                }
            }
        }
        List<String> namespaces = spec.getNamespaces();
        if (namespaces != null && v.check(namespaces.size() <= 256, "spec.namespaces",
                "namespaces must list at most 256 names")) {
            for (String n : namespaces) {
                if (!v.check(n != null && DNS_LABEL.matcher(n).matches(), "spec.namespaces",
                        Messages.POOL_NAMESPACE_NAME + " (got \"" + n + "\")")) {
                    break;
                }
            }
        }
        LabelSelectors.validate(v, spec.getNamespaceSelector(), "spec.namespaceSelector");
        return v.list();
    }
}
