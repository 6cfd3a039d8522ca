package io.lvs.agent.inspect;

import io.lvs.agent.kernel.rtnl.InterfaceAddress;
import io.lvs.agent.kernel.rtnl.Link;
import java.util.List;
import java.util.Objects;

/**
 * The loopback interface and its addresses: where a DSR or tunnel real server holds its VIPs.
 *
 * @param link      {@code lo}
 * @param addresses its IPv4 and IPv6 addresses, in the kernel's order
 */
public record Loopback(Link link, List<InterfaceAddress> addresses) {
    public Loopback {
        Objects.requireNonNull(link, "link");
        addresses = List.copyOf(addresses);
    }
}
