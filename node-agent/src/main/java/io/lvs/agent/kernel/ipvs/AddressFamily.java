package io.lvs.agent.kernel.ipvs;

import io.lvs.agent.kernel.sys.Libc;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;

/** The address family of a service or destination, with the kernel's AF_* number and address size. */
public enum AddressFamily {
    INET(Libc.AF_INET, 4, "IPv4"),
    INET6(Libc.AF_INET6, 16, "IPv6");

    private final int kernelValue;
    private final int addressBytes;
    private final String label;

    AddressFamily(int kernelValue, int addressBytes, String label) {
        this.kernelValue = kernelValue;
        this.addressBytes = addressBytes;
        this.label = label;
    }

    /** AF_INET or AF_INET6. */
    public int kernelValue() {
        return kernelValue;
    }

    /** 4 or 16. */
    public int addressBytes() {
        return addressBytes;
    }

    /** "IPv4" or "IPv6". */
    public String label() {
        return label;
    }

    /** The family of an address. */
    public static AddressFamily of(InetAddress address) {
        return address instanceof Inet4Address ? INET : INET6;
    }

    /** The family for an AF_* number, if it is one IPVS supports. */
    public static Optional<AddressFamily> fromKernel(int af) {
        for (AddressFamily f : values()) {
            if (f.kernelValue == af) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
