package io.lvs.agent.kernel.ipvs;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Address text and bytes as IPVS and ipvsadm use them: RFC 5952 text for IPv6 (so {@code 2001:db8::1},
 * as {@code ipvsadm -Ln} prints it), literal parsing without name lookups, and the 16-byte
 * {@code union nf_inet_addr} layout of every IPVS address attribute.
 */
public final class Addresses {
    private Addresses() {
    }

    /** "192.0.2.10" or "2001:db8::1" (lower case, longest run of zero groups compressed). */
    public static String format(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        // RFC 5952 4.2: compress the longest run of two or more zero groups, the first one on a tie.
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(groups[i]));
        }
        return s.toString();
    }

    /** "192.0.2.10:80" or "[2001:db8::1]:80". */
    public static String format(InetAddress address, int port) {
        return address instanceof Inet4Address ? format(address) + ":" + port : "[" + format(address) + "]:" + port;
    }

    /** Parses an IPv4 or IPv6 literal (never a host name); IllegalArgumentException otherwise. */
    public static InetAddress parse(String literal) {
        try {
            return InetAddress.ofLiteral(literal);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + literal + "' is not an IP address literal", e);
        }
    }

    /** Reads "192.0.2.10:80" or "[2001:db8::1]:80" (the form of {@link #format(InetAddress, int)}). */
    public static InetSocketAddress parseWithPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("'" + text + "' is not address:port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("'" + text + "': an IPv6 address with a port needs brackets");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no numeric port", e);
        }
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("'" + text + "': port outside 0..65535");
        }
        return new InetSocketAddress(parse(host), port);
    }

    /** The address in the 16 bytes of {@code union nf_inet_addr} (an IPv4 address fills the first 4). */
    public static byte[] toNfInetAddr(InetAddress address) {
        return Arrays.copyOf(address.getAddress(), IpvsConstants.NF_INET_ADDR_BYTES);
    }

    /**
     * The address of {@code family} at the start of {@code bytes}. An IPv6 address stays an
     * {@link Inet6Address} even when it is IPv4-mapped, so its family is never confused.
     */
    public static InetAddress fromBytes(AddressFamily family, byte[] bytes) {
        if (bytes.length < family.addressBytes()) {
            throw new IllegalArgumentException(bytes.length + " bytes are too few for an " + family.label() + " address");
        }
        byte[] b = Arrays.copyOf(bytes, family.addressBytes());
        try {
            return family == AddressFamily.INET ? InetAddress.getByAddress(b) : Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e.getMessage(), e); // unreachable: the length is right
        }
    }
}
