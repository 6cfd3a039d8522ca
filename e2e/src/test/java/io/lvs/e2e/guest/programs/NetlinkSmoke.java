package io.lvs.e2e.guest.programs;

import io.lvs.agent.kernel.netlink.GenericNetlink;
import io.lvs.agent.kernel.netlink.Netlink;
import io.lvs.agent.kernel.netlink.NetlinkSocket;
import io.lvs.agent.kernel.sys.NetworkNamespace;

/**
 * Inside the guest (scenario {@code netlink-smoke}): the netlink core resolves the IPVS generic
 * netlink family once ip_vs is loaded.
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
        checks.exit();
    }
}
