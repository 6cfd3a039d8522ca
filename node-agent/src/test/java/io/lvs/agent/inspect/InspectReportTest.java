package io.lvs.agent.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.inspect.IpvsadmListing.Layout;
import io.lvs.agent.kernel.ipvs.Addresses;
import io.lvs.agent.kernel.ipvs.Destination;
import io.lvs.agent.kernel.ipvs.ForwardingMethod;
import io.lvs.agent.kernel.ipvs.Info;
import io.lvs.agent.kernel.ipvs.KernelModules;
import io.lvs.agent.kernel.ipvs.Scheduler;
import io.lvs.agent.kernel.ipvs.Service;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.SyncDaemon;
import io.lvs.agent.kernel.ipvs.Timeouts;
import io.lvs.agent.kernel.rtnl.AddressFlag;
import io.lvs.agent.kernel.rtnl.InterfaceAddress;
import io.lvs.agent.kernel.rtnl.Link;
import io.lvs.agent.kernel.rtnl.Rtnetlink;
import io.lvs.agent.kernel.sysctl.ConfScope;
import io.lvs.agent.kernel.sysctl.Sysctl;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The whole text of {@code inspect} for node views built by hand: a director, a node without IPVS, read errors. */
class InspectReportTest {
    static final Link LO = new Link(1, "lo", Rtnetlink.IFF_UP | Rtnetlink.IFF_LOOPBACK, Link.ARPHRD_LOOPBACK, 65536,
            Optional.empty(), Optional.empty());
    static final Loopback LOOPBACK_WITH_VIPS = new Loopback(LO, List.of(
            new InterfaceAddress(1, Addresses.parse("127.0.0.1"), 8, Rtnetlink.RT_SCOPE_HOST,
                    Set.of(AddressFlag.IFA_F_PERMANENT), Optional.of("lo")),
            new InterfaceAddress(1, Addresses.parse("203.0.113.10"), 32, Rtnetlink.RT_SCOPE_UNIVERSE,
                    Set.of(AddressFlag.IFA_F_PERMANENT), Optional.of("lo")),
            new InterfaceAddress(1, Addresses.parse("::1"), 128, Rtnetlink.RT_SCOPE_HOST,
                    Set.of(AddressFlag.IFA_F_PERMANENT), Optional.empty()),
            new InterfaceAddress(1, Addresses.parse("2001:db8::10"), 128, Rtnetlink.RT_SCOPE_UNIVERSE,
                    Set.of(AddressFlag.IFA_F_PERMANENT, AddressFlag.IFA_F_NODAD), Optional.empty())));

    @Test
    void aDirectorsReportHasIpvsInIpvsadmsShapeThenSchedulersAddressesAndSysctls() {
        IpvsView ipvs = new IpvsView(new Info(0x010201, 4096), List.of(IpvsadmListingTest.listing(
                Service.of(ServiceKey.tcp("192.0.2.10", 80), Scheduler.RR),
                IpvsadmListingTest.dest(Destination.of("192.0.2.21", 80, ForwardingMethod.DROUTE)))),
                Timeouts.ofSeconds(900, 120, 300), List.of(SyncDaemon.master("eth0", 7)));
        Map<Scheduler, KernelModules.State> states = new LinkedHashMap<>();
        states.put(Scheduler.RR, KernelModules.State.LOADED);
        states.put(Scheduler.WRR, KernelModules.State.LOADABLE);
        states.put(Scheduler.MH, KernelModules.State.BUILT_IN);
        states.put(Scheduler.TWOS, KernelModules.State.ABSENT);
        NodeView view = new NodeView(Optional.of("director-1"), "current network namespace", Reading.read(ipvs),
                Reading.read(new SchedulerAvailability(Path.of("/lib/modules/6.1.176"), true, states)),
                Reading.read(LOOPBACK_WITH_VIPS), Path.of("/host/proc/sys/net"), Reading.read(List.of(
                        new SysctlReading(Sysctl.ipForward(), Reading.read(1)),
                        new SysctlReading(Sysctl.arpIgnore(ConfScope.ALL), Reading.read(1)),
                        new SysctlReading(Sysctl.vsSloppyTcp(), Reading.read(0)))));

        assertEquals("""
                # lvs-node-agent inspect
                node: director-1
                network namespace: current network namespace

                # IPVS
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                TCP  192.0.2.10:80 rr
                  -> 192.0.2.21:80                Route   1      0          0

                # IPVS timeouts
                Timeout (tcp tcpfin udp): 900 120 300

                # IPVS sync daemons
                master sync daemon (mcast=eth0, syncid=7)

                # IPVS schedulers
                rr     loaded
                wrr    module present
                mh     built in
                twos   absent

                # Addresses on lo
                lo: up
                inet 127.0.0.1/8 scope host lo
                inet 203.0.113.10/32 scope global lo
                inet6 ::1/128 scope host
                inet6 2001:db8::10/128 scope global nodad

                # Sysctls (net.* read under /host/proc/sys/net)
                net.ipv4.ip_forward          = 1
                net.ipv4.conf.all.arp_ignore = 1
                net.ipv4.vs.sloppy_tcp       = 0
                """, InspectReport.text(view, Layout.DEFAULT));
        assertFalse(view.incomplete());
    }

    @Test
    void withoutIpvsTheReasonIsPrintedAndEveryOtherSectionStillIs() {
        NodeView view = new NodeView(Optional.empty(), "network namespace /var/run/netns/rs1",
                Reading.unavailable("IPVS is not available in network namespace /var/run/netns/rs1: no family"),
                Reading.read(new SchedulerAvailability(Path.of("/lib/modules/6.18.44"), false,
                        Map.of(Scheduler.RR, KernelModules.State.ABSENT))),
                Reading.read(LOOPBACK_WITH_VIPS), Path.of("/proc/sys/net"), Reading.read(List.of(
                        new SysctlReading(Sysctl.arpAnnounce(ConfScope.of("lo")), Reading.read(2)),
                        new SysctlReading(Sysctl.vsConntrack(), Reading.unavailable("absent")))));

        List<String> lines = InspectReport.lines(view, Layout.STATS);

        assertEquals(List.of("# lvs-node-agent inspect", "node: (NODE_NAME is not set)",
                "network namespace: network namespace /var/run/netns/rs1", "", "# IPVS",
                "IPVS is not available in network namespace /var/run/netns/rs1: no family", "", "# IPVS schedulers",
                "rr     absent",
                "note: /lib/modules/6.18.44 does not exist here, so a scheduler whose module is not loaded shows as "
                        + "absent (mount the host's /lib/modules to see installed modules)",
                "", "# Addresses on lo", "lo: up"), lines.subList(0, 13));
        assertEquals(List.of("# Sysctls (net.* read under /proc/sys/net)",
                "net.ipv4.conf.lo.arp_announce = 2",
                "net.ipv4.vs.conntrack         = absent"), lines.subList(lines.size() - 3, lines.size()));
        assertFalse(view.incomplete(), "a kernel without IPVS is not an error");
    }

    @Test
    void aSectionThatCouldNotBeReadSaysWhyAndMakesTheViewIncomplete() {
        NodeView view = new NodeView(Optional.of("n1"), "current network namespace",
                Reading.failed("IPVS_CMD_GET_INFO: EPERM (Operation not permitted)"),
                Reading.failed("cannot read the kernel release from /proc/sys/kernel/osrelease: denied"),
                Reading.read(new Loopback(LO, List.of())), Path.of("/proc/sys/net"), Reading.read(List.of(
                        new SysctlReading(Sysctl.ipForward(), Reading.failed("read net.ipv4.ip_forward: EACCES")))));

        String text = InspectReport.text(view, Layout.DEFAULT);

        assertTrue(text.contains("# IPVS\nerror: IPVS_CMD_GET_INFO: EPERM (Operation not permitted)\n\n# IPVS schedulers\n"
                + "error: cannot read the kernel release"), text);
        assertTrue(text.endsWith("net.ipv4.ip_forward = error: read net.ipv4.ip_forward: EACCES\n"), text);
        assertTrue(view.incomplete());
        NodeView onlyOneParameter = new NodeView(Optional.of("n1"), "current network namespace",
                Reading.unavailable("no IPVS"), Reading.unavailable("-"), view.loopback(), view.sysctlDirectory(),
                view.sysctls());
        assertTrue(onlyOneParameter.incomplete(), "one unreadable parameter is enough");
    }

    @Test
    void aMissingSysctlDirectoryIsOneError() {
        NodeView view = new NodeView(Optional.empty(), "current network namespace", Reading.unavailable("no IPVS"),
                Reading.unavailable("-"), Reading.read(new Loopback(LO, List.of())), Path.of("/host/proc/sys/net"),
                Reading.failed("/host/proc/sys/net is not a directory here, so no net.* parameter can be read"));

        List<String> lines = InspectReport.lines(view, Layout.DEFAULT);

        assertEquals(List.of("# Sysctls (net.* read under /host/proc/sys/net)",
                "error: /host/proc/sys/net is not a directory here, so no net.* parameter can be read"),
                lines.subList(lines.size() - 2, lines.size()));
        assertTrue(view.incomplete());
    }
}
