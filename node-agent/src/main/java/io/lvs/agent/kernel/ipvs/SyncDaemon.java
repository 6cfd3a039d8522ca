package io.lvs.agent.kernel.ipvs;

import io.lvs.agent.kernel.InetText;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An IPVS connection-synchronisation daemon (ipvsadm {@code --start-daemon}). Unset options take the
 * kernel's defaults (group 224.0.0.81, port 8848, TTL 1, packets sized to the interface MTU); a
 * read-back has every option set to what the kernel uses.
 *
 * @param state          master or backup
 * @param interfaceName  the interface the multicast goes out of / is received on
 * @param syncId         the sync id (0..255) that pairs masters and backups; 0 accepts any on a backup
 * @param maxPacketBytes UDP payload size of sync messages (ipvsadm {@code --sync-maxlen})
 * @param multicastGroup IPv4 or IPv6 multicast group (ipvsadm {@code --mcast-group})
 * @param multicastPort  UDP port (ipvsadm {@code --mcast-port})
 * @param multicastTtl   multicast TTL 1..255 (ipvsadm {@code --mcast-ttl})
 */
public record SyncDaemon(SyncState state, String interfaceName, int syncId, OptionalInt maxPacketBytes,
                         Optional<InetAddress> multicastGroup, OptionalInt multicastPort, OptionalInt multicastTtl) {

    public SyncDaemon {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(maxPacketBytes, "maxPacketBytes");
        Objects.requireNonNull(multicastGroup, "multicastGroup");
        Objects.requireNonNull(multicastPort, "multicastPort");
        Objects.requireNonNull(multicastTtl, "multicastTtl");
        if (interfaceName.isEmpty() || interfaceName.length() >= IpvsConstants.IP_VS_IFNAME_MAXLEN) {
            throw new IllegalArgumentException("sync daemon interface name '" + interfaceName + "' must have 1.."
                    + (IpvsConstants.IP_VS_IFNAME_MAXLEN - 1) + " characters");
        }
        if (syncId < 0 || syncId > 255) {
            throw new IllegalArgumentException("sync id " + syncId + " is outside 0..255");
        }
        maxPacketBytes.ifPresent(v -> range("sync max length", v, 0, 0xffff));
        multicastPort.ifPresent(v -> range("multicast port", v, 0, 0xffff));
        multicastTtl.ifPresent(v -> range("multicast TTL", v, 0, 255));
        multicastGroup.ifPresent(g -> {
            if (!g.isMulticastAddress()) {
                throw new IllegalArgumentException("sync group " + InetText.of(g) + " is not a multicast address");
            }
        });
    }

    private static void range(String what, int v, int lo, int hi) {
        if (v < lo || v > hi) {
            throw new IllegalArgumentException(what + " " + v + " is outside " + lo + ".." + hi);
        }
    }

    /** A master with the kernel's defaults. */
    public static SyncDaemon master(String interfaceName, int syncId) {
        return new SyncDaemon(SyncState.MASTER, interfaceName, syncId, OptionalInt.empty(), Optional.empty(),
                OptionalInt.empty(), OptionalInt.empty());
    }

    /** A backup with the kernel's defaults. */
    public static SyncDaemon backup(String interfaceName, int syncId) {
        return new SyncDaemon(SyncState.BACKUP, interfaceName, syncId, OptionalInt.empty(), Optional.empty(),
                OptionalInt.empty(), OptionalInt.empty());
    }

    public SyncDaemon withMulticast(InetAddress group, int port, int ttl) {
        return new SyncDaemon(state, interfaceName, syncId, maxPacketBytes, Optional.of(group), OptionalInt.of(port),
                OptionalInt.of(ttl));
    }

    @Override
    public String toString() {
        return "sync " + state.name().toLowerCase() + " on " + interfaceName + " syncid " + syncId;
    }
}
