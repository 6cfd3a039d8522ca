package io.lvs.agent.kube;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.lvs.agent.model.NodeDesired.DirectorGroup;
import io.lvs.agent.model.NodeDesired.Peer;
import io.lvs.agent.node.ActiveDirectors;
import io.lvs.api.v1alpha1.AgentLeases;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The interim director election: a rule over the agents' Leases. Among the directors of a VIP whose agents' Leases are
 * current, the one with the highest priority is active (ties: the lowest node name). Slow (a dead director is noticed
 * when its Lease lapses, up to {@link AgentLeases#DURATION}) and dependent on the API server, which is why
 * {@code VrrpElection} replaces it; kept for clusters where adverts between directors cannot flow. While this agent
 * cannot watch the Leases (API server unreachable), nothing moves.
 */
public final class LeaseRuleElection implements ActiveDirectors {
    private final String nodeName;
    private final Clock clock;
    private final SharedIndexInformer<Lease> leases;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("lvs-lease-election").factory());
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private Map<InetAddress, DirectorGroup> groups = Map.of();
    private final Map<InetAddress, Role> roles = new HashMap<>();
    private final Map<InetAddress, Instant> since = new HashMap<>();
    private boolean stopped;

    public LeaseRuleElection(KubernetesClient client, String namespace, String nodeName, Clock clock) {
        this.nodeName = nodeName;
        this.clock = clock;
        this.leases = client.leases().inNamespace(namespace).withLabel(AgentLeases.APP_LABEL, AgentLeases.APP)
                .runnableInformer(0);
        leases.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Lease obj) {
                recompute();
            }

            @Override
            public void onUpdate(Lease oldObj, Lease newObj) {
                recompute();
            }

            @Override
            public void onDelete(Lease obj, boolean deletedFinalStateUnknown) {
                recompute();
            }
        });
        leases.exceptionHandler((started, t) -> true); // an API server that is down now will be back: keep retrying
        leases.start();
        timer.scheduleWithFixedDelay(this::recompute, 2, 2, TimeUnit.SECONDS); // a Lease that lapses sends no event
    }

    @Override
    public void configure(Collection<DirectorGroup> newGroups) {
        Map<InetAddress, DirectorGroup> m = new HashMap<>();
        newGroups.forEach(g -> m.put(g.vip(), g));
        synchronized (this) {
            groups = m;
            for (DirectorGroup g : newGroups) {
                if (!roles.containsKey(g.vip())) {
                    // First sight (an agent start): keep what the kernel shows until the Leases are known.
                    roles.put(g.vip(), g.heldNow() ? Role.ACTIVE : Role.STANDBY);
                    if (g.heldNow()) {
                        since.put(g.vip(), clock.instant());
                    }
                }
            }
            roles.keySet().retainAll(m.keySet());
            since.keySet().retainAll(m.keySet());
        }
        recompute();
    }

    @Override
    public synchronized Role role(InetAddress vip) {
        return stopped ? Role.STANDBY : roles.getOrDefault(vip, Role.STANDBY);
    }

    @Override
    public synchronized Optional<Instant> activeSince(InetAddress vip) {
        return role(vip) == Role.ACTIVE ? Optional.ofNullable(since.get(vip)) : Optional.empty();
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private void recompute() {
        boolean changed = false;
        synchronized (this) {
            if (stopped || !leases.hasSynced() || !leases.isWatching()) {
                return; // never decide from Leases this agent cannot see
            }
            Set<String> alive = new HashSet<>();
            Instant now = clock.instant();
            for (Lease l : leases.getStore().list()) {
                if (l.getSpec() != null && l.getSpec().getHolderIdentity() != null && l.getSpec().getRenewTime() != null) {
                    int seconds = l.getSpec().getLeaseDurationSeconds() == null ? 40 : l.getSpec().getLeaseDurationSeconds();
                    if (l.getSpec().getRenewTime().toInstant().plusSeconds(seconds).isAfter(now)) {
                        alive.add(l.getSpec().getHolderIdentity());
                    }
                }
            }
            for (DirectorGroup g : groups.values()) {
                String winner = nodeName;
                int best = g.priority();
                for (Peer p : g.peers()) {
                    if (alive.contains(p.node()) && (p.priority() > best || (p.priority() == best && p.node().compareTo(winner) < 0))) {
                        winner = p.node();
                        best = p.priority();
                    }
                }
                Role r = winner.equals(nodeName) ? Role.ACTIVE : Role.STANDBY;
                Role before = roles.put(g.vip(), r);
                if (before != r) {
                    changed = true;
                    if (r == Role.ACTIVE) {
                        since.put(g.vip(), now);
                    } else {
                        since.remove(g.vip());
                    }
                }
            }
        }
        if (changed) {
            listeners.forEach(Runnable::run);
        }
    }

    @Override
    public void stop(boolean handOver) {
        synchronized (this) {
            stopped = true;
        }
        timer.shutdownNow();
        leases.stop();
        if (handOver) {
            listeners.forEach(Runnable::run);
        }
    }
}
