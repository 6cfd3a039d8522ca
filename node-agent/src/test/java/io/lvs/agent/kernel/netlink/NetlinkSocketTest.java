package io.lvs.agent.kernel.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The socket against the host kernel's generic netlink controller (needs no privileges). */
class NetlinkSocketTest {

    @Test
    void resolvesTheControllerFamilyItself() {
        try (NetlinkSocket s = NetlinkSocket.open(Netlink.NETLINK_GENERIC, NetworkNamespace.current())) {
            GenericNetlink.Family f = GenericNetlink.resolve(s, "nlctrl");
            assertEquals("nlctrl", f.name());
            assertEquals(GenericNetlink.GENL_ID_CTRL, f.id());
            assertTrue(s.portId() != 0, "the kernel assigns a port id at bind");
        }
    }

    @Test
    void anUnknownFamilyIsEnoentNamingTheRequest() {
        try (NetlinkSocket s = NetlinkSocket.open(Netlink.NETLINK_GENERIC, NetworkNamespace.current())) {
            NetlinkException e = assertThrows(NetlinkException.class, () -> GenericNetlink.resolve(s, "nosuchfam"));
            assertTrue(e.is(Errno.ENOENT), e.getMessage());
            assertTrue(e.getMessage().startsWith("CTRL_CMD_GETFAMILY nosuchfam: ENOENT"), e.getMessage());
        }
    }

    @Test
    void theKernelsExtendedAckTextIsCarried() {
        try (NetlinkSocket s = NetlinkSocket.open(Netlink.NETLINK_GENERIC, NetworkNamespace.current())) {
            // family names are at most GENL_NAMSIZ (16) bytes with the NUL: the policy rejects this one
            NetlinkException e = assertThrows(NetlinkException.class,
                    () -> GenericNetlink.resolve(s, "name-longer-than-sixteen"));
            assertTrue(e.is(Errno.EINVAL), e.getMessage());
            assertEquals("Attribute failed policy validation", e.kernelMessage());
        }
    }

    @Test
    void aBatchReportsEachFailureAtItsIndexAndKeepsGoing() {
        try (NetlinkSocket s = NetlinkSocket.open(Netlink.NETLINK_GENERIC, NetworkNamespace.current())) {
            List<NetlinkRequest> reqs = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String name = i % 100 == 7 ? "missing-" + i : "nlctrl";
                byte[] p = GenericNetlink.message(GenericNetlink.CTRL_CMD_GETFAMILY, 1)
                        .attrString(GenericNetlink.CTRL_ATTR_FAMILY_NAME, name).toBytes();
                reqs.add(new NetlinkRequest(GenericNetlink.GENL_ID_CTRL, 0, p, "get " + name));
            }
            long before = s.datagramsSent();
            NetlinkSocket.BatchResult r = s.executeAll(reqs);
            assertEquals(1000, r.failures().size());
            for (int i = 0; i < 1000; i++) {
                if (i % 100 == 7) {
                    assertNotNull(r.failures().get(i), "request " + i);
                    assertTrue(r.failures().get(i).getMessage().startsWith("get missing-" + i + ": ENOENT"));
                } else {
                    assertNull(r.failures().get(i), "request " + i);
                }
            }
            assertEquals(10, r.errors().size());
            assertTrue(s.datagramsSent() - before < 1000 / 4, "requests are batched: " + (s.datagramsSent() - before) + " datagrams");
            // the socket stays usable and in sequence afterwards
            assertEquals("nlctrl", GenericNetlink.resolve(s, "nlctrl").name());
        }
    }

    @Test
    void dumpsTheFamilyList() {
        try (NetlinkSocket s = NetlinkSocket.open(Netlink.NETLINK_GENERIC, NetworkNamespace.current())) {
            byte[] p = GenericNetlink.message(GenericNetlink.CTRL_CMD_GETFAMILY, 1).toBytes();
            List<NetlinkMessage> all = s.dump(new NetlinkRequest(GenericNetlink.GENL_ID_CTRL, 0, p, "dump families"));
            List<String> names = all.stream()
                    .map(m -> GenericNetlink.attributes(m, "family").string(GenericNetlink.CTRL_ATTR_FAMILY_NAME, "name"))
                    .toList();
            assertTrue(names.contains("nlctrl"), names.toString());
        }
    }
}
