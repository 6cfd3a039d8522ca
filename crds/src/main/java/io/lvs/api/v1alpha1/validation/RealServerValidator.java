package io.lvs.api.v1alpha1.validation;

import io.lvs.api.v1alpha1.ConnectionLimits;
import io.lvs.api.v1alpha1.IpLiteral;
import io.lvs.api.v1alpha1.Messages;
import io.lvs.api.v1alpha1.RealServerSpec;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every rule of a RealServer's spec that concerns the object alone (the CRD's constraints, repeated in Java).
 * Rules that depend on its VirtualServices (port remapping, address family) belong to the operator.
 */
public final class RealServerValidator {
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$");

    private RealServerValidator() {
    }

    /** The violations of {@code spec}, in field order; empty when it is valid. */
    public static List<Violation> validate(RealServerSpec spec) {
        Violations v = new Violations();
        if (!v.check(spec != null, "spec", "spec is required")) {
            return v.list();
        }
        if (spec.unreadable().isPresent()) {
            String why = spec.unreadable().get();
            return List.of(new Violation(why.substring(0, why.indexOf(' ')), why)); // nothing else of it was read
        }
        if (v.check(spec.getAddress() != null, "spec.address", "address is required")) {
            Optional<InetAddress> a = IpLiteral.parse(spec.getAddress());
            if (v.check(a.isPresent(), "spec.address", Messages.ADDRESS_NOT_IP + " (got \"" + spec.getAddress() + "\")")) {
                v.check(IpLiteral.isGlobalUnicast(a.get()), "spec.address", Messages.ADDRESS_NOT_UNICAST
                        + " (got " + spec.getAddress() + ")");
            }
        }
        v.range(spec.getPort(), 1, 65535, "spec.port", "port");
        v.range(spec.getWeight(), 0, 65535, "spec.weight", "weight");
        HealthChecks.validate(v, spec.getHealthCheck(), "spec.healthCheck");
        if (spec.getVirtualServiceRef() != null) {
            String n = spec.getVirtualServiceRef().getName();
            v.check(n != null && n.length() <= 253 && DNS_SUBDOMAIN.matcher(n).matches(), "spec.virtualServiceRef.name",
                    "virtualServiceRef.name must name a VirtualService (a DNS subdomain; got \"" + n + "\")");
        }
        if (spec.getNodeName() != null) {
            v.check(spec.getNodeName().length() <= 253 && DNS_SUBDOMAIN.matcher(spec.getNodeName()).matches(),
                    "spec.nodeName", "nodeName must be a node name (a DNS subdomain; got \"" + spec.getNodeName() + "\")");
        }
        ConnectionLimits l = spec.getConnectionLimits();
        if (l != null) {
            v.range(l.getUpper(), 0, Integer.MAX_VALUE, "spec.connectionLimits.upper", "connectionLimits.upper");
            v.range(l.getLower(), 0, Integer.MAX_VALUE, "spec.connectionLimits.lower", "connectionLimits.lower");
            v.check(l.getLower() == null || (l.getUpper() != null && l.getLower() <= l.getUpper()), "spec.connectionLimits",
                    Messages.CONNECTION_LIMITS);
        }
        return v.list();
    }
}
