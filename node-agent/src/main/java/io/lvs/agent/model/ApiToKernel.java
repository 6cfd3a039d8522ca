package io.lvs.agent.model;

import io.lvs.agent.kernel.ipvs.ForwardingMethod;
import io.lvs.agent.kernel.ipvs.Protocol;
import io.lvs.agent.kernel.ipvs.Scheduler;
import io.lvs.agent.kernel.ipvs.SchedulerFlag;
import io.lvs.agent.kernel.ipvs.Tunnel;
import io.lvs.agent.kernel.ipvs.TunnelChecksum;
import io.lvs.agent.model.NodeDesired.TunnelDecap;
import io.lvs.api.v1alpha1.TunnelSpec;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The API's words for IPVS settings mapped to the kernel library's, one to one. */
final class ApiToKernel {
    private ApiToKernel() {
    }

    static Scheduler scheduler(io.lvs.api.v1alpha1.Scheduler s) {
        return Scheduler.fromKernelName(s.kernelName())
                .orElseThrow(() -> new IllegalArgumentException("scheduler " + s.kernelName() + " is unknown to the kernel library"));
    }

    static Set<SchedulerFlag> flags(List<io.lvs.api.v1alpha1.SchedulerFlag> flags) {
        Set<SchedulerFlag> out = EnumSet.noneOf(SchedulerFlag.class);
        for (io.lvs.api.v1alpha1.SchedulerFlag f : flags == null ? List.<io.lvs.api.v1alpha1.SchedulerFlag>of() : flags) {
            out.add(switch (f) {
                case Fallback -> SchedulerFlag.FALLBACK;
                case Port -> SchedulerFlag.PORT;
            });
        }
        return out;
    }

    static Protocol protocol(io.lvs.api.v1alpha1.Protocol p) {
        return switch (p) {
            case TCP -> Protocol.TCP;
            case UDP -> Protocol.UDP;
            case SCTP -> Protocol.SCTP;
        };
    }

    static ForwardingMethod forwarding(io.lvs.api.v1alpha1.ForwardingMethod m) {
        return switch (m) {
            case DirectRouting -> ForwardingMethod.DROUTE;
            case NAT -> ForwardingMethod.MASQ;
            case Tunnel -> ForwardingMethod.TUNNEL;
            case Local -> throw new IllegalArgumentException("Local forwarding has no IPVS destinations");
        };
    }

    static Tunnel tunnel(TunnelSpec t) {
        TunnelChecksum c = switch (t.getChecksum()) {
            case None -> TunnelChecksum.NONE;
            case Checksum -> TunnelChecksum.CSUM;
            case RemoteChecksum -> TunnelChecksum.REMCSUM;
        };
        return switch (t.getEncapsulation()) {
            case IPIP -> Tunnel.IPIP;
            case GUE -> new Tunnel.Gue(t.getPort(), c);
            case GRE -> new Tunnel.Gre(c);
        };
    }

    /**
     * What a real server of this tunnel needs to decapsulate; {@code ipv6Outer}: the real server's address is IPv6,
     * {@code ipv6Inner}: the VIP is.
     */
    static TunnelDecap decap(TunnelSpec t, boolean ipv6Outer, boolean ipv6Inner) {
        return switch (t.getEncapsulation()) {
            case IPIP -> new TunnelDecap(TunnelDecap.Kind.IPIP, ipv6Outer, ipv6Inner, 0);
            case GUE -> new TunnelDecap(TunnelDecap.Kind.GUE, ipv6Outer, ipv6Inner, t.getPort());
            case GRE -> new TunnelDecap(TunnelDecap.Kind.GRE, ipv6Outer, ipv6Inner, 0);
        };
    }
}
