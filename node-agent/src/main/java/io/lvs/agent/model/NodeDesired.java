package io.lvs.agent.model;

import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.reconcile.DestinationRef;
import io.lvs.agent.kernel.ipvs.SyncDaemon;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsTable;
import io.lvs.agent.kernel.sysctl.Sysctl;
import io.lvs.api.v1alpha1.HealthCheckSpec;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything this node must hold, by kernel concern, plus one {@link VsPlan} per VirtualService it has a part in.
 * The IPVS table is the same on every director of a VIP, active or standby (hot standby): a takeover moves only the
 * VIP, which {@link #directorVips} says where to put while this node is active.
 *
 * @param ipvs           the IPVS services and destinations (weight 0 for servers that fail their checks)
 * @param directorVips   per VIP this node directs: the link it goes on when this node is active, and how to announce it
 * @param loopbackVips   VIPs on the loopback link (DirectRouting and Tunnel real servers on this node)
 * @param sysctls        kernel parameters, each once, in the order to set them
 * @param tunnels        decapsulation this node needs as a Tunnel real server
 * @param probes         the health checks this node runs (as a director)
 * @param directorGroups one election per VIP this node directs
 * @param plans          per VirtualService this node has a part in, what it does and what went wrong
 * @param syncDaemons    the IPVS connection-sync daemons this node runs: a master and a backup on every director of an
 *                       IPVS VirtualService with connection sync on (both ways, so a node that comes back is not
 *                       empty), or none
 */
public record NodeDesired(IpvsTable ipvs, Map<InetAddress, DirectorVip> directorVips, Set<InetAddress> loopbackVips,
                          List<SysctlWant> sysctls, Set<TunnelDecap> tunnels, List<ProbeSpec> probes,
                          List<DirectorGroup> directorGroups, Map<VsRef, VsPlan> plans, List<SyncDaemon> syncDaemons) {
    public NodeDesired {
        syncDaemons = List.copyOf(syncDaemons);
        Objects.requireNonNull(ipvs);
        directorVips = Map.copyOf(directorVips);
        loopbackVips = Set.copyOf(loopbackVips);
        sysctls = List.copyOf(sysctls);
        tunnels = Set.copyOf(tunnels);
        probes = List.copyOf(probes);
        directorGroups = List.copyOf(directorGroups);
        plans = Map.copyOf(plans);
    }

    /**
     * A kernel parameter this node needs: exactly {@code value}, or at most {@code value} (rp_filter: loosen a strict
     * setting, never tighten a loose one).
     */
    public record SysctlWant(Sysctl key, int value, boolean atMost) {
        public static SysctlWant exactly(Sysctl key, int value) {
            return new SysctlWant(key, value, false);
        }

        public static SysctlWant atMost(Sysctl key, int value) {
            return new SysctlWant(key, value, true);
        }

        /** The value to write when the kernel has {@code current}, or empty when it already satisfies this. */
        public java.util.OptionalInt target(int current) {
            if (atMost ? current <= value : current == value) {
                return java.util.OptionalInt.empty();
            }
            return java.util.OptionalInt.of(value);
        }
    }

    /** Nothing: what a node holds when no VirtualService concerns it. */
    public static NodeDesired nothing() {
        return new NodeDesired(IpvsTable.empty(), Map.of(), Set.of(), List.of(), Set.of(), List.of(), List.of(), Map.of(),
                List.of());
    }

    /**
     * Where a VIP goes on the active director and how it is announced.
     *
     * @param vip    the address (a host address: /32, /128)
     * @param link   the link that carries it
     * @param announce gratuitous ARP / unsolicited NA on takeover
     */
    public record DirectorVip(InetAddress vip, String link, Announce announce) {
        public DirectorVip {
            Objects.requireNonNull(vip);
            Objects.requireNonNull(link);
            Objects.requireNonNull(announce);
        }
    }

    /**
     * Announcements on takeover: a burst at once, the same burst again after {@code repeatDelay} (zero: none), and a
     * periodic refresh while active (zero: none).
     */
    public record Announce(int burst, Duration repeatDelay, Duration refresh) {
    }

    /**
     * Decapsulation for a Tunnel real server: the kernel's fallback device that receives packets of {@code kind}
     * (outer IPv4 or IPv6) must be up, and for GUE a FOU port must receive the UDP datagrams.
     */
    public record TunnelDecap(Kind kind, boolean ipv6Outer, int guePort) {
        /** IPIP (also GUE's inner packets) and GRE. */
        public enum Kind { IPIP, GUE, GRE }

        /** The fallback device: tunl0, ip6tnl0, gre0 or ip6gre0 (GUE's inner packets are IPIP). */
        public String device() {
            return switch (kind) {
                case IPIP, GUE -> ipv6Outer ? "ip6tnl0" : "tunl0";
                case GRE -> ipv6Outer ? "ip6gre0" : "gre0";
            };
        }
    }

    /**
     * One health check this node runs.
     *
     * @param key              stable identity: {@code namespace/realserver/virtualservice/port} (port 0 for ICMP)
     * @param realServer       the RealServer probed
     * @param virtualService   the VirtualService whose destinations follow the result
     * @param address          what is probed
     * @param port             the port probed (0 for ICMP)
     * @param check            the check, as the API gives it (type, timers, HTTP details)
     * @param initiallyHealthy the state a probe new to the health monitor starts in: false with {@code startDown}, and
     *                         when the kernel already shows the destination drained (an agent restart adopts it)
     */
    public record ProbeSpec(String key, VsRef realServer, VsRef virtualService, InetAddress address, int port,
                            HealthCheckSpec check, boolean initiallyHealthy) {
    }

    /**
     * The election of one VIP among its directors.
     *
     * @param vip             the VIP
     * @param link            the link its adverts go out on (the VIP's link)
     * @param localAddress    this node's address on that link (the advert source)
     * @param priority        this node's priority (1-254)
     * @param peers           the other directors
     * @param advertInterval  advert interval
     * @param preempt         whether a higher-priority director takes the VIP back
     * @param preemptDelay    how long it waits before doing so
     * @param virtualServices the VirtualServices on this VIP (they share its election)
     * @param heldNow         this node holds the VIP on a link right now (after an agent restart: resume as active at
     *                        once, so a restart moves nothing)
     * @param eligible        this node may be active: false while the local service of a Local-mode VirtualService on
     *                        this VIP fails its health check (keepalived's track_script), so the VIP goes to a director
     *                        whose proxy works
     */
    public record DirectorGroup(InetAddress vip, String link, Optional<InetAddress> localAddress, int priority,
                                List<Peer> peers, Duration advertInterval, boolean preempt, Duration preemptDelay,
                                List<VsRef> virtualServices, boolean heldNow, boolean eligible) {
        public DirectorGroup {
            peers = List.copyOf(peers);
            virtualServices = List.copyOf(virtualServices);
        }

    }

    /** Another director of a VIP: its node, priority and the node's addresses of the VIP's family. */
    public record Peer(String node, int priority, List<InetAddress> addresses) {
        public Peer {
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * What this node does for one VirtualService.
     *
     * @param ref         the VirtualService
     * @param generation  the accepted generation this plan programs
     * @param vip         its VIP
     * @param director    this node is one of its directors
     * @param realServer  this node hosts one of its DirectRouting or Tunnel real servers
     * @param priority    this node's election priority (directors)
     * @param link        the link that carries the VIP (directors), when one was found
     * @param vipNetwork  that link's subnet next to the VIP (for the NAT same-subnet check)
     * @param services    the IPVS services this VirtualService owns here
     * @param probes      the probes of each of its real servers, by RealServer name (empty: not probed, healthy)
     * @param problems    what prevents this node from serving it fully, for its NodeReport
     * @param notes       what this node does otherwise than the VirtualService asks without being kept from serving
     *                    it (reported, so it is not Programmed, but no fault: it still takes part in the election)
     * @param realServers the RealServer (by name, in the VirtualService's namespace) behind each IPVS destination of
     *                    its services (what per-real-server metrics are labelled with)
     * @param sysctls     the kernel parameters this VirtualService needs on this node (so a failure to set one is
     *                    reported on it)
     * @param connectionSync this node runs the connection-sync daemons for this VirtualService (so their problems are
     *                    reported on it)
     */
    public record VsPlan(VsRef ref, long generation, InetAddress vip, boolean director, boolean realServer, int priority,
                         Optional<String> link, Optional<String> vipNetwork, Set<ServiceKey> services,
                         Map<String, List<String>> probes, List<String> problems, List<String> notes,
                         Map<DestinationRef, String> realServers, Set<Sysctl> sysctls, boolean connectionSync) {
        public VsPlan {
            services = Set.copyOf(services);
            probes = Map.copyOf(probes);
            problems = List.copyOf(problems);
            notes = List.copyOf(notes);
            realServers = Map.copyOf(realServers);
            sysctls = Set.copyOf(sysctls);
        }

        /** This plan with one more note. */
        public VsPlan withNote(String note) {
            List<String> more = new java.util.ArrayList<>(notes);
            more.add(note);
            return new VsPlan(ref, generation, vip, director, realServer, priority, link, vipNetwork, services, probes,
                    problems, more, realServers, sysctls, connectionSync);
        }

        /** Whether nothing stops this node from serving its part. */
        public boolean programmable() {
            return problems.isEmpty();
        }
    }
}
