package io.lvs.e2e.guest.programs;

import io.lvs.agent.kernel.netlink.GenericNetlink;
import io.lvs.agent.kernel.netlink.Netlink;
import io.lvs.agent.kernel.netlink.NetlinkSocket;
import io.lvs.agent.kernel.rtnl.AddressChange;
import io.lvs.agent.kernel.rtnl.Link;
import io.lvs.agent.kernel.rtnl.Rtnl;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.net.InetAddress;

/**
 * Inside the guest (scenario {@code netlink-smoke}): the netlink core resolves the IPVS generic
 * netlink family once ip_vs is loaded, and the rtnetlink handle puts VIPs on {@code lo} of the
 * namespace named by the first argument (idempotently).
 */
public final class NetlinkSmoke {
    private NetlinkSmoke() {
    }

    public static void main(String[] args) {
        Checks checks = new Checks();
        try (NetlinkSocket s = NetlinkSocket.open(Netlink.NETLINK_GENERIC, NetworkNamespace.current())) {
            GenericNetlink.Family ipvs = checks.step("IPVS family resolved", () -> GenericNetlink.resolve(s, "IPVS"));
            if (ipvs != null) {
                System.out.println("IPVS family: id " + ipvs.id() + ", version " + ipvs.version()
                        + ", max attribute " + ipvs.maxAttr());
                checks.check("IPVS family id is dynamic", ipvs.id() > GenericNetlink.GENL_ID_CTRL,
                        "id " + ipvs.id() + " should be above GENL_ID_CTRL");
            }
        }
        try (Rtnl rtnl = Rtnl.open(NetworkNamespace.named(args[0]))) {
            Link lo = rtnl.requireLink("lo");
            for (String vip : new String[] {"203.0.113.10", "2001:db8::10"}) {
                InetAddress a = InetAddress.ofLiteral(vip);
                AddressChange first = checks.step("VIP " + vip + " added to lo", () -> rtnl.addAddress(lo, a));
                checks.check("VIP " + vip + " reported as a change", first != null && first.changed(), String.valueOf(first));
                AddressChange again = checks.step("VIP " + vip + " re-applied", () -> rtnl.addAddress(lo, a));
                checks.check("VIP " + vip + " re-apply unchanged", again instanceof AddressChange.Unchanged, String.valueOf(again));
            }
        }
        checks.exit();
    }
}
