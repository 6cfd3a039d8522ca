package io.lvs.agent.kernel.rtnl;

import io.lvs.agent.kernel.InetText;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;
import java.util.Set;

/**
 * An address on an interface as the kernel reports it in RTM_NEWADDR.
 *
 * @param linkIndex    the interface index ({@code ifa_index})
 * @param address      the local address ({@code IFA_LOCAL}, or {@code IFA_ADDRESS} when there is no local one)
 * @param prefixLength the prefix length ({@code ifa_prefixlen})
 * @param scope        the scope ({@code ifa_scope}: {@code RT_SCOPE_UNIVERSE} 0 "global", {@code RT_SCOPE_LINK}
 *                     253, {@code RT_SCOPE_HOST} 254...)
 * @param flags        the {@code IFA_F_*} flags ({@code IFA_FLAGS} when present, else {@code ifa_flags})
 * @param label        the IPv4 label ({@code IFA_LABEL}, e.g. "eth0:vip"); absent for IPv6
 */
public record InterfaceAddress(int linkIndex, InetAddress address, int prefixLength, int scope, Set<AddressFlag> flags,
                               Optional<String> label) {
    public InterfaceAddress {
        flags = Set.copyOf(flags);
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** True while duplicate-address detection keeps an IPv6 address unusable. */
    public boolean isTentative() {
        return flags.contains(AddressFlag.IFA_F_TENTATIVE);
    }

    /** The scope the way {@code ip addr} prints it. */
    public String scopeName() {
        return switch (scope) {
            case Rtnetlink.RT_SCOPE_UNIVERSE -> "global";
            case Rtnetlink.RT_SCOPE_SITE -> "site";
            case Rtnetlink.RT_SCOPE_LINK -> "link";
            case Rtnetlink.RT_SCOPE_HOST -> "host";
            case Rtnetlink.RT_SCOPE_NOWHERE -> "nowhere";
            default -> Integer.toString(scope);
        };
    }

    @Override
    public String toString() {
        return InetText.of(address) + "/" + prefixLength + " on link " + linkIndex + " scope " + scopeName() + " " + flags;
    }
}
