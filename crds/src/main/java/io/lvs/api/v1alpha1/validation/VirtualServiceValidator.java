package io.lvs.api.v1alpha1.validation;

import io.lvs.api.v1alpha1.ConnectionSyncSpec;
import io.lvs.api.v1alpha1.DirectorPriority;
import io.lvs.api.v1alpha1.DirectorsSpec;
import io.lvs.api.v1alpha1.Encapsulation;
import io.lvs.api.v1alpha1.FailoverSpec;
import io.lvs.api.v1alpha1.ForwardingMethod;
import io.lvs.api.v1alpha1.ForwardingSpec;
import io.lvs.api.v1alpha1.GratuitousArpSpec;
import io.lvs.api.v1alpha1.HealthCheckSpec;
import io.lvs.api.v1alpha1.HealthCheckType;
import io.lvs.api.v1alpha1.IpLiteral;
import io.lvs.api.v1alpha1.Messages;
import io.lvs.api.v1alpha1.PersistenceSpec;
import io.lvs.api.v1alpha1.Protocol;
import io.lvs.api.v1alpha1.SchedulerFlag;
import io.lvs.api.v1alpha1.SchedulerSpec;
import io.lvs.api.v1alpha1.ServicePort;
import io.lvs.api.v1alpha1.TunnelChecksum;
import io.lvs.api.v1alpha1.TunnelSpec;
import io.lvs.api.v1alpha1.VirtualServiceSpec;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every rule of a VirtualService's spec that concerns the object alone: the CRD's OpenAPI constraints and CEL
 * rules, repeated in Java because some API servers and tools bypass the schema. Rules across objects (VIP
 * conflicts, real-server membership) belong to the operator.
 */
public final class VirtualServiceValidator {
    private static final Pattern PORT_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    private static final Pattern INTERFACE = Pattern.compile("^[A-Za-z0-9_.:@-]{1,15}$");

    private VirtualServiceValidator() {
    }

    /** The violations of {@code spec}, in field order; empty when it is valid. */
    public static List<Violation> validate(VirtualServiceSpec spec) {
        Violations v = new Violations();
        if (!v.check(spec != null, "spec", "spec is required")) {
            return v.list();
        }
        if (spec.unreadable().isPresent()) {
            String why = spec.unreadable().get();
            return List.of(new Violation(why.substring(0, why.indexOf(' ')), why)); // nothing else of it was read
        }
        Optional<InetAddress> vip = Optional.empty();
        if (v.check(spec.getVip() != null, "spec.vip", "vip is required")) {
            vip = IpLiteral.parse(spec.getVip());
            if (v.check(vip.isPresent(), "spec.vip", Messages.VIP_NOT_IP + " (got \"" + spec.getVip() + "\")")) {
                v.check(IpLiteral.isGlobalUnicast(vip.get()), "spec.vip", Messages.VIP_NOT_UNICAST
                        + " (got " + spec.getVip() + ")");
            }
        }
        ports(v, spec.getPorts());
        scheduler(v, spec.getScheduler(), spec.getPorts());
        ForwardingMethod method = forwarding(v, spec.getForwarding());
        persistence(v, spec.getPersistence(), vip);
        LabelSelectors.validate(v, spec.getRealServerSelector(), "spec.realServerSelector");
        v.check(method != ForwardingMethod.Local || spec.getRealServerSelector() == null, "spec",
                Messages.LOCAL_NO_SELECTOR);
        HealthChecks.validate(v, spec.getHealthCheck(), "spec.healthCheck");
        HealthCheckSpec hc = spec.getHealthCheck();
        if (hc != null && (hc.getType() == HealthCheckType.HTTP || hc.getType() == HealthCheckType.HTTPS)
                && hc.getPort() == null && spec.getPorts() != null && !spec.getPorts().isEmpty()) {
            v.check(spec.getPorts().stream().anyMatch(p -> p != null && p.getProtocol() == Protocol.TCP), "spec",
                    Messages.HC_HTTP_NEEDS_TCP);
        }
        directors(v, spec.getDirectors());
        failover(v, spec.getFailover());
        return v.list();
    }

    private static void ports(Violations v, List<ServicePort> ports) {
        if (!v.check(ports != null && !ports.isEmpty(), "spec.ports", "ports must list at least one port")) {
            return;
        }
        v.check(ports.size() <= 64, "spec.ports", "ports must list at most 64 ports");
        Set<String> pairs = new HashSet<>();
        Set<String> names = new HashSet<>();
        boolean duplicatePair = false;
        boolean duplicateName = false;
        for (int i = 0; i < ports.size(); i++) {
            ServicePort p = ports.get(i);
            String f = "spec.ports[" + i + "]";
            if (!v.check(p != null, f, "a port entry must not be empty")) {
                continue;
            }
            if (v.check(p.getPort() != null, f + ".port", "port is required")) {
                v.range(p.getPort(), 1, 65535, f + ".port", "port");
            }
            if (p.getName() != null) {
                v.check(p.getName().length() <= 63 && PORT_NAME.matcher(p.getName()).matches(), f + ".name",
                        "port name \"" + p.getName() + "\" must be a DNS label (lower-case letters, digits, '-')");
                duplicateName |= !names.add(p.getName());
            }
            if (v.known(p.getProtocol(), Protocol.class, f + ".protocol")) {
                duplicatePair |= !pairs.add(p.getPort() + "/" + p.getProtocol());
            }
        }
        v.check(!duplicatePair, "spec.ports", Messages.PORTS_DUPLICATE);
        v.check(!duplicateName, "spec.ports", Messages.PORT_NAMES_DUPLICATE);
    }

    private static void scheduler(Violations v, SchedulerSpec s, List<ServicePort> ports) {
        if (s == null) {
            return;
        }
        v.known(s.getName(), io.lvs.api.v1alpha1.Scheduler.class, "spec.scheduler.name");
        List<SchedulerFlag> flags = s.getFlags() == null ? List.of() : s.getFlags();
        for (int i = 0; i < flags.size(); i++) {
            v.known(flags.get(i), SchedulerFlag.class, "spec.scheduler.flags[" + i + "]");
        }
        v.check(flags.isEmpty() || s.getName() == null || s.getName().takesHashFlags(), "spec.scheduler",
                Messages.SCHEDULER_FLAGS);
        v.check(new HashSet<>(flags).size() == flags.size(), "spec.scheduler.flags", Messages.SCHEDULER_FLAGS_REPEAT);
        if (Boolean.TRUE.equals(s.getOnePacket()) && ports != null) {
            v.check(ports.stream().allMatch(p -> p != null && p.getProtocol() == Protocol.UDP), "spec",
                    Messages.ONE_PACKET_UDP);
        }
    }

    private static ForwardingMethod forwarding(Violations v, ForwardingSpec f) {
        if (f == null) {
            return ForwardingMethod.DirectRouting;
        }
        ForwardingMethod method = f.getMethod();
        v.known(method, ForwardingMethod.class, "spec.forwarding.method");
        TunnelSpec t = f.getTunnel();
        if (t != null) {
            v.check(method == null || method == ForwardingMethod.Tunnel, "spec.forwarding", Messages.TUNNEL_ONLY_WITH_TUNNEL);
            Encapsulation enc = t.getEncapsulation();
            TunnelChecksum csum = t.getChecksum();
            v.range(t.getPort(), 1, 65535, "spec.forwarding.tunnel.port", "tunnel.port");
            if (v.known(enc, Encapsulation.class, "spec.forwarding.tunnel.encapsulation")) {
                v.check(enc == Encapsulation.GUE ? t.getPort() != null : t.getPort() == null, "spec.forwarding.tunnel",
                        Messages.TUNNEL_PORT);
            }
            if (v.known(csum, TunnelChecksum.class, "spec.forwarding.tunnel.checksum") && enc != null) {
                v.check(enc != Encapsulation.IPIP || csum == TunnelChecksum.None, "spec.forwarding.tunnel",
                        Messages.TUNNEL_IPIP_CHECKSUM);
                v.check(enc != Encapsulation.GRE || csum != TunnelChecksum.RemoteChecksum, "spec.forwarding.tunnel",
                        Messages.TUNNEL_GRE_REMOTE_CHECKSUM);
            }
        }
        return method == null ? ForwardingMethod.DirectRouting : method;
    }

    private static void persistence(Violations v, PersistenceSpec p, Optional<InetAddress> vip) {
        if (p == null) {
            return;
        }
        Durations.between(v, p.getTimeout(), Duration.ofSeconds(1), Duration.ofHours(744), "spec.persistence.timeout",
                Messages.PERSISTENCE_TIMEOUT);
        if (p.getPrefixLength() != null) {
            v.range(p.getPrefixLength(), 1, 128, "spec.persistence.prefixLength", "persistence.prefixLength");
            vip.ifPresent(a -> v.check(IpLiteral.family(a) == 6 || p.getPrefixLength() <= 32, "spec",
                    Messages.PERSISTENCE_PREFIX_V4));
        }
    }

    private static void directors(Violations v, DirectorsSpec d) {
        if (!v.check(d != null, "spec.directors", "directors is required")) {
            return;
        }
        if (v.check(d.getNodeSelector() != null, "spec.directors.nodeSelector", "directors.nodeSelector is required")) {
            boolean hasLabels = d.getNodeSelector().getMatchLabels() != null && !d.getNodeSelector().getMatchLabels().isEmpty();
            boolean hasExprs = d.getNodeSelector().getMatchExpressions() != null
                    && !d.getNodeSelector().getMatchExpressions().isEmpty();
            v.check(hasLabels || hasExprs, "spec.directors.nodeSelector", Messages.DIRECTORS_EMPTY_SELECTOR);
            LabelSelectors.validate(v, d.getNodeSelector(), "spec.directors.nodeSelector");
        }
        if (d.getInterfaceName() != null) {
            v.check(INTERFACE.matcher(d.getInterfaceName()).matches(), "spec.directors.interface",
                    "directors.interface must be an interface name of 1-15 characters (got \"" + d.getInterfaceName() + "\")");
        }
        List<DirectorPriority> prios = d.getPriorities();
        if (prios != null) {
            v.check(prios.size() <= 64, "spec.directors.priorities", "directors.priorities must list at most 64 nodes");
            Set<String> seen = new HashSet<>();
            boolean dup = false;
            for (int i = 0; i < prios.size(); i++) {
                DirectorPriority p = prios.get(i);
                String f = "spec.directors.priorities[" + i + "]";
                if (!v.check(p != null && p.getNodeName() != null && !p.getNodeName().isEmpty(), f + ".nodeName",
                        "nodeName is required")) {
                    continue;
                }
                dup |= !seen.add(p.getNodeName());
                if (v.check(p.getPriority() != null, f + ".priority", "priority is required")) {
                    v.range(p.getPriority(), 1, 254, f + ".priority", "priority");
                }
            }
            v.check(!dup, "spec.directors.priorities", Messages.PRIORITIES_DUPLICATE);
        }
    }

    private static void failover(Violations v, FailoverSpec f) {
        if (f == null) {
            return;
        }
        Durations.between(v, f.getAdvertInterval(), Duration.ofMillis(10), Duration.ofSeconds(40),
                "spec.failover.advertInterval", Messages.ADVERT_INTERVAL);
        Durations.between(v, f.getPreemptDelay(), Duration.ZERO, Duration.ofHours(1), "spec.failover.preemptDelay",
                Messages.PREEMPT_DELAY);
        GratuitousArpSpec g = f.getGratuitousArp();
        if (g != null) {
            v.range(g.getBurst(), 1, 100, "spec.failover.gratuitousArp.burst", "gratuitousArp.burst");
            Durations.between(v, g.getRepeatDelay(), Duration.ZERO, Duration.ofHours(1),
                    "spec.failover.gratuitousArp.repeatDelay", Messages.GARP_REPEAT_DELAY);
            Durations.parse(v, g.getRefreshInterval(), "spec.failover.gratuitousArp.refreshInterval").ifPresent(d ->
                    v.check(d.isZero() || (d.compareTo(Duration.ofSeconds(1)) >= 0 && d.compareTo(Duration.ofHours(24)) <= 0),
                            "spec.failover.gratuitousArp.refreshInterval", Messages.GARP_REFRESH));
        }
        ConnectionSyncSpec c = f.getConnectionSync();
        if (c != null) {
            if (c.getGroup() != null && v.maxLength(c.getGroup(), 64, "spec.failover.connectionSync.group")) {
                v.check(IpLiteral.parse(c.getGroup()).filter(InetAddress::isMulticastAddress).isPresent(),
                        "spec.failover.connectionSync.group", Messages.SYNC_GROUP);
            }
            v.range(c.getPort(), 1, 65535, "spec.failover.connectionSync.port", "connectionSync.port");
            v.range(c.getTtl(), 1, 255, "spec.failover.connectionSync.ttl", "connectionSync.ttl");
        }
    }
}
