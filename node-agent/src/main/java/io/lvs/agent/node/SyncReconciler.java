package io.lvs.agent.node;

import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.ipvs.Ipvs;
import io.lvs.agent.kernel.ipvs.SyncDaemon;
import io.lvs.agent.kernel.ipvs.SyncState;
import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.state.StateDirectory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The IPVS connection-sync daemons (one master, one backup per node): starts the wanted ones, recording each before it
 * starts, restarts one of ours whose link or multicast settings changed, starts one again that someone stopped (drift), and stops ours when
 * no longer wanted. A daemon this agent did not start is never touched; when it stands where ours would, that is
 * reported.
 */
final class SyncReconciler {
    private static final InetAddress KERNEL_GROUP = InetAddress.ofLiteral("224.0.0.81"); // IP_VS_SYNC_GROUP
    private static final int KERNEL_PORT = 8848; // IP_VS_SYNC_PORT
    private static final int KERNEL_TTL = 1;
    private final StateDirectory state;

    SyncReconciler(StateDirectory state) {
        this.state = state;
    }

    /** What one step did: daemons started or stopped, ours found stopped by someone else, and problems as sentences. */
    record Result(int ops, int drift, List<String> problems) {
        static Result none() {
            return new Result(0, 0, List.of());
        }
    }

    Result apply(Optional<Ipvs> ipvs, List<SyncDaemon> wanted) {
        if (ipvs.isEmpty()) {
            return Result.none(); // no IPVS here: the IPVS step reports it
        }
        if (wanted.isEmpty() && state.owned().syncDaemons().isEmpty()) {
            return Result.none(); // nothing to start or stop: no read of the kernel on every pass of every node
        }
        List<SyncDaemon> running = ipvs.get().syncDaemons();
        int ops = 0;
        int drift = 0;
        List<String> problems = new ArrayList<>();
        for (SyncState role : SyncState.values()) {
            Optional<SyncDaemon> want = wanted.stream().filter(d -> d.state() == role).findFirst();
            Optional<SyncDaemon> run = running.stream().filter(d -> d.state() == role).findFirst();
            boolean ours = state.owned().syncDaemons().contains(role);
            try {
                if (want.isPresent()) {
                    if (run.isPresent() && same(run.get(), want.get())) {
                        continue; // ours, or somebody's doing just what we want: leave it running
                    }
                    if (run.isPresent() && !ours) {
                        problems.add("an IPVS sync " + name(role) + " daemon this agent did not start runs on "
                                + run.get().interfaceName() + " (sync id " + run.get().syncId() + "); left alone, so "
                                + "connections are not synced through " + want.get().interfaceName());
                        continue;
                    }
                    if (run.isPresent()) {
                        stop(ipvs.get(), role); // ours, on another link or with other settings: restart it
                        ops++;
                    } else if (ours) {
                        drift++; // we had started it; someone stopped it
                    }
                    state.save(state.owned().withSyncDaemon(role, true));
                    ipvs.get().startSyncDaemon(want.get());
                    ops++;
                } else if (ours) {
                    if (run.isPresent()) {
                        stop(ipvs.get(), role);
                        ops++;
                    }
                    state.save(state.owned().withSyncDaemon(role, false));
                }
            } catch (KernelException e) {
                problems.add("the IPVS sync " + name(role) + " daemon: " + e.getMessage());
            }
        }
        return new Result(ops, drift, problems);
    }

    private static void stop(Ipvs ipvs, SyncState role) {
        try {
            ipvs.stopSyncDaemon(role);
        } catch (KernelException e) {
            if (e.errno() != Errno.ESRCH) {
                throw e; // ESRCH: it stopped on its own meanwhile
            }
        }
    }

    /**
     * Whether a running daemon does what the wanted one asks: link, sync id and, where the wanted one sets them, the
     * multicast group, port and TTL (a kernel older than 4.3 reports none of these: it runs its defaults).
     */
    private static boolean same(SyncDaemon running, SyncDaemon wanted) {
        return running.interfaceName().equals(wanted.interfaceName()) && running.syncId() == wanted.syncId()
                && (wanted.multicastGroup().isEmpty()
                        || wanted.multicastGroup().equals(running.multicastGroup().or(() -> Optional.of(KERNEL_GROUP))))
                && (wanted.multicastPort().isEmpty()
                        || wanted.multicastPort().getAsInt() == running.multicastPort().orElse(KERNEL_PORT))
                && (wanted.multicastTtl().isEmpty()
                        || wanted.multicastTtl().getAsInt() == running.multicastTtl().orElse(KERNEL_TTL));
    }

    private static String name(SyncState role) {
        return role == SyncState.MASTER ? "master" : "backup";
    }
}
