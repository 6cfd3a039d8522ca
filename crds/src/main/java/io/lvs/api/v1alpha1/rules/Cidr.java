package io.lvs.api.v1alpha1.rules;

import io.lvs.api.v1alpha1.IpLiteral;
import java.net.InetAddress;
import java.util.Optional;

/** An IP prefix such as 192.0.2.0/24, for "is this address in that subnet" questions. */
public record Cidr(InetAddress network, int prefixLength) {

    /** Parses "address/prefix"; empty when malformed. */
    public static Optional<Cidr> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        Optional<InetAddress> a = IpLiteral.parse(text.substring(0, slash));
        try {
            int len = Integer.parseInt(text.substring(slash + 1));
            if (a.isEmpty() || len < 0 || len > a.get().getAddress().length * 8) {
                return Optional.empty();
            }
            return Optional.of(new Cidr(a.get(), len));
        } catch (NumberFormatException e) {
            return Optional.empty();
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
        return network.getHostAddress() + "/" + prefixLength;
    }
}
