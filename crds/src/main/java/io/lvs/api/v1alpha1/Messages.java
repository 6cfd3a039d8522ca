package io.lvs.api.v1alpha1;

/**
 * Validation messages shared by the CRD's CEL rules and the operator's own validation, so a user reads the same
 * sentence whichever layer caught the mistake.
 */
public final class Messages {
    public static final String VIP_NOT_IP = "vip must be an IPv4 or IPv6 address such as 192.0.2.10 or 2001:db8::10";
    public static final String VIP_NOT_UNICAST =
            "vip must be a unicast address: not loopback, link-local, multicast, broadcast or unspecified";
    public static final String ADDRESS_NOT_IP = "address must be an IPv4 or IPv6 address such as 192.0.2.21 or 2001:db8::21";
    public static final String ADDRESS_NOT_UNICAST =
            "address must be a unicast address: not loopback, link-local, multicast, broadcast or unspecified";
    public static final String PORTS_DUPLICATE = "ports must not repeat a port/protocol pair";
    public static final String PORT_NAMES_DUPLICATE = "ports must not repeat a name";
    public static final String SCHEDULER_FLAGS = "scheduler.flags (Fallback, Port) only apply to the sh and mh schedulers";
    public static final String SCHEDULER_FLAGS_REPEAT = "scheduler.flags must not repeat a flag";
    public static final String ONE_PACKET_UDP = "scheduler.onePacket is only allowed when every port is UDP";
    public static final String TUNNEL_ONLY_WITH_TUNNEL = "forwarding.tunnel is only allowed with method Tunnel";
    public static final String TUNNEL_PORT = "tunnel.port is required for GUE encapsulation and not allowed for IPIP or GRE";
    public static final String TUNNEL_IPIP_CHECKSUM = "tunnel.checksum applies to GUE and GRE only; IPIP has no checksum option";
    public static final String TUNNEL_GRE_REMOTE_CHECKSUM = "tunnel.checksum RemoteChecksum is available with GUE only";
    public static final String PERSISTENCE_TIMEOUT = "persistence.timeout must be between 1s and 744h (31 days)";
    public static final String PERSISTENCE_PREFIX_V4 = "persistence.prefixLength must be 1-32 for an IPv4 VIP";
    public static final String LOCAL_NO_SELECTOR =
            "realServerSelector is not allowed with forwarding method Local: the active director serves the VIP itself";
    public static final String HC_TIMEOUT_OVER_INTERVAL = "healthCheck.timeout must not be longer than healthCheck.interval";
    public static final String HC_HTTP_NEEDS_TCP = "healthCheck.type HTTP and HTTPS need a TCP port: with only UDP or SCTP "
            + "ports, use ICMP, or TCP on the same port number (DNS answers on TCP 53), or set healthCheck.port to a TCP port "
            + "of the real servers that answers HTTP";
    public static final String POOL_NOT_CIDR = "addresses must be CIDRs such as 192.0.2.0/28, 192.0.2.10/32 or "
            + "2001:db8:1::/120, with no bits set after the prefix length";
    public static final String POOL_NAMESPACE_NAME = "namespaces must be namespace names (DNS labels such as team-a)";
    public static final String HC_HTTP_ONLY = "healthCheck.http is only allowed with type HTTP or HTTPS";
    public static final String HC_HTTPS_ONLY = "healthCheck.http.serverName and verifyCertificate only apply to type HTTPS";
    public static final String HC_INTERVAL = "healthCheck.interval must be between 100ms and 1h";
    public static final String HC_TIMEOUT = "healthCheck.timeout must be between 10ms and 1h";
    public static final String HC_STATUS_RANGE = "http.expectedStatuses: a range must be written low-high, e.g. 200-399";
    public static final String DIRECTORS_EMPTY_SELECTOR =
            "directors.nodeSelector must select nodes by label; an empty selector would make every node a director";
    public static final String PRIORITIES_DUPLICATE = "directors.priorities must list each node once";
    public static final String ADVERT_INTERVAL = "failover.advertInterval must be between 10ms and 40s";
    public static final String PREEMPT_DELAY = "failover.preemptDelay must be at most 1h";
    public static final String GARP_REPEAT_DELAY = "gratuitousArp.repeatDelay must be at most 1h";
    public static final String GARP_REFRESH = "gratuitousArp.refreshInterval must be 0s (off) or between 1s and 24h";
    public static final String SYNC_GROUP =
            "connectionSync.group must be an IPv4 or IPv6 multicast address (224.0.0.0/4 or ff00::/8), such as 224.0.0.81";
    public static final String CONNECTION_LIMITS = "connectionLimits.lower needs an upper limit and must not exceed it";
    public static final String NODE_REPORT_IMMUTABLE = "a NodeReport's spec is immutable";

    private Messages() {
    }
}
