package io.lvs.agent.kernel.packet;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.lvs.agent.kernel.rtnl.HardwareAddress;
import io.lvs.agent.kernel.InetText;
import io.lvs.agent.kernel.rtnl.Link;
import io.lvs.agent.kernel.sys.Libc;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Tells the neighbours on a link that a VIP is now here: gratuitous ARP for IPv4, an unsolicited
 * neighbour advertisement for IPv6, as raw Ethernet frames on an AF_PACKET socket of one network
 * namespace. One call sends one announcement; bursts and repeats are the caller's schedule.
 *
 * <p>The socket is opened with protocol 0, so it never receives anything. Needs CAP_NET_RAW.
 */
public final class Announcer implements AutoCloseable {
    /** sizeof(struct sockaddr_ll). */
    private static final int SOCKADDR_LL_BYTES = 20;

    /**
     * @param garpForm   which gratuitous ARP frames to send for IPv4
     * @param ipv6Router set the Router flag in neighbour advertisements (the sender forwards IPv6)
     */
    public record Options(GarpForm garpForm, boolean ipv6Router) {
        public Options {
            Objects.requireNonNull(garpForm);
        }

        /** The keepalived behaviour: ARP request form, no Router flag. */
        public static Options defaults() {
            return new Options(GarpForm.REQUEST, false);
        }
    }

    private final NetworkNamespace namespace;
    private final Options options;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment address;
    private final MemorySegment frame;
    private long framesSent;
    private boolean closed;

    private Announcer(NetworkNamespace namespace, Options options) {
        this.namespace = namespace;
        this.options = options;
        this.fd = Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
        this.address = arena.allocate(SOCKADDR_LL_BYTES, 4);
        this.frame = arena.allocate(128, 8);
    }

    /** Opens an announcer on the links of {@code namespace}. */
    public static Announcer open(NetworkNamespace namespace, Options options) {
        return namespace.call(() -> new Announcer(namespace, options));
    }

    public static Announcer open(NetworkNamespace namespace) {
        return open(namespace, Options.defaults());
    }

    /**
     * Announces {@code vip} at {@code link}'s MAC address on {@code link}. Throws
     * IllegalArgumentException for a link that has no neighbours to tell (loopback, NOARP, no
     * Ethernet address: a VIP there is never announced), and a KernelException naming the errno,
     * the VIP and the link when the kernel refuses to send (ENETDOWN for a link that is down).
     */
    public synchronized Announcement announce(Link link, InetAddress vip) {
        if (closed) {
            throw new IllegalStateException("announcer on " + namespace + " is closed");
        }
        HardwareAddress mac = link.hardwareAddress()
                .filter(h -> h.isUnicastEthernet() && link.type() == Link.ARPHRD_ETHER)
                .orElseThrow(() -> new IllegalArgumentException("cannot announce " + InetText.of(vip) + " on " + link
                        + ": it has no Ethernet address"));
        if (link.isLoopback() || link.isNoArp()) {
            throw new IllegalArgumentException("cannot announce " + InetText.of(vip) + " on " + link
                    + ": the link is " + (link.isLoopback() ? "loopback" : "NOARP") + ", it has no neighbours to tell");
        }
        List<Frame> frames = new ArrayList<>(2);
        switch (vip) {
            case Inet4Address v4 -> {
                if (options.garpForm() != GarpForm.REPLY) {
                    frames.add(new Frame(ArpAnnouncement.request(mac, v4), EthernetFrames.ETH_P_ARP, "gratuitous ARP request"));
                }
                if (options.garpForm() != GarpForm.REQUEST) {
                    frames.add(new Frame(ArpAnnouncement.reply(mac, v4), EthernetFrames.ETH_P_ARP, "gratuitous ARP reply"));
                }
            }
            case Inet6Address v6 -> frames.add(new Frame(NeighborAdvertisement.unsolicited(mac, v6, options.ipv6Router()),
                    EthernetFrames.ETH_P_IPV6, "unsolicited neighbour advertisement"));
            default -> throw new IllegalArgumentException("unsupported address " + vip);
        }
        for (Frame f : frames) {
            send(link, f, f.kind() + " " + InetText.of(vip) + " on " + link);
        }
        return new Announcement(link, vip, frames.size());
    }

    private record Frame(byte[] bytes, int etherType, String kind) {
    }

    private void send(Link link, Frame f, String subject) {
        // struct sockaddr_ll: family, protocol (network order), ifindex, hatype, pkttype, halen, addr[8]
        address.fill((byte) 0);
        address.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
        address.set(JAVA_BYTE, 2, (byte) (f.etherType() >>> 8));
        address.set(JAVA_BYTE, 3, (byte) f.etherType());
        address.set(JAVA_INT, 4, link.index());
        address.set(JAVA_BYTE, 11, (byte) 6);
        MemorySegment.copy(f.bytes(), 0, address, JAVA_BYTE, 12, 6); // the frame's destination
        MemorySegment.copy(f.bytes(), 0, frame, JAVA_BYTE, 0, f.bytes().length);
        long sent = Libc.sendto(fd, frame, f.bytes().length, 0, address, subject);
        if (sent != f.bytes().length) {
            throw new IllegalStateException(subject + ": short send (" + sent + " of " + f.bytes().length + " bytes)");
        }
        framesSent++;
    }

    /** Frames sent since the announcer opened. */
    public synchronized long framesSent() {
        return framesSent;
    }

    public NetworkNamespace namespace() {
        return namespace;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
            arena.close();
        }
    }
}
