package io.lvs.e2e.guest.programs;

import io.lvs.agent.kernel.icmp.EchoOutcome;
import io.lvs.agent.kernel.icmp.IcmpProber;
import io.lvs.agent.kernel.packet.Announcement;
import io.lvs.agent.kernel.packet.Announcer;
import io.lvs.agent.kernel.InetText;
import io.lvs.agent.kernel.rtnl.Link;
import io.lvs.agent.kernel.rtnl.Rtnl;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.net.InetAddress;
import java.time.Duration;

/**
 * Inside the guest (scenario {@code takeover-edges}): a director takes a VIP over the way the HA
 * code will. Arguments: the director's namespace and the client's. The client's neighbour entries
 * for the VIPs point at an old MAC; the director adds the VIPs to eth0 and announces them; the
 * client's echo probes then get replies, which they did not get before the announcement.
 */
public final class TakeoverEdges {
    private TakeoverEdges() {
    }

    public static void main(String[] args) throws Exception {
        Checks checks = new Checks();
        NetworkNamespace director = NetworkNamespace.named(args[0]);
        NetworkNamespace client = NetworkNamespace.named(args[1]);
        InetAddress[] vips = {InetAddress.ofLiteral("192.0.2.10"), InetAddress.ofLiteral("2001:db8::10")};
        try (Rtnl rtnl = Rtnl.open(director); Announcer announcer = Announcer.open(director);
             IcmpProber prober = IcmpProber.open(client)) {
            Link eth0 = rtnl.requireLink("eth0");
            for (InetAddress vip : vips) {
                String v = InetText.of(vip);
                checks.step("VIP " + v + " added to eth0", () -> rtnl.addAddress(eth0, vip));
                // control: with its entry still on the old MAC the client's probe goes nowhere
                EchoOutcome before = prober.echo(vip, Duration.ofMillis(300)).get();
                checks.check("client cannot reach VIP " + v + " before the announcement",
                        before instanceof EchoOutcome.Timeout, before.toString());
                Announcement a = checks.step("VIP " + v + " announced", () -> announcer.announce(eth0, vip));
                System.out.println("announced " + a);
                EchoOutcome o = prober.echo(vip, Duration.ofSeconds(2)).get();
                System.out.println("client echo " + v + ": " + o);
                checks.check("client reaches VIP " + v + " after the announcement", o.alive(), o.toString());
            }
            EchoOutcome none = prober.echo(InetAddress.ofLiteral("192.0.2.99"), Duration.ofMillis(300)).get();
            checks.check("an unused address times out", none instanceof EchoOutcome.Timeout, none.toString());
        }
        checks.exit();
    }
}
