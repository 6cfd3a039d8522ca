package io.lvs.agent.kernel.rtnl;

import java.util.EnumSet;
import java.util.Set;

/** The {@code IFA_F_*} flags of an interface address ({@code <linux/if_addr.h>}), under their kernel names. */
public enum AddressFlag {
    /** IPv4: a secondary address of its subnet. IPv6: a temporary (privacy) address, IFA_F_TEMPORARY. */
    IFA_F_SECONDARY(0x01),
    /** No duplicate-address detection: an IPv6 address is usable at once. */
    IFA_F_NODAD(0x02),
    IFA_F_OPTIMISTIC(0x04),
    /** Duplicate-address detection found another owner: the address is unusable. */
    IFA_F_DADFAILED(0x08),
    IFA_F_HOMEADDRESS(0x10),
    IFA_F_DEPRECATED(0x20),
    /** Duplicate-address detection has not finished (or the link is down): not yet usable. */
    IFA_F_TENTATIVE(0x40),
    /** Configured by hand (not autoconfigured, no lifetime). */
    IFA_F_PERMANENT(0x80),
    IFA_F_MANAGETEMPADDR(0x100),
    IFA_F_NOPREFIXROUTE(0x200),
    IFA_F_MCAUTOJOIN(0x400),
    IFA_F_STABLE_PRIVACY(0x800);

    private final int bit;

    AddressFlag(int bit) {
        this.bit = bit;
    }

    /** The flag's bit in {@code ifa_flags} / {@code IFA_FLAGS}. */
    public int bit() {
        return bit;
    }

    /** The flags set in a kernel bit mask (unknown bits are ignored). */
    public static Set<AddressFlag> of(int bits) {
        EnumSet<AddressFlag> s = EnumSet.noneOf(AddressFlag.class);
        for (AddressFlag f : values()) {
            if ((bits & f.bit) != 0) {
                s.add(f);
            }
        }
        return s;
    }

    /** The bit mask of a set of flags. */
    public static int bits(Set<AddressFlag> flags) {
        int b = 0;
        for (AddressFlag f : flags) {
            b |= f.bit;
        }
        return b;
    }
}
