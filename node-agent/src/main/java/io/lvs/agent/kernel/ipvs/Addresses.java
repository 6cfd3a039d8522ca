package io.lvs.agent.kernel.ipvs;

import io.lvs.agent.kernel.InetText;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Address text and bytes as IPVS and ipvsadm use them: {@code address:port} with IPv6 in brackets (the
 * address in {@link InetText}'s RFC 5952 form, as {@code ipvsadm -Ln} prints it), literal parsing without
 * name lookups, and the 16-byte {@code union nf_inet_addr} layout of every IPVS address attribute.
 */
public final class Addresses {
    private Addresses() {
    }

    /** "192.0.2.10:80" or "[2001:db8::1]:80". */
    public static String format(InetAddress address, int port) {
        return address instanceof Inet4Address ? InetText.of(address) + ":" + port : "[" + InetText.of(address) + "]:" + port;
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
