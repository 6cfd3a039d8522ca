package io.lvs.operator.controller;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.lvs.api.v1alpha1.VirtualService;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Re-checks the agents' placement on a timer, as a safety net: every VirtualService reconcile and cleanup already
 * syncs it, but when the last VirtualService goes while another reconcile still reads an older cache, nothing would
 * reconcile again to remove a DaemonSet written from that older view. Registered as an event source so it runs
 * exactly while the controller runs, that is, only on the replica that holds the leader Lease; it emits no events.
 */
final class PlacementResync extends AbstractEventSource<DaemonSet, VirtualService> {
    private static final Logger LOG = Logger.getLogger(PlacementResync.class);

    private final Duration interval;
    private final Runnable resync;
    private ScheduledExecutorService timer;

    PlacementResync(Duration interval, Runnable resync) {
        super(DaemonSet.class, "agent-placement-resync");
        this.interval = interval;
        this.resync = resync;
    }

    @Override
    public synchronized void start() {
        super.start();
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("agent-placement-resync").factory());
        // The first run waits one interval: the informers this reads have synced by then.
        timer.scheduleWithFixedDelay(this::runOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runOnce() {
        try {
            resync.run();
        } catch (RuntimeException e) {
            LOG.warnf("re-checking the agents' placement failed (next try in %ds): %s", interval.toSeconds(), e.getMessage());
        }
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        super.stop();
    }

    @Override
    public Set<DaemonSet> getSecondaryResources(VirtualService primary) {
        return Set.of();
    }
}
