package io.lvs.api.v1alpha1.rules;

import io.lvs.api.v1alpha1.ForwardingMethod;
import io.lvs.api.v1alpha1.IpLiteral;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.ServicePort;
import io.lvs.api.v1alpha1.VirtualService;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Whether a RealServer can serve a VirtualService it belongs to: the rules that involve both objects. Both objects
 * are assumed valid on their own (see the validators in the API module).
 */
public final class MemberCheck {
    private MemberCheck() {
    }

    public static Optional<Problem> check(VirtualService vs, RealServer rs) {
        String vsName = vs.getMetadata().getName();
        ForwardingMethod method = vs.getSpec().getForwarding().getMethod();
        if (method == ForwardingMethod.Local) {
            return Optional.of(new Problem("LocalForwarding", "VirtualService " + vsName + " uses Local forwarding: the "
                    + "active director serves the VIP itself and takes no real servers; point this RealServer at "
                    + "another VirtualService or change that one's forwarding method"));
        }
        Optional<InetAddress> vip = IpLiteral.parse(vs.getSpec().getVip());
        Optional<InetAddress> addr = IpLiteral.parse(rs.getSpec().getAddress());
        if (vip.isPresent() && addr.isPresent() && IpLiteral.family(vip.get()) != IpLiteral.family(addr.get())
                && method != ForwardingMethod.Tunnel) {
            return Optional.of(new Problem("AddressFamilyMismatch", "address " + rs.getSpec().getAddress() + " is IPv"
                    + IpLiteral.family(addr.get()) + " but VirtualService " + vsName + " has the IPv"
                    + IpLiteral.family(vip.get()) + " VIP " + vs.getSpec().getVip() + "; only Tunnel forwarding can "
                    + "mix address families - use an address of the VIP's family"));
        }
        Integer port = rs.getSpec().getPort();
        if (port != null && (method == ForwardingMethod.DirectRouting || method == ForwardingMethod.Tunnel)) {
            for (ServicePort p : vs.getSpec().getPorts()) {
                if (!port.equals(p.getPort())) {
                    return Optional.of(new Problem("PortRemapNotSupported", "port " + port + " differs from virtual port "
                            + p.getPort() + " of VirtualService " + vsName + ", which uses " + method + ": the kernel "
                            + "cannot remap ports in DirectRouting or Tunnel mode; remove spec.port"
                            + (vs.getSpec().getPorts().size() == 1 ? " or set it to " + p.getPort() : "")));
                }
            }
        }
        return Optional.empty();
    }
}
