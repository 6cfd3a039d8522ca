package io.lvs.agent.kernel.ipvs;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An IPVS virtual service as configured: everything {@code ipvsadm -A/-E} can set. Every field can be
 * changed in place (IPVS_CMD_SET_SERVICE) except the key.
 *
 * @param key               what identifies the service
 * @param scheduler         how new connections pick a destination
 * @param schedulerFlags    sh/mh options (ipvsadm {@code -b})
 * @param persistence       client persistence (ipvsadm {@code -p/-M}), or empty for none
 * @param onePacket         one-packet scheduling (ipvsadm {@code -o}): each UDP datagram is scheduled alone
 * @param persistenceEngine the persistence engine module name, e.g. "sip" (ipvsadm {@code --pe}), or empty
 */
public record Service(ServiceKey key, Scheduler scheduler, Set<SchedulerFlag> schedulerFlags,
                      Optional<Persistence> persistence, boolean onePacket, Optional<String> persistenceEngine) {

    public Service {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(scheduler, "scheduler");
        schedulerFlags = schedulerFlags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(schedulerFlags));
        Objects.requireNonNull(persistence, "persistence");
        Objects.requireNonNull(persistenceEngine, "persistenceEngine");
        persistence.ifPresent(p -> {
            boolean v6 = key.family() == AddressFamily.INET6;
            if (v6 ? p.netmaskBits() < 1 : p.netmaskBits() > 32) {
                throw new IllegalArgumentException(key + ": persistence netmask /" + p.netmaskBits()
                        + " is outside " + (v6 ? "1..128" : "0..32"));
            }
        });
        persistenceEngine.ifPresent(pe -> {
            if (pe.isEmpty() || pe.length() >= IpvsConstants.IP_VS_PENAME_MAXLEN || !pe.chars().allMatch(c -> c > 32 && c < 127)) {
                throw new IllegalArgumentException(key + ": persistence engine name '" + pe + "' must be 1.."
                        + (IpvsConstants.IP_VS_PENAME_MAXLEN - 1) + " printable ASCII characters");
            }
        });
    }

    /** A service with only a scheduler: no flags, no persistence. */
    public static Service of(ServiceKey key, Scheduler scheduler) {
        return new Service(key, scheduler, Set.of(), Optional.empty(), false, Optional.empty());
    }

    public Service withScheduler(Scheduler s) {
        return new Service(key, s, schedulerFlags, persistence, onePacket, persistenceEngine);
    }

    public Service withSchedulerFlags(Set<SchedulerFlag> flags) {
        return new Service(key, scheduler, flags, persistence, onePacket, persistenceEngine);
    }

    public Service withPersistence(Persistence p) {
        return new Service(key, scheduler, schedulerFlags, Optional.of(p), onePacket, persistenceEngine);
    }

    public Service withoutPersistence() {
        return new Service(key, scheduler, schedulerFlags, Optional.empty(), onePacket, persistenceEngine);
    }

    public Service withOnePacket(boolean on) {
        return new Service(key, scheduler, schedulerFlags, persistence, on, persistenceEngine);
    }

    public Service withPersistenceEngine(String name) {
        return new Service(key, scheduler, schedulerFlags, persistence, onePacket, Optional.of(name));
    }

    /** "TCP 192.0.2.10:80 rr persistent 300 /24" — the shape of an {@code ipvsadm -Ln} service line. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder().append(key).append(' ').append(scheduler.kernelName());
        if (!schedulerFlags.isEmpty()) {
            s.append(" (").append(String.join(",", EnumSet.copyOf(schedulerFlags).stream().map(SchedulerFlag::label).toList()))
                    .append(')');
        }
        persistence.ifPresent(p -> s.append(" persistent ").append(p.timeout().getSeconds()).append(" /").append(p.netmaskBits()));
        if (onePacket) {
            s.append(" ops");
        }
        persistenceEngine.ifPresent(pe -> s.append(" pe ").append(pe));
        return s.toString();
    }
}
