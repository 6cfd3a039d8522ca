package io.lvs.agent.kernel.ipvs;

import static io.lvs.agent.kernel.ipvs.IpvsConstants.*;

import io.lvs.agent.kernel.ipvs.reconcile.IpvsOp;
import io.lvs.agent.kernel.netlink.Attributes;
import io.lvs.agent.kernel.netlink.GenericNetlink;
import io.lvs.agent.kernel.netlink.MessageWriter;
import io.lvs.agent.kernel.netlink.NetlinkMessage;
import io.lvs.agent.kernel.netlink.NetlinkProtocolException;
import io.lvs.agent.kernel.netlink.NetlinkRequest;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The IPVS wire format: turns each command into a {@link NetlinkRequest} whose description names the
 * object it concerns, and turns the kernel's replies into values. Layouts follow
 * {@code include/uapi/linux/ip_vs.h} and what {@code net/netfilter/ipvs/ip_vs_ctl.c} reads and writes:
 * addresses are 16-byte {@code union nf_inet_addr}, ports big-endian, the IPv4 persistence netmask a
 * big-endian mask while IPv6 carries a host-order prefix length, flags a {@code struct ip_vs_flags}.
 * Decoding throws only {@link NetlinkProtocolException}.
 */
public final class IpvsCodec {
    /** Every flag bit a service value describes; the kernel's own IP_VS_SVC_F_HASHED is masked out on read. */
    private static final int USER_FLAGS = IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_ONEPACKET
            | IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 | IP_VS_SVC_F_SCHED3;

    private final int familyId;

    /** A codec for the message type the kernel assigned the "IPVS" family. */
    public IpvsCodec(int familyId) {
        this.familyId = familyId;
    }

    public int familyId() {
        return familyId;
    }

    // ================================================================== requests

    public NetlinkRequest newService(Service s) {
        return fullService(IPVS_CMD_NEW_SERVICE, "IPVS_CMD_NEW_SERVICE", s);
    }

    public NetlinkRequest setService(Service s) {
        return fullService(IPVS_CMD_SET_SERVICE, "IPVS_CMD_SET_SERVICE", s);
    }

    public NetlinkRequest deleteService(ServiceKey key) {
        MessageWriter w = message(IPVS_CMD_DEL_SERVICE);
        serviceKey(w, key);
        return request(w, "IPVS_CMD_DEL_SERVICE " + key);
    }

    /** GET_SERVICE of one service (the reply is one IPVS_CMD_NEW_SERVICE message; ESRCH when absent). */
    public NetlinkRequest getService(ServiceKey key) {
        MessageWriter w = message(IPVS_CMD_GET_SERVICE);
        serviceKey(w, key);
        return request(w, "IPVS_CMD_GET_SERVICE " + key);
    }

    /** GET_SERVICE to send as a dump: every service of the namespace. */
    public NetlinkRequest dumpServices() {
        return request(message(IPVS_CMD_GET_SERVICE), "IPVS_CMD_GET_SERVICE (dump)");
    }

    public NetlinkRequest newDestination(ServiceKey service, Destination d) {
        return fullDestination(IPVS_CMD_NEW_DEST, "IPVS_CMD_NEW_DEST", service, d);
    }

    public NetlinkRequest setDestination(ServiceKey service, Destination d) {
        return fullDestination(IPVS_CMD_SET_DEST, "IPVS_CMD_SET_DEST", service, d);
    }

    public NetlinkRequest deleteDestination(ServiceKey service, DestinationKey d) {
        MessageWriter w = message(IPVS_CMD_DEL_DEST);
        serviceKey(w, service);
        int nest = w.beginNested(IPVS_CMD_ATTR_DEST);
        destinationKey(w, d);
        w.endNested(nest);
        return request(w, "IPVS_CMD_DEL_DEST " + d + " -> " + service);
    }

    /** GET_DEST to send as a dump: the destinations of one service (none when the service is absent). */
    public NetlinkRequest dumpDestinations(ServiceKey service) {
        MessageWriter w = message(IPVS_CMD_GET_DEST);
        serviceKey(w, service);
        return request(w, "IPVS_CMD_GET_DEST of " + service);
    }

    public NetlinkRequest getInfo() {
        return request(message(IPVS_CMD_GET_INFO), "IPVS_CMD_GET_INFO");
    }

    public NetlinkRequest getConfig() {
        return request(message(IPVS_CMD_GET_CONFIG), "IPVS_CMD_GET_CONFIG");
    }

    public NetlinkRequest setConfig(Timeouts t) {
        MessageWriter w = message(IPVS_CMD_SET_CONFIG)
                .attrU32(IPVS_CMD_ATTR_TIMEOUT_TCP, (int) t.tcp().getSeconds())
                .attrU32(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, (int) t.tcpFin().getSeconds())
                .attrU32(IPVS_CMD_ATTR_TIMEOUT_UDP, (int) t.udp().getSeconds());
        return request(w, "IPVS_CMD_SET_CONFIG timeouts tcp " + t.tcp().getSeconds() + " s, tcpfin "
                + t.tcpFin().getSeconds() + " s, udp " + t.udp().getSeconds() + " s");
    }

    public NetlinkRequest newDaemon(SyncDaemon d) {
        MessageWriter w = message(IPVS_CMD_NEW_DAEMON);
        int nest = w.beginNested(IPVS_CMD_ATTR_DAEMON);
        w.attrU32(IPVS_DAEMON_ATTR_STATE, d.state().kernelValue())
                .attrString(IPVS_DAEMON_ATTR_MCAST_IFN, d.interfaceName())
                .attrU32(IPVS_DAEMON_ATTR_SYNC_ID, d.syncId());
        d.maxPacketBytes().ifPresent(v -> w.attrU16(IPVS_DAEMON_ATTR_SYNC_MAXLEN, v));
        d.multicastGroup().ifPresent(g -> w.attrBytes(
                AddressFamily.of(g) == AddressFamily.INET ? IPVS_DAEMON_ATTR_MCAST_GROUP : IPVS_DAEMON_ATTR_MCAST_GROUP6,
                g.getAddress()));
        d.multicastPort().ifPresent(v -> w.attrU16(IPVS_DAEMON_ATTR_MCAST_PORT, v));
        d.multicastTtl().ifPresent(v -> w.attrU8(IPVS_DAEMON_ATTR_MCAST_TTL, v));
        w.endNested(nest);
        return request(w, "IPVS_CMD_NEW_DAEMON " + d);
    }

    public NetlinkRequest deleteDaemon(SyncState state) {
        MessageWriter w = message(IPVS_CMD_DEL_DAEMON);
        int nest = w.beginNested(IPVS_CMD_ATTR_DAEMON);
        w.attrU32(IPVS_DAEMON_ATTR_STATE, state.kernelValue());
        w.endNested(nest);
        return request(w, "IPVS_CMD_DEL_DAEMON sync " + state.name().toLowerCase());
    }

    /** GET_DAEMON to send as a dump. */
    public NetlinkRequest dumpDaemons() {
        return request(message(IPVS_CMD_GET_DAEMON), "IPVS_CMD_GET_DAEMON (dump)");
    }

    /** The one request that carries out a planned operation. */
    public NetlinkRequest request(IpvsOp op) {
        return switch (op) {
            case IpvsOp.AddService a -> newService(a.definition());
            case IpvsOp.UpdateService u -> setService(u.definition());
            case IpvsOp.DeleteService d -> deleteService(d.service());
            case IpvsOp.AddDestination a -> newDestination(a.service(), a.destination());
            case IpvsOp.UpdateDestination u -> setDestination(u.service(), u.destination());
            case IpvsOp.DeleteDestination d -> deleteDestination(d.service(), d.destination());
        };
    }

    private static MessageWriter message(int cmd) {
        return GenericNetlink.message(cmd, IPVS_GENL_VERSION);
    }

    private NetlinkRequest request(MessageWriter w, String description) {
        return new NetlinkRequest(familyId, 0, w.toBytes(), description);
    }

    private NetlinkRequest fullService(int cmd, String name, Service s) {
        MessageWriter w = message(cmd);
        int nest = w.beginNested(IPVS_CMD_ATTR_SERVICE);
        serviceKeyAttributes(w, s.key());
        w.attrString(IPVS_SVC_ATTR_SCHED_NAME, s.scheduler().kernelName());
        s.persistenceEngine().ifPresent(pe -> w.attrString(IPVS_SVC_ATTR_PE_NAME, pe));
        // struct ip_vs_flags: the mask covers every bit, so the service gets exactly these flags.
        w.attrBytes(IPVS_SVC_ATTR_FLAGS, new MessageWriter(8).u32(flags(s)).u32(0xffffffff).toBytes());
        w.attrU32(IPVS_SVC_ATTR_TIMEOUT, s.persistence().map(p -> (int) p.timeout().getSeconds()).orElse(0));
        boolean v6 = s.key().family() == AddressFamily.INET6;
        int bits = s.persistence().map(Persistence::netmaskBits).orElse(v6 ? 128 : 32);
        if (v6) {
            w.attrU32(IPVS_SVC_ATTR_NETMASK, bits); // ip_vs_ctl.c reads a plain prefix length for IPv6
        } else {
            w.attrBe32(IPVS_SVC_ATTR_NETMASK, bits == 0 ? 0 : -1 << (32 - bits));
        }
        w.endNested(nest);
        return request(w, name + " " + s);
    }

    private static int flags(Service s) {
        int f = 0;
        if (s.persistence().isPresent()) {
            f |= IP_VS_SVC_F_PERSISTENT;
        }
        if (s.onePacket()) {
            f |= IP_VS_SVC_F_ONEPACKET;
        }
        for (SchedulerFlag flag : s.schedulerFlags()) {
            f |= flag.bit();
        }
        return f;
    }

    private NetlinkRequest fullDestination(int cmd, String name, ServiceKey service, Destination d) {
        MessageWriter w = message(cmd);
        serviceKey(w, service);
        int nest = w.beginNested(IPVS_CMD_ATTR_DEST);
        destinationKey(w, d.key());
        w.attrU32(IPVS_DEST_ATTR_FWD_METHOD, d.forwarding().kernelValue())
                .attrU32(IPVS_DEST_ATTR_WEIGHT, d.weight())
                .attrU32(IPVS_DEST_ATTR_U_THRESH, d.upperThreshold())
                .attrU32(IPVS_DEST_ATTR_L_THRESH, d.lowerThreshold());
        switch (d.tunnel()) {
            case Tunnel.Ipip i -> w.attrU8(IPVS_DEST_ATTR_TUN_TYPE, IP_VS_CONN_F_TUNNEL_TYPE_IPIP)
                    .attrBe16(IPVS_DEST_ATTR_TUN_PORT, 0)
                    .attrU16(IPVS_DEST_ATTR_TUN_FLAGS, IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM);
            case Tunnel.Gue g -> w.attrU8(IPVS_DEST_ATTR_TUN_TYPE, IP_VS_CONN_F_TUNNEL_TYPE_GUE)
                    .attrBe16(IPVS_DEST_ATTR_TUN_PORT, g.port())
                    .attrU16(IPVS_DEST_ATTR_TUN_FLAGS, g.checksum().flags());
            case Tunnel.Gre g -> w.attrU8(IPVS_DEST_ATTR_TUN_TYPE, IP_VS_CONN_F_TUNNEL_TYPE_GRE)
                    .attrBe16(IPVS_DEST_ATTR_TUN_PORT, 0)
                    .attrU16(IPVS_DEST_ATTR_TUN_FLAGS, g.checksum().flags());
        }
        w.endNested(nest);
        return request(w, name + " " + d.key() + " -> " + service + " (" + d + ")");
    }

    /** IPVS_CMD_ATTR_SERVICE with only the identifying attributes (what DEL/GET and dest commands need). */
    private static void serviceKey(MessageWriter w, ServiceKey key) {
        int nest = w.beginNested(IPVS_CMD_ATTR_SERVICE);
        serviceKeyAttributes(w, key);
        w.endNested(nest);
    }

    private static void serviceKeyAttributes(MessageWriter w, ServiceKey key) {
        w.attrU16(IPVS_SVC_ATTR_AF, key.family().kernelValue());
        switch (key) {
            case ServiceKey.Inet k -> w.attrU16(IPVS_SVC_ATTR_PROTOCOL, k.protocol().number())
                    .attrBytes(IPVS_SVC_ATTR_ADDR, Addresses.toNfInetAddr(k.address()))
                    .attrBe16(IPVS_SVC_ATTR_PORT, k.port());
            case ServiceKey.FwMark k -> w.attrU32(IPVS_SVC_ATTR_FWMARK, k.mark());
        }
    }

    private static void destinationKey(MessageWriter w, DestinationKey d) {
        w.attrBytes(IPVS_DEST_ATTR_ADDR, Addresses.toNfInetAddr(d.address()))
                .attrBe16(IPVS_DEST_ATTR_PORT, d.port())
                .attrU16(IPVS_DEST_ATTR_ADDR_FAMILY, d.family().kernelValue());
    }

    // ================================================================== replies

    /** A service from a GET_SERVICE reply or dump message (command IPVS_CMD_NEW_SERVICE). */
    public static ServiceEntry decodeService(NetlinkMessage m) {
        Attributes top = attributes(m, IPVS_CMD_NEW_SERVICE, "IPVS service");
        Attributes a = top.nested(IPVS_CMD_ATTR_SERVICE, "IPVS_CMD_ATTR_SERVICE");
        AddressFamily family = family(a.u16(IPVS_SVC_ATTR_AF, "IPVS_SVC_ATTR_AF"), a);
        return wrap(a, () -> {
            ServiceKey key = a.has(IPVS_SVC_ATTR_FWMARK)
                    ? new ServiceKey.FwMark(family, a.u32(IPVS_SVC_ATTR_FWMARK, "IPVS_SVC_ATTR_FWMARK"))
                    : new ServiceKey.Inet(protocol(a.u16(IPVS_SVC_ATTR_PROTOCOL, "IPVS_SVC_ATTR_PROTOCOL"), a),
                            address(a, IPVS_SVC_ATTR_ADDR, "IPVS_SVC_ATTR_ADDR", family),
                            a.be16(IPVS_SVC_ATTR_PORT, "IPVS_SVC_ATTR_PORT"));
            String schedName = a.string(IPVS_SVC_ATTR_SCHED_NAME, "IPVS_SVC_ATTR_SCHED_NAME");
            Scheduler scheduler = Scheduler.fromKernelName(schedName).orElseThrow(() -> new NetlinkProtocolException(
                    a.context() + ": " + key + " uses scheduler '" + schedName + "', unknown to this library"));
            byte[] fl = a.bytes(IPVS_SVC_ATTR_FLAGS, "IPVS_SVC_ATTR_FLAGS");
            if (fl.length < 8) {
                throw new NetlinkProtocolException(a.context() + ": IPVS_SVC_ATTR_FLAGS has " + fl.length
                        + " bytes, expected struct ip_vs_flags (8)");
            }
            int flags = ByteBuffer.wrap(fl).order(ByteOrder.nativeOrder()).getInt(0) & USER_FLAGS;
            long timeout = Integer.toUnsignedLong(a.u32(IPVS_SVC_ATTR_TIMEOUT, "IPVS_SVC_ATTR_TIMEOUT"));
            int bits = family == AddressFamily.INET6
                    ? a.u32(IPVS_SVC_ATTR_NETMASK, "IPVS_SVC_ATTR_NETMASK")
                    // a non-contiguous IPv4 mask (only other tools can set one) reads as its leading ones
                    : Integer.numberOfLeadingZeros(~a.be32(IPVS_SVC_ATTR_NETMASK, "IPVS_SVC_ATTR_NETMASK"));
            Optional<Persistence> persistence = (flags & IP_VS_SVC_F_PERSISTENT) != 0
                    ? Optional.of(new Persistence(Duration.ofSeconds(timeout), bits))
                    : Optional.empty();
            Set<SchedulerFlag> schedulerFlags = EnumSet.noneOf(SchedulerFlag.class);
            for (SchedulerFlag f : SchedulerFlag.values()) {
                if ((flags & f.bit()) != 0) {
                    schedulerFlags.add(f);
                }
            }
            Service service = new Service(key, scheduler, schedulerFlags, persistence,
                    (flags & IP_VS_SVC_F_ONEPACKET) != 0,
                    a.optString(IPVS_SVC_ATTR_PE_NAME, "IPVS_SVC_ATTR_PE_NAME"));
            return new ServiceEntry(service, stats(a, IPVS_SVC_ATTR_STATS64, IPVS_SVC_ATTR_STATS));
        });
    }

    /**
     * A destination from a GET_DEST dump message (command IPVS_CMD_NEW_DEST). Kernels before 4.0 send no
     * IPVS_DEST_ATTR_ADDR_FAMILY; the destination then has its service's family.
     */
    public static DestinationEntry decodeDestination(NetlinkMessage m, AddressFamily serviceFamily) {
        Attributes top = attributes(m, IPVS_CMD_NEW_DEST, "IPVS destination");
        Attributes a = top.nested(IPVS_CMD_ATTR_DEST, "IPVS_CMD_ATTR_DEST");
        AddressFamily family = a.has(IPVS_DEST_ATTR_ADDR_FAMILY)
                ? family(a.u16(IPVS_DEST_ATTR_ADDR_FAMILY, "IPVS_DEST_ATTR_ADDR_FAMILY"), a)
                : serviceFamily;
        return wrap(a, () -> {
            InetAddress address = address(a, IPVS_DEST_ATTR_ADDR, "IPVS_DEST_ATTR_ADDR", family);
            int port = a.be16(IPVS_DEST_ATTR_PORT, "IPVS_DEST_ATTR_PORT");
            int tunType = a.optU8(IPVS_DEST_ATTR_TUN_TYPE, "IPVS_DEST_ATTR_TUN_TYPE").orElse(IP_VS_CONN_F_TUNNEL_TYPE_IPIP);
            int tunPort = a.optBe16(IPVS_DEST_ATTR_TUN_PORT, "IPVS_DEST_ATTR_TUN_PORT").orElse(0);
            TunnelChecksum csum = TunnelChecksum.fromFlags(
                    a.optU16(IPVS_DEST_ATTR_TUN_FLAGS, "IPVS_DEST_ATTR_TUN_FLAGS").orElse(0));
            Tunnel tunnel = switch (tunType) {
                case IP_VS_CONN_F_TUNNEL_TYPE_IPIP -> Tunnel.IPIP;
                case IP_VS_CONN_F_TUNNEL_TYPE_GUE -> new Tunnel.Gue(tunPort, csum);
                case IP_VS_CONN_F_TUNNEL_TYPE_GRE -> new Tunnel.Gre(csum);
                default -> throw new NetlinkProtocolException(a.context() + ": unknown tunnel type " + tunType);
            };
            Destination d = new Destination(address, port,
                    ForwardingMethod.fromKernel(a.u32(IPVS_DEST_ATTR_FWD_METHOD, "IPVS_DEST_ATTR_FWD_METHOD")),
                    tunnel,
                    a.u32(IPVS_DEST_ATTR_WEIGHT, "IPVS_DEST_ATTR_WEIGHT"),
                    a.u32(IPVS_DEST_ATTR_U_THRESH, "IPVS_DEST_ATTR_U_THRESH"),
                    a.u32(IPVS_DEST_ATTR_L_THRESH, "IPVS_DEST_ATTR_L_THRESH"));
            return new DestinationEntry(d,
                    a.u32(IPVS_DEST_ATTR_ACTIVE_CONNS, "IPVS_DEST_ATTR_ACTIVE_CONNS"),
                    a.u32(IPVS_DEST_ATTR_INACT_CONNS, "IPVS_DEST_ATTR_INACT_CONNS"),
                    a.u32(IPVS_DEST_ATTR_PERSIST_CONNS, "IPVS_DEST_ATTR_PERSIST_CONNS"),
                    stats(a, IPVS_DEST_ATTR_STATS64, IPVS_DEST_ATTR_STATS));
        });
    }

    /** The GET_INFO reply (command IPVS_CMD_SET_INFO). */
    public static Info decodeInfo(NetlinkMessage m) {
        Attributes a = attributes(m, IPVS_CMD_SET_INFO, "IPVS info");
        return new Info(a.u32(IPVS_INFO_ATTR_VERSION, "IPVS_INFO_ATTR_VERSION"),
                a.u32(IPVS_INFO_ATTR_CONN_TAB_SIZE, "IPVS_INFO_ATTR_CONN_TAB_SIZE"));
    }

    /** The GET_CONFIG reply (command IPVS_CMD_SET_CONFIG). */
    public static Timeouts decodeTimeouts(NetlinkMessage m) {
        Attributes a = attributes(m, IPVS_CMD_SET_CONFIG, "IPVS config");
        return wrap(a, () -> new Timeouts(
                seconds(a.u32(IPVS_CMD_ATTR_TIMEOUT_TCP, "IPVS_CMD_ATTR_TIMEOUT_TCP")),
                seconds(a.u32(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, "IPVS_CMD_ATTR_TIMEOUT_TCP_FIN")),
                seconds(a.u32(IPVS_CMD_ATTR_TIMEOUT_UDP, "IPVS_CMD_ATTR_TIMEOUT_UDP"))));
    }

    /** A sync daemon from a GET_DAEMON dump message (command IPVS_CMD_NEW_DAEMON). */
    public static SyncDaemon decodeDaemon(NetlinkMessage m) {
        Attributes top = attributes(m, IPVS_CMD_NEW_DAEMON, "IPVS sync daemon");
        Attributes a = top.nested(IPVS_CMD_ATTR_DAEMON, "IPVS_CMD_ATTR_DAEMON");
        return wrap(a, () -> {
            int state = a.u32(IPVS_DAEMON_ATTR_STATE, "IPVS_DAEMON_ATTR_STATE");
            Optional<InetAddress> group = Optional.empty();
            if (a.has(IPVS_DAEMON_ATTR_MCAST_GROUP)) {
                group = Optional.of(address(a, IPVS_DAEMON_ATTR_MCAST_GROUP, "IPVS_DAEMON_ATTR_MCAST_GROUP", AddressFamily.INET));
            } else if (a.has(IPVS_DAEMON_ATTR_MCAST_GROUP6)) {
                group = Optional.of(address(a, IPVS_DAEMON_ATTR_MCAST_GROUP6, "IPVS_DAEMON_ATTR_MCAST_GROUP6", AddressFamily.INET6));
            }
            return new SyncDaemon(
                    SyncState.fromKernel(state).orElseThrow(() -> new NetlinkProtocolException(
                            a.context() + ": unknown sync daemon state " + state)),
                    a.string(IPVS_DAEMON_ATTR_MCAST_IFN, "IPVS_DAEMON_ATTR_MCAST_IFN"),
                    a.u32(IPVS_DAEMON_ATTR_SYNC_ID, "IPVS_DAEMON_ATTR_SYNC_ID"),
                    optional(a.optU16(IPVS_DAEMON_ATTR_SYNC_MAXLEN, "IPVS_DAEMON_ATTR_SYNC_MAXLEN")),
                    group,
                    optional(a.optU16(IPVS_DAEMON_ATTR_MCAST_PORT, "IPVS_DAEMON_ATTR_MCAST_PORT")),
                    optional(a.optU8(IPVS_DAEMON_ATTR_MCAST_TTL, "IPVS_DAEMON_ATTR_MCAST_TTL")));
        });
    }

    private static Attributes attributes(NetlinkMessage m, int expectedCmd, String context) {
        int cmd = GenericNetlink.command(m);
        if (cmd != expectedCmd) {
            throw new NetlinkProtocolException(context + ": reply has command " + cmd + ", expected " + expectedCmd);
        }
        return GenericNetlink.attributes(m, context);
    }

    private static AddressFamily family(int af, Attributes a) {
        return AddressFamily.fromKernel(af).orElseThrow(() -> new NetlinkProtocolException(
                a.context() + ": address family " + af + " is neither AF_INET nor AF_INET6"));
    }

    private static Protocol protocol(int number, Attributes a) {
        return Protocol.fromNumber(number).orElseThrow(() -> new NetlinkProtocolException(
                a.context() + ": protocol " + number + " is not TCP, UDP or SCTP"));
    }

    private static InetAddress address(Attributes a, int type, String name, AddressFamily family) {
        byte[] b = a.bytes(type, name);
        if (b.length < family.addressBytes()) {
            throw new NetlinkProtocolException(a.context() + ": " + name + " has " + b.length
                    + " bytes, too few for an " + family.label() + " address");
        }
        return Addresses.fromBytes(family, b);
    }

    private static Stats stats(Attributes a, int stats64, int stats32) {
        if (a.has(stats64)) {
            Attributes s = a.nested(stats64, "STATS64");
            return new Stats(s.u64(IPVS_STATS_ATTR_CONNS, "CONNS"), s.u64(IPVS_STATS_ATTR_INPKTS, "INPKTS"),
                    s.u64(IPVS_STATS_ATTR_OUTPKTS, "OUTPKTS"), s.u64(IPVS_STATS_ATTR_INBYTES, "INBYTES"),
                    s.u64(IPVS_STATS_ATTR_OUTBYTES, "OUTBYTES"), s.u64(IPVS_STATS_ATTR_CPS, "CPS"),
                    s.u64(IPVS_STATS_ATTR_INPPS, "INPPS"), s.u64(IPVS_STATS_ATTR_OUTPPS, "OUTPPS"),
                    s.u64(IPVS_STATS_ATTR_INBPS, "INBPS"), s.u64(IPVS_STATS_ATTR_OUTBPS, "OUTBPS"));
        }
        if (a.has(stats32)) {
            // struct ip_vs_stats_user: 32-bit counters and rates, 64-bit byte counts
            Attributes s = a.nested(stats32, "STATS");
            return new Stats(u32(s, IPVS_STATS_ATTR_CONNS, "CONNS"), u32(s, IPVS_STATS_ATTR_INPKTS, "INPKTS"),
                    u32(s, IPVS_STATS_ATTR_OUTPKTS, "OUTPKTS"), s.u64(IPVS_STATS_ATTR_INBYTES, "INBYTES"),
                    s.u64(IPVS_STATS_ATTR_OUTBYTES, "OUTBYTES"), u32(s, IPVS_STATS_ATTR_CPS, "CPS"),
                    u32(s, IPVS_STATS_ATTR_INPPS, "INPPS"), u32(s, IPVS_STATS_ATTR_OUTPPS, "OUTPPS"),
                    u32(s, IPVS_STATS_ATTR_INBPS, "INBPS"), u32(s, IPVS_STATS_ATTR_OUTBPS, "OUTBPS"));
        }
        return Stats.ZERO;
    }

    private static long u32(Attributes a, int type, String name) {
        return Integer.toUnsignedLong(a.u32(type, name));
    }

    private static Duration seconds(int u32) {
        return Duration.ofSeconds(Integer.toUnsignedLong(u32));
    }

    private static OptionalInt optional(Optional<Integer> v) {
        return v.map(OptionalInt::of).orElse(OptionalInt.empty());
    }

    /** Runs a decoder, turning a value the records refuse (a kernel value out of their range) into a protocol error. */
    private static <T> T wrap(Attributes a, Supplier<T> decoder) {
        try {
            return decoder.get();
        } catch (IllegalArgumentException e) {
            throw new NetlinkProtocolException(a.context() + ": " + e.getMessage());
        }
    }
}
