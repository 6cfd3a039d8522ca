package io.lvs.agent.kernel.ipvs;

import io.lvs.agent.kernel.KernelException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads the text of {@code /proc/net/ip_vs_conn} (IPVS has no netlink verb for its connection table).
 * The kernel prints IPv4 addresses as 8 hex digits in network order, IPv6 ones as eight colon-separated
 * 4-digit groups, ports as 4 hex digits, then the state, the seconds left and an optional persistence
 * engine with its data. Malformed text ends in a {@link KernelException} naming the line.
 */
public final class ConnectionTable {
    /** The header line the kernel prints first. */
    static final String HEADER_START = "Pro FromIP";

    private ConnectionTable() {
    }

    /** Every row of the table text. */
    public static List<Connection> parse(String text) {
        List<Connection> out = new ArrayList<>();
        try {
            parse(new java.io.BufferedReader(new java.io.StringReader(text)), out::add);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // a StringReader does not fail
        }
        return out;
    }

    /** Parses the table line by line as it is read, handing each connection to {@code sink}: no copy of the text. */
    public static void parse(java.io.BufferedReader in, java.util.function.Consumer<Connection> sink)
            throws java.io.IOException {
        String raw;
        int n = 0;
        while ((raw = in.readLine()) != null) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith(HEADER_START)) {
                continue;
            }
            Connection c;
            try {
                c = row(line);
            } catch (RuntimeException e) {
                throw new KernelException("ip_vs_conn line " + n + " '" + abbreviate(line) + "': " + e.getMessage(), 0, e);
            }
            sink.accept(c);
        }
    }

    private static Connection row(String line) {
        String[] f = line.split("\\s+");
        if (f.length < 9) {
            throw new IllegalArgumentException(f.length + " fields, expected at least 9");
        }
        if (f[8].isEmpty() || f[8].length() > 10 || !f[8].chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("expiry '" + f[8] + "' is not a number of seconds");
        }
        long expires = Long.parseLong(f[8]);
        Optional<String> engine = f.length > 9 ? Optional.of(f[9]) : Optional.empty();
        String data = f.length > 10 ? String.join(" ", Arrays.copyOfRange(f, 10, f.length)) : "";
        return new Connection(f[0], socket(f[1], f[2]), socket(f[3], f[4]), socket(f[5], f[6]), f[7],
                Duration.ofSeconds(expires), engine, data);
    }

    private static InetSocketAddress socket(String address, String port) {
        return new InetSocketAddress(address(address), hex16(port));
    }

    private static InetAddress address(String s) {
        if (s.length() == 8) {
            long v = hex(s);
            byte[] b = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
            return Addresses.fromBytes(AddressFamily.INET, b);
        }
        // %pI6: always eight groups of four digits, so an IPv4-mapped address stays IPv6.
        String[] groups = s.split(":", -1);
        if (groups.length != 8) {
            throw new IllegalArgumentException("'" + s + "' is neither 8 hex digits nor 8 IPv6 groups");
        }
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            if (groups[i].isEmpty() || groups[i].length() > 4) {
                throw new IllegalArgumentException("'" + s + "' has a malformed group '" + groups[i] + "'");
            }
            long g = hex(groups[i]);
            b[2 * i] = (byte) (g >>> 8);
            b[2 * i + 1] = (byte) g;
        }
        return Addresses.fromBytes(AddressFamily.INET6, b);
    }

    private static int hex16(String s) {
        if (s.isEmpty() || s.length() > 4) {
            throw new IllegalArgumentException("'" + s + "' is not a 16-bit hex port");
        }
        return (int) hex(s);
    }

    /** Strict unsigned hex (Long.parseLong would take a sign). */
    private static long hex(String s) {
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                throw new IllegalArgumentException("'" + s + "' is not hexadecimal");
            }
            v = (v << 4) | d;
        }
        return v;
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
