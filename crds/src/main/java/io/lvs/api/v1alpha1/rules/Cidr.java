package io.lvs.api.v1alpha1.rules;

import io.lvs.api.v1alpha1.IpLiteral;
import java.net.InetAddress;
import java.util.Optional;

/** An IP prefix such as 192.0.2.0/24, for "is this address in that subnet" questions. */
public record Cidr(InetAddress network, int prefixLength) {

    /**
     * Parses "address/prefix" as Go's netip.ParsePrefix does (which a real API server's {@code isCIDR} uses): the
     * prefix length in ASCII digits without sign or leading zero; empty when malformed. Bits after the prefix length
     * may be set (see {@link #masked()}).
     */
    public static Optional<Cidr> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        String bits = text.substring(slash + 1);
        if (!bits.matches("0|[1-9][0-9]{0,2}")) {
            return Optional.empty();
        }
        Optional<InetAddress> a = IpLiteral.parse(text.substring(0, slash));
        int len = Integer.parseInt(bits);
        if (a.isEmpty() || len > a.get().getAddress().length * 8) {
            return Optional.empty();
        }
        return Optional.of(new Cidr(a.get(), len));
    }

    /** This prefix with every bit after the prefix length cleared (192.0.2.7/24 gives 192.0.2.0/24). */
    public Cidr masked() {
        byte[] b = network.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
            b[i] = (byte) (b[i] & ((0xff << (8 - keep)) & 0xff));
        }
        try {
            return new Cidr(InetAddress.getByAddress(b), prefixLength);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // a 4- or 16-byte array is always an address
        }
    }

    public boolean contains(InetAddress address) {
        byte[] n = network.getAddress();
        byte[] x = address.getAddress();
        if (n.length != x.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (n[i] != x[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (n[full] & mask) == (x[full] & mask);
    }

    @Override
    public String toString() {
        return IpLiteral.text(network) + "/" + prefixLength;
    }
}
