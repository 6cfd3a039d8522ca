package io.lvs.agent.kernel.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.netlink.NetlinkException;
import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.kernel.testing.Netns;
import io.lvs.agent.kernel.testing.Root;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What IPVS refuses, said so: the rules checked before sending (address families, sync daemons, unicast), the
 * refusals the kernel sends staying one type with their diagnosis, and the loopback hint only where it is the cause.
 * The kernel side of each is proven in the guest (ipvs-conformance).
 */
class RefusalsTest {
    private static final ServiceKey V4 = ServiceKey.tcp("192.0.2.10", 80);
    private static final ServiceKey V6 = ServiceKey.tcp("2001:db8::10", 80);

    @Test
    void aDestinationOfTheServicesFamilyIsTakenWhateverItsForwarding() {
        for (ForwardingMethod f : new ForwardingMethod[] {ForwardingMethod.DROUTE, ForwardingMethod.MASQ, ForwardingMethod.TUNNEL}) {
            assertEquals(Optional.empty(), DestinationRules.refusal(V4, Destination.of("192.0.2.21", 80, f), true), f.name());
            assertEquals(Optional.empty(), DestinationRules.refusal(V6, Destination.of("2001:db8::21", 80, f), true), f.name());
        }
    }

    @Test
    void anotherFamilyNeedsATunnelAndNoSyncDaemon() {
        String route = DestinationRules.refusal(V4, Destination.of("2001:db8::21", 80, ForwardingMethod.DROUTE), false).orElseThrow();
        assertEquals("an IPv6 destination of an IPv4 service needs tunnel forwarding (the kernel forwards across address "
                + "families only by tunnel, not by Route)", route);
        String nat = DestinationRules.refusal(V6, Destination.of("192.0.2.21", 80, ForwardingMethod.MASQ), false).orElseThrow();
        assertTrue(nat.startsWith("an IPv4 destination of an IPv6 service needs tunnel forwarding"), nat);

        Destination tunnel = Destination.tunnel("2001:db8::21", 80, Tunnel.IPIP);
        assertEquals(Optional.empty(), DestinationRules.refusal(V4, tunnel, false));
        String sync = DestinationRules.refusal(V4, tunnel, true).orElseThrow();
        assertTrue(sync.contains("while a connection-sync daemon runs"), sync);
        assertTrue(DestinationRules.mixesFamilies(V4, tunnel.address()));
        assertFalse(DestinationRules.mixesFamilies(new ServiceKey.FwMark(AddressFamily.INET6, 3), tunnel.address()));
    }

    @Test
    void onlyUnicastAddressesAreDestinations() {
        for (String a : new String[] {"0.0.0.0", "0.1.2.3", "255.255.255.255", "224.0.0.18", "::", "ff02::1"}) {
            ServiceKey s = a.contains(":") ? V6 : V4;
            String why = DestinationRules.refusal(s, Destination.of(a, 80, ForwardingMethod.DROUTE), false).orElseThrow();
            assertTrue(why.contains("is not a unicast address"), a + ": " + why);
        }
        assertEquals(Optional.empty(), DestinationRules.refusal(V4, Destination.of("192.0.2.255", 80, ForwardingMethod.DROUTE), false),
                "a subnet's broadcast address is the namespace's business, not a rule");
    }

    @Test
    void aMissingPersistenceEngineIsStillTheKernelsRefusalAndNamesTheModule() {
        NetlinkException kernel = new NetlinkException("IPVS_CMD_NEW_SERVICE TCP 192.0.2.10:80 rr pe nosuch", Errno.ENOENT.number(), "");
        PersistenceEngineUnavailableException e = new PersistenceEngineUnavailableException(kernel, "nosuch", "/lib/modules/6.1.176");
        assertEquals("IPVS_CMD_NEW_SERVICE TCP 192.0.2.10:80 rr pe nosuch: persistence engine nosuch is not available in this "
                + "kernel (module ip_vs_pe_nosuch is not loaded, not built in and not installed under /lib/modules/6.1.176; "
                + "load it with modprobe ip_vs_pe_nosuch): ENOENT", e.getMessage());
        assertInstanceOf(NetlinkException.class, e);
        assertTrue(e.is(Errno.ENOENT));
        assertEquals(kernel.request(), e.request());
        assertSame(kernel, e.getCause());
    }

    @Test
    void aHintKeepsTheRefusalItsTypeRequestAndErrno() {
        NetlinkException kernel = new NetlinkException("IPVS_CMD_NEW_DEST 192.0.2.21:80 -> TCP 192.0.2.10:80", Errno.EINVAL.number(), "");
        NetlinkException hinted = kernel.withHint("a cause");
        assertEquals(kernel.getMessage() + " (a cause)", hinted.getMessage());
        assertEquals(kernel.request(), hinted.request());
        assertTrue(hinted.is(Errno.EINVAL));
    }

    @Test
    void theLoopbackHintHoldsOnlyInANamespaceWithoutAnyIpv4Address() {
        Root.assume("network namespaces");
        try (Netns ns = Netns.create("nolocal")) {
            ns.ip("link", "set", "lo", "down");
            ns.ip("addr", "flush", "dev", "lo");
            assertTrue(Ipvs.noIpv4Address(ns.namespace()), "lo down and no address: no IPv4 local routes at all");
            ns.ip("addr", "add", "127.0.0.1/8", "dev", "lo");
            assertFalse(Ipvs.noIpv4Address(ns.namespace()), "an address, even on a down loopback, makes the local table");
        }
        try (Netns ns = Netns.create("withlo")) {
            assertFalse(Ipvs.noIpv4Address(ns.namespace()), "lo up has 127.0.0.1");
        }
    }
}
