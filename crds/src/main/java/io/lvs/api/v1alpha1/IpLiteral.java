package io.lvs.api.v1alpha1;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Strict parsing of IP address literals as the API accepts them, matching the Kubernetes CEL {@code isIP()} /
 * {@code ip()} functions: dotted-quad IPv4 without leading zeros, or IPv6 without a zone, and no IPv4-mapped IPv6.
 * Never resolves names.
 */
public final class IpLiteral {
    private IpLiteral() {
    }

    /** The address, or empty when {@code text} is not an acceptable literal. */
    public static Optional<InetAddress> parse(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        // A character scan, not a regular expression: agents parse every VIP and real-server address of every pass,
        // and at start-up (cold code) a regex per address cost a quarter of computing the desired state.
        if (text.indexOf(':') < 0) {
            return ipv4(text);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
                return Optional.empty(); // also rules out zones ("%eth0") and brackets
            }
        }
        try {
            // With a colon and only hex digits, colons and dots, InetAddress parses a literal and never resolves.
            InetAddress a = InetAddress.getByName(text);
            if (a instanceof Inet4Address) {
                return Optional.empty(); // IPv4-mapped (::ffff:a.b.c.d): Java folds it to IPv4; the API refuses it
            }
            return Optional.of(a);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** Dotted-quad IPv4: four decimal numbers of at most 255, without leading zeros ("0" itself is fine). */
    private static Optional<InetAddress> ipv4(String text) {
        byte[] b = new byte[4];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '.') {
                if (digits == 0 || part == 3) {
                    return Optional.empty();
                }
                b[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return Optional.empty(); // a leading zero
                }
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) {
                    return Optional.empty();
                }
            } else {
                return Optional.empty();
            }
        }
        if (part != 3 || digits == 0) {
            return Optional.empty();
        }
        b[3] = (byte) value;
        try {
            return Optional.of(InetAddress.getByAddress(b));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
    }

    /** 4 or 6. */
    public static int family(InetAddress a) {
        return a instanceof Inet6Address ? 6 : 4;
    }

    /**
     * Go's {@code IsGlobalUnicast}, which Kubernetes' {@code ip().isGlobalUnicast()} uses: everything except the
     * unspecified, loopback, multicast, link-local and IPv4 broadcast addresses (private and documentation ranges
     * count as global unicast).
     */
    public static boolean isGlobalUnicast(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isMulticastAddress() || a.isLinkLocalAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            boolean broadcast = (b[0] & b[1] & b[2] & b[3]) == (byte) 0xff;
            return !broadcast;
        }
        return true;
    }

    /** The address in its short text form: dotted IPv4, IPv6 with the longest run of zero groups as "::" (RFC 5952). */
    public static String text(InetAddress a) {
        if (!(a instanceof Inet6Address)) {
            return a.getHostAddress();
        }
        String[] groups = a.getHostAddress().replaceFirst("%.*$", "").split(":");
        int best = -1;
        int bestRun = 1;
        for (int i = 0, run = 0; i < groups.length; i++) {
            run = groups[i].equals("0") ? run + 1 : 0;
            if (run > bestRun) {
                bestRun = run;
                best = i - run + 1;
            }
        }
        if (best < 0) {
            return String.join(":", groups);
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, best));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, best + bestRun, groups.length));
        return head + "::" + tail;
    }
}
