package io.lvs.agent.model;

import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.reconcile.DestinationRef;
import io.lvs.agent.kernel.ipvs.SyncDaemon;
import io.lvs.agent.kernel.ipvs.reconcile.IpvsTable;
import io.lvs.agent.kernel.rtnl.FallbackTunnel;
import io.lvs.agent.kernel.sysctl.ConfScope;
import io.lvs.agent.kernel.sysctl.Sysctl;
import io.lvs.api.v1alpha1.HealthCheckSpec;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.IntSupplier;

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
 * @param tunnelVips     IPv4 VIPs that also go on the tunnel device that decapsulates them: the kernel's
 *                       reverse-path check fails every packet arriving on a device without an IPv4 address unless
 *                       rp_filter is off in effect (conf/all included), and with an address a loose setting passes
 * @param probes         the health checks this node runs (as a director)
 * @param directorGroups one election per VIP this node directs
 * @param plans          per VirtualService this node has a part in, what it does and what went wrong
 * @param syncDaemons    the IPVS connection-sync daemons this node runs: a master and a backup on every director of an
 *                       IPVS VirtualService with connection sync on (both ways, so a node that comes back is not
 *                       empty), or none
 */
public record NodeDesired(IpvsTable ipvs, Map<InetAddress, DirectorVip> directorVips, Set<InetAddress> loopbackVips,
                          List<SysctlWant> sysctls, Set<TunnelDecap> tunnels, Set<DeviceVip> tunnelVips,
                          List<ProbeSpec> probes, List<DirectorGroup> directorGroups, Map<VsRef, VsPlan> plans,
                          List<SyncDaemon> syncDaemons) {
    public NodeDesired {
        tunnelVips = Set.copyOf(tunnelVips);
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
     * A kernel parameter this node needs: exactly {@code value}, or, for the reverse-path filter of a tunnel device,
     * not strict in effect.
     */
    public record SysctlWant(Sysctl key, int value, Mode mode) {
        public SysctlWant {
            Objects.requireNonNull(key);
            Objects.requireNonNull(mode);
        }

        /** How the wanted value follows from what the kernel has. */
        public enum Mode {
            /** Exactly {@code value}. */
            EXACTLY,
            /**
             * {@code rp_filter} of one interface, which the kernel applies as max(conf/all, conf/IFACE): strict (1) in
             * effect drops what a tunnel device decapsulates, since the client's address routes back through another
             * link. The interface gets {@code value} (2, loose) when its own value is 1, or 0 under a strict
             * {@code all}; off (0) or loose in effect is left as it is, and {@code all} itself never needs changing
             * (max(all, 2) is 2 whatever all is). Loose passes only on a device with an IPv4 address (the kernel
             * fails any filtering on a device without one), hence {@link NodeDesired#tunnelVips}.
             */
            LOOSE_REVERSE_PATH
        }

        public static SysctlWant exactly(Sysctl key, int value) {
            return new SysctlWant(key, value, Mode.EXACTLY);
        }

        /** The reverse-path filter of {@code device} loose in effect (see {@link Mode#LOOSE_REVERSE_PATH}). */
        public static SysctlWant looseReversePath(String device) {
            return new SysctlWant(Sysctl.rpFilter(ConfScope.of(device)), 2, Mode.LOOSE_REVERSE_PATH);
        }

        /** The parameter under {@code conf/all} that the kernel combines with this one (LOOSE_REVERSE_PATH). */
        public Sysctl allKey() {
            return Sysctl.rpFilter(ConfScope.ALL);
        }

        /**
         * The value to write when the kernel has {@code current}, or empty when it already satisfies this.
         *
         * @param all reads {@link #allKey()}; asked only for LOOSE_REVERSE_PATH when {@code current} is 0
         */
        public OptionalInt target(int current, IntSupplier all) {
            boolean satisfied = switch (mode) {
                case EXACTLY -> current == value;
                case LOOSE_REVERSE_PATH -> current == value || (current == 0 && all.getAsInt() != 1);
            };
            return satisfied ? OptionalInt.empty() : OptionalInt.of(value);
        }
    }

    /** Nothing: what a node holds when no VirtualService concerns it. */
    public static NodeDesired nothing() {
        return new NodeDesired(IpvsTable.empty(), Map.of(), Set.of(), List.of(), Set.of(), Set.of(), List.of(), List.of(), Map.of(),
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
     * Decapsulation for a Tunnel real server: the kernel's fallback device that receives packets of {@code kind} (outer
     * IPv4 or IPv6, inner the VIP's family) must be up, and for GUE a FOU port must receive the UDP datagrams.
     *
     * @param kind      the encapsulation
     * @param ipv6Outer the real server's address is IPv6 (the outer header)
     * @param ipv6Inner the VIP is IPv6 (the packet inside)
     * @param guePort   the UDP port of GUE datagrams; 0 for the others
     */
    public record TunnelDecap(Kind kind, boolean ipv6Outer, boolean ipv6Inner, int guePort) {
        public TunnelDecap {
            Objects.requireNonNull(kind);
            if ((kind == Kind.GUE) != (guePort > 0) || guePort > 65535) {
                throw new IllegalArgumentException("a GUE tunnel needs a port in 1-65535 and the others none: " + kind
                        + " port " + guePort);
            }
        }

        /** IPIP (also GUE's inner packets) and GRE. */
        public enum Kind { IPIP, GUE, GRE }

        /**
         * The fallback device that receives the inner packets: IPv4 in IPv4 is ipip's tunl0, IPv6 in IPv4 sit's sit0,
         * either in IPv6 ip6tnl0; GUE datagrams, once FOU has taken the UDP and GUE headers off, are the same IP-in-IP
         * packets; GRE is gre0 or ip6gre0 whatever it carries.
         */
        public FallbackTunnel device() {
            return switch (kind) {
                case IPIP, GUE -> ipv6Outer ? FallbackTunnel.IP6TNL0 : ipv6Inner ? FallbackTunnel.SIT0 : FallbackTunnel.TUNL0;
                case GRE -> ipv6Outer ? FallbackTunnel.IP6GRE0 : FallbackTunnel.GRE0;
            };
        }

        /** Whether a FOU (GUE) port must receive the datagrams first. */
        public boolean needsFouPort() {
            return kind == Kind.GUE;
        }

        /** Whether the device receives IPv4 inside, to which the (IPv4-only) reverse-path filter applies. */
        public boolean ipv4Inside() {
            return !ipv6Inner;
        }

        /** "IPIP over IPv4 to tunl0", "GUE port 6080 over IPv6 to ip6tnl0". */
        @Override
        public String toString() {
            return kind + (kind == Kind.GUE ? " port " + guePort : "") + " over " + (ipv6Outer ? "IPv6" : "IPv4")
                    + " to " + device();
        }
    }

    /** A VIP on a tunnel device (a host address: /32). */
    public record DeviceVip(String device, InetAddress vip) {
        public DeviceVip {
            Objects.requireNonNull(device);
            Objects.requireNonNull(vip);
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
     * @param tunnels     the decapsulation its Tunnel real servers on this node need (empty for other methods)
     */
    public record VsPlan(VsRef ref, long generation, InetAddress vip, boolean director, boolean realServer, int priority,
                         Optional<String> link, Optional<String> vipNetwork, Set<ServiceKey> services,
                         Map<String, List<String>> probes, List<String> problems, List<String> notes,
                         Map<DestinationRef, String> realServers, Set<Sysctl> sysctls, boolean connectionSync,
                         Set<TunnelDecap> tunnels) {
        public VsPlan {
            tunnels = Set.copyOf(tunnels);
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
                    problems, more, realServers, sysctls, connectionSync, tunnels);
        }

        /** Whether nothing stops this node from serving its part. */
        public boolean programmable() {
            return problems.isEmpty();
        }
    }
}
