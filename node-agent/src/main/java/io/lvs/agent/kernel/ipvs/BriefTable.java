package io.lvs.agent.kernel.ipvs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The IPVS table as {@code /proc/net/ip_vs} shows it: every service with each destination's address, port,
 * forwarding method, weight and connection counts, in one read of one file. Destinations have no other bulk source
 * (netlink dumps them one service at a time), so this is what makes a periodic look at a large table cheap. It lacks
 * what the file does not print (thresholds, tunnel encapsulation, persistence templates, counters): those come from
 * netlink dumps.
 *
 * <p>A firewall-mark service is printed without its address family; {@link #destinations(ServiceKey)} answers for
 * one only when a single service of the file has that mark.
 */
public final class BriefTable {
    private static final Protocol[] PROTOCOLS = Protocol.values();
    /** What {@code ip_vs_fwd_name()} prints. */
    private static final List<String> FORWARD_NAMES = List.of("Masq", "Route", "Tunnel", "Local");
    /** What the file shows of one destination. */
    public record Destination(DestinationKey key, String forward, int weight, int active, int inactive) {
        /** Whether {@code d} as read by netlink has this forwarding method and weight. */
        public boolean sameAs(io.lvs.agent.kernel.ipvs.Destination d) {
            return weight == d.weight() && forward.equals(procName(d.forwarding()));
        }
    }

    private final Map<ServiceKey, List<Destination>> inet;
    private final Map<Integer, List<Destination>> marks;
    private final Set<Integer> ambiguousMarks;
    private final Set<ServiceKey> duplicates;
    private final int services;

    private BriefTable(Map<ServiceKey, List<Destination>> inet, Map<Integer, List<Destination>> marks,
                       Set<Integer> ambiguousMarks, Set<ServiceKey> duplicates, int services) {
        this.inet = inet;
        this.marks = marks;
        this.ambiguousMarks = ambiguousMarks;
        this.duplicates = duplicates;
        this.services = services;
    }

    /** Service lines in the file. */
    public int services() {
        return services;
    }

    /**
     * The destinations the file lists for {@code key}; empty when the file does not show that service, or cannot tell
     * it apart (a mark two services share, a service printed twice because the table changed during the read).
     */
    public Optional<List<Destination>> destinations(ServiceKey key) {
        if (duplicates.contains(key)) {
            return Optional.empty();
        }
        return switch (key) {
            case ServiceKey.Inet i -> Optional.ofNullable(inet.get(i));
            case ServiceKey.FwMark f -> ambiguousMarks.contains(f.mark()) ? Optional.empty()
                    : Optional.ofNullable(marks.get(f.mark()));
        };
    }

    /** The word {@code ip_vs_fwd_name()} prints for a forwarding method (bypass prints as Masq). */
    static String procName(ForwardingMethod m) {
        return switch (m) {
            case LOCALNODE -> "Local";
            case TUNNEL -> "Tunnel";
            case DROUTE -> "Route";
            case MASQ, BYPASS -> "Masq";
        };
    }

    /**
     * Reads the file's text. Lines it does not understand are an error (a kernel that prints another format must not
     * be half read): the caller then reads by netlink alone. The text is scanned in place, without a String per line:
     * a table of 10,000 services is megabytes read every period.
     */
    public static BriefTable parse(byte[] text, int length) {
        Map<ServiceKey, List<Destination>> inet = new HashMap<>();
        Map<Integer, List<Destination>> marks = new HashMap<>();
        Set<Integer> ambiguous = new HashSet<>();
        Set<ServiceKey> duplicates = new HashSet<>();
        List<Destination> current = null;
        int services = 0;
        int lineNo = 0;
        Scanner sc = new Scanner(text);
        int pos = 0;
        while (pos < length) {
            int end = pos;
            while (end < length && text[end] != '\n') {
                end++;
            }
            lineNo++;
            sc.reset(pos, end);
            if (sc.atEnd() || (lineNo <= 3 && header(text, pos, end))) {
                pos = end + 1;
                continue;
            }
            try {
                if (sc.take("->")) {
                    if (current == null) {
                        throw new IllegalArgumentException("a destination line outside a service");
                    }
                    DestinationKey key = sc.endpoint();
                    String forward = sc.forward();
                    int weight = sc.decimal();
                    int active = sc.decimal();
                    int inactive = sc.decimal();
                    current.add(new Destination(key, forward, weight, active, inactive));
                } else if (sc.take("FWM")) {
                    int mark = (int) sc.hex(8);
                    current = new ArrayList<>(4);
                    services++;
                    if (marks.putIfAbsent(mark, current) != null) {
                        ambiguous.add(mark);
                    }
                } else {
                    Optional<Protocol> p = sc.protocol();
                    current = new ArrayList<>(4);
                    services++;
                    if (p.isPresent()) { // AH, ESP: never ours, and no ServiceKey names them
                        DestinationKey at = sc.endpoint();
                        ServiceKey key = new ServiceKey.Inet(p.get(), at.address(), at.port());
                        if (inet.putIfAbsent(key, current) != null) {
                            duplicates.add(key);
                        }
                    }
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("/proc/net/ip_vs line " + lineNo + " ('"
                        + new String(text, pos, end - pos, StandardCharsets.US_ASCII).strip() + "'): "
                        + e.getMessage(), e);
            }
            pos = end + 1;
        }
        return new BriefTable(inet, marks, ambiguous, duplicates, services);
    }

    /** The three header lines: the version line, "Prot LocalAddress:Port ..." and "-> RemoteAddress:Port ...". */
    private static boolean header(byte[] b, int from, int to) {
        String s = new String(b, from, Math.min(to - from, 32), StandardCharsets.US_ASCII).strip();
        return s.startsWith("IP Virtual Server") || s.startsWith("Prot ") || s.startsWith("-> RemoteAddress");
    }

    /** Reads the words of one line in place. */
    private static final class Scanner {
        private final byte[] b;
        private int i;
        private int end;

        Scanner(byte[] b) {
            this.b = b;
        }

        void reset(int from, int to) {
            i = from;
            end = to;
            skipSpaces();
        }

        boolean atEnd() {
            return i >= end;
        }

        private void skipSpaces() {
            while (i < end && b[i] == ' ') {
                i++;
            }
        }

        private int wordEnd() {
            int j = i;
            while (j < end && b[j] != ' ') {
                j++;
            }
            return j;
        }

        /** Consumes {@code word} when it is the next word. */
        boolean take(String word) {
            int j = wordEnd();
            if (j - i != word.length()) {
                return false;
            }
            for (int k = 0; k < word.length(); k++) {
                if (b[i + k] != word.charAt(k)) {
                    return false;
                }
            }
            i = j;
            skipSpaces();
            return true;
        }

        Optional<Protocol> protocol() {
            for (Protocol p : PROTOCOLS) {
                if (take(p.name())) {
                    return Optional.of(p);
                }
            }
            int j = wordEnd();
            if (j == i) {
                throw new IllegalArgumentException("no protocol");
            }
            i = j;
            skipSpaces();
            return Optional.empty();
        }

        String forward() {
            for (String f : FORWARD_NAMES) {
                if (take(f)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("an unknown forwarding method");
        }

        int decimal() {
            int j = wordEnd();
            if (j == i) {
                throw new IllegalArgumentException("a number is missing");
            }
            long v = 0;
            boolean negative = b[i] == '-';
            for (int k = negative ? i + 1 : i; k < j; k++) {
                int d = b[k] - '0';
                if (d < 0 || d > 9 || v > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("'" + new String(b, i, j - i, StandardCharsets.US_ASCII)
                            + "' is not a number");
                }
                v = v * 10 + d;
            }
            i = j;
            skipSpaces();
            return (int) (negative ? -v : v);
        }

        /** {@code digits} hexadecimal digits, then a space or the end of the line. */
        long hex(int digits) {
            long v = hexAt(i, digits);
            i += digits;
            if (i < end && b[i] != ' ') {
                throw new IllegalArgumentException("more than " + digits + " hex digits");
            }
            skipSpaces();
            return v;
        }

        private long hexAt(int at, int digits) {
            if (at + digits > end) {
                throw new IllegalArgumentException("expected " + digits + " hex digits");
            }
            long v = 0;
            for (int k = at; k < at + digits; k++) {
                int c = b[k];
                int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
                if (d < 0) {
                    throw new IllegalArgumentException("'" + (char) c + "' is not a hex digit");
                }
                v = (v << 4) | d;
            }
            return v;
        }

        /** {@code C0000201:0050} (IPv4 in host-order hex) or {@code [2001:0db8:...:0001]:0050}; the port in hex. */
        DestinationKey endpoint() {
            byte[] address;
            if (i < end && b[i] == '[') {
                address = new byte[16];
                int at = i + 1;
                for (int g = 0; g < 8; g++) {
                    int v = (int) hexAt(at, 4);
                    address[2 * g] = (byte) (v >>> 8);
                    address[2 * g + 1] = (byte) v;
                    at += 4;
                    char want = g < 7 ? ':' : ']';
                    if (at >= end || b[at] != want) {
                        throw new IllegalArgumentException("not a full IPv6 address in brackets");
                    }
                    at++;
                }
                i = at;
            } else {
                long v = hexAt(i, 8);
                address = new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
                i += 8;
            }
            if (i >= end || b[i] != ':') {
                throw new IllegalArgumentException("no ':' before the port");
            }
            i++;
            int port = (int) hex(4);
            try {
                return new DestinationKey(InetAddress.getByAddress(address), port);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(e);
            }
        }
    }
}
