package io.lvs.agent.kernel.sysctl;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The name of one kernel parameter under {@code /proc/sys}, with factories for the ones the product
 * sets. Kept as path segments because an interface name may contain a dot ("eth0.100"), which
 * sysctl(8) writes as a slash: {@code net.ipv4.conf.eth0/100.arp_ignore}.
 */
public record Sysctl(List<String> segments) {
    public Sysctl {
        segments = List.copyOf(segments);
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("empty sysctl name");
        }
        for (String s : segments) {
            if (s.isEmpty() || s.equals(".") || s.equals("..") || s.contains("/")) {
                throw new IllegalArgumentException("invalid sysctl name segment '" + s + "' in " + segments);
            }
        }
    }

    /** Parses the sysctl(8) form, e.g. {@code net.ipv4.conf.eth0/100.arp_ignore}. */
    public static Sysctl parse(String name) {
        return new Sysctl(Arrays.stream(name.split("\\.", -1)).map(s -> s.replace('/', '.')).toList());
    }

    /** {@code net.ipv4.ip_forward}: route IPv4 between interfaces (needed by a NAT director). */
    public static Sysctl ipForward() {
        return parse("net.ipv4.ip_forward");
    }

    /** {@code net.ipv6.conf.SCOPE.forwarding}: route IPv6 (needed by an IPv6 NAT director). */
    public static Sysctl ipv6Forwarding(ConfScope scope) {
        return new Sysctl(List.of("net", "ipv6", "conf", scope.segment(), "forwarding"));
    }

    /**
     * {@code net.ipv4.conf.SCOPE.arp_ignore}: 1 = answer ARP only for addresses on the receiving
     * interface, so a DSR real server with the VIP on lo stays silent. The kernel uses the maximum of
     * {@code all} and the interface's value.
     */
    public static Sysctl arpIgnore(ConfScope scope) {
        return conf4(scope, "arp_ignore");
    }

    /**
     * {@code net.ipv4.conf.SCOPE.arp_announce}: 2 = never use a VIP on lo as the source of ARP requests.
     * The kernel uses the maximum of {@code all} and the interface's value.
     */
    public static Sysctl arpAnnounce(ConfScope scope) {
        return conf4(scope, "arp_announce");
    }

    /**
     * {@code net.ipv4.conf.SCOPE.rp_filter}: reverse-path filtering (0 off, 1 strict, 2 loose); a
     * tunnel real server needs it relaxed. The kernel uses the maximum of {@code all} and the interface's value.
     */
    public static Sysctl rpFilter(ConfScope scope) {
        return conf4(scope, "rp_filter");
    }

    /** {@code net.ipv4.vs.conntrack}: keep netfilter connection tracking for IPVS connections. */
    public static Sysctl vsConntrack() {
        return parse("net.ipv4.vs.conntrack");
    }

    /** {@code net.ipv4.vs.sloppy_tcp}: accept a connection on any TCP packet, not only SYN (stateless failover). */
    public static Sysctl vsSloppyTcp() {
        return parse("net.ipv4.vs.sloppy_tcp");
    }

    /** {@code net.ipv4.vs.expire_nodest_conn}: drop connections to a removed destination at their next packet. */
    public static Sysctl vsExpireNodestConn() {
        return parse("net.ipv4.vs.expire_nodest_conn");
    }

    /** {@code net.ipv4.vs.conn_reuse_mode}: how IPVS treats a new connection that reuses an old connection's ports. */
    public static Sysctl vsConnReuseMode() {
        return parse("net.ipv4.vs.conn_reuse_mode");
    }

    private static Sysctl conf4(ConfScope scope, String leaf) {
        return new Sysctl(List.of("net", "ipv4", "conf", scope.segment(), leaf));
    }

    /** The sysctl(8) form: segments joined with dots, dots inside a segment written as slashes. */
    public String name() {
        return segments.stream().map(s -> s.replace('.', '/')).collect(Collectors.joining("."));
    }

    /** The file under {@code /proc/sys}; it must be opened from a thread in the target namespace. */
    public Path file() {
        return Path.of("/proc/sys", segments.toArray(String[]::new));
    }

    /** True for {@code net.ipv4.vs.*}, which exists only while the ip_vs module is loaded. */
    public boolean isIpvs() {
        return segments.size() > 3 && segments.get(0).equals("net") && segments.get(1).equals("ipv4")
                && segments.get(2).equals("vs");
    }

    /** The interface a {@code net.ipv4.conf.IFACE.*} / {@code net.ipv6.conf.IFACE.*} parameter belongs to, or "". */
    String confInterface() {
        boolean conf = segments.size() == 5 && segments.get(0).equals("net") && segments.get(2).equals("conf");
        return conf ? segments.get(3) : "";
    }

    @Override
    public String toString() {
        return name();
    }
}
