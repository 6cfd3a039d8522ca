package io.lvs.agent.app;

import io.lvs.api.v1alpha1.GoDuration;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The agent's settings, from the environment the DaemonSet gives it (the chart sets every one).
 *
 * @param nodeName      this node ({@code NODE_NAME}, from the downward API); required
 * @param namespace     the agents' namespace, where their Leases live ({@code POD_NAMESPACE})
 * @param daemonSetName the agents' DaemonSet ({@code LVS_AGENT_DAEMONSET}): when it is gone at shutdown, the chart
 *                      was uninstalled and the agent removes what it programmed
 * @param stateDir      where what the agent owns is recorded ({@code LVS_AGENT_STATE_DIR})
 * @param sysctlNet     the host's {@code /proc/sys/net} ({@code LVS_AGENT_SYSCTL_NET})
 * @param modulesDir    the host's {@code /lib/modules} ({@code LVS_AGENT_MODULES_DIR}), to tell which schedulers can load
 * @param httpAddress   address of /metrics, /healthz, /readyz ({@code LVS_AGENT_HTTP_ADDRESS})
 * @param httpPort      their port ({@code LVS_AGENT_HTTP_PORT}; 0: any free port)
 * @param resync        the longest time between two looks at the kernel ({@code LVS_AGENT_RESYNC}): bounds drift repair
 * @param drainTimeout  the longest a leaving real server drains ({@code LVS_AGENT_DRAIN_TIMEOUT})
 * @param ipvsFullRead  how often every IPVS service's destinations are dumped whole ({@code LVS_AGENT_IPVS_FULL_READ}):
 *                      the age limit of what only a netlink dump shows (thresholds, tunnel settings, per-destination
 *                      counters); everything {@code /proc/net/ip_vs} shows is read every resync
 * @param election      how directors elect the active one ({@code LVS_AGENT_ELECTION}): {@code vrrp} (adverts between
 *                      the directors) or {@code lease} (the interim rule over the agents' Leases)
 * @param vrrpKeyFile   the directors' advert keys ({@code LVS_AGENT_VRRP_KEY_FILE}, a mounted Secret; see
 *                      {@code VrrpKeyRing}); required with {@code vrrp}
 * @param vrrpCompatibilityPeers routers whose plain RFC 5798 adverts are accepted ({@code LVS_AGENT_VRRP_COMPAT_PEERS},
 *                      comma-separated addresses: keepalived directors of the same VIPs during a migration)
 */
public record AgentConfig(String nodeName, String namespace, String daemonSetName, Path stateDir, Path sysctlNet,
                          Path modulesDir, InetAddress httpAddress, int httpPort, Duration resync, Duration drainTimeout,
                          Duration ipvsFullRead, String election, Optional<Path> vrrpKeyFile, Set<InetAddress> vrrpCompatibilityPeers) {

    public AgentConfig {
        vrrpCompatibilityPeers = Set.copyOf(vrrpCompatibilityPeers);
        if (!election.equals("vrrp") && !election.equals("lease")) {
            throw new IllegalArgumentException("LVS_AGENT_ELECTION=" + election + " is not known: vrrp or lease");
        }
        if (election.equals("vrrp") && vrrpKeyFile.isEmpty()) {
            throw new IllegalArgumentException("LVS_AGENT_ELECTION=vrrp needs LVS_AGENT_VRRP_KEY_FILE: the directors' "
                    + "advert keys (the chart mounts them from a Secret)");
        }
    }

    /** Reads the settings; IllegalArgumentException naming the variable when one is missing or malformed. */
    public static AgentConfig fromEnvironment(Map<String, String> env) {
        String node = get(env, "NODE_NAME").orElseThrow(() -> new IllegalArgumentException(
                "NODE_NAME is not set: the DaemonSet sets it from spec.nodeName (the downward API)"));
        return new AgentConfig(node,
                get(env, "POD_NAMESPACE").orElse("lvs-system"),
                get(env, "LVS_AGENT_DAEMONSET").orElse("lvs-node-agent"),
                Path.of(get(env, "LVS_AGENT_STATE_DIR").orElse("/var/lib/lvs-node-agent")),
                Path.of(get(env, "LVS_AGENT_SYSCTL_NET").orElse("/proc/sys/net")),
                Path.of(get(env, "LVS_AGENT_MODULES_DIR").orElse("/lib/modules")),
                get(env, "LVS_AGENT_HTTP_ADDRESS").map(a -> parse("LVS_AGENT_HTTP_ADDRESS", a)).orElse(anyAddress()),
                get(env, "LVS_AGENT_HTTP_PORT").map(p -> port("LVS_AGENT_HTTP_PORT", p)).orElse(9470),
                get(env, "LVS_AGENT_RESYNC").map(d -> duration("LVS_AGENT_RESYNC", d)).orElse(Duration.ofSeconds(1)),
                get(env, "LVS_AGENT_DRAIN_TIMEOUT").map(d -> duration("LVS_AGENT_DRAIN_TIMEOUT", d)).orElse(Duration.ofSeconds(30)),
                get(env, "LVS_AGENT_IPVS_FULL_READ").map(d -> duration("LVS_AGENT_IPVS_FULL_READ", d))
                        .orElse(Duration.ofSeconds(30)),
                get(env, "LVS_AGENT_ELECTION").orElse("lease"),
                get(env, "LVS_AGENT_VRRP_KEY_FILE").map(Path::of),
                get(env, "LVS_AGENT_VRRP_COMPAT_PEERS").map(AgentConfig::addresses).orElse(Set.of()));
    }

    private static Optional<String> get(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    private static InetAddress parse(String name, String value) {
        try {
            return InetAddress.ofLiteral(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + "=" + value + " is not an IP address");
        }
    }

    private static Set<InetAddress> addresses(String list) {
        Set<InetAddress> out = new java.util.LinkedHashSet<>();
        for (String a : list.split(",")) {
            if (!a.isBlank()) {
                out.add(parse("LVS_AGENT_VRRP_COMPAT_PEERS", a.strip()));
            }
        }
        return out;
    }

    private static InetAddress anyAddress() {
        return InetAddress.ofLiteral("0.0.0.0");
    }

    private static int port(String name, String value) {
        try {
            int p = Integer.parseInt(value);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + value + " is not a port (0-65535)");
        }
    }

    private static Duration duration(String name, String value) {
        try {
            return GoDuration.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + "=" + value + " is not a duration such as 500ms, 2s or 1m30s");
        }
    }

    /** The kernel's release, for {@code modulesDir/RELEASE}. */
    static String kernelRelease() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the kernel release", e);
        }
    }
}
