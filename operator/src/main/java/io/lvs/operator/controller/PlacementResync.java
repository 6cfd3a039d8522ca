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
 * Keeps the agents' DaemonSet in line with the caches, on one worker thread. The placement is global (every
 * VirtualService, RealServer and node), so reconciles only {@link #request()} a sync and requests arriving close
 * together are served by one computation. A timer also re-checks it, as a safety net: when the last VirtualService
 * goes while another reconcile still reads an older cache, no reconcile would follow to correct the DaemonSet.
 * Registered as an event source so it runs exactly while the controller runs, that is, only on the replica that
 * holds the leader Lease; it emits no events.
 */
final class PlacementResync extends AbstractEventSource<DaemonSet, VirtualService> {
    private static final Logger LOG = Logger.getLogger(PlacementResync.class);

    /** How long a request waits for others to join it. */
    private static final Duration COALESCE = Duration.ofMillis(200);

    private final Duration interval;
    private final Runnable resync;
    private final java.util.concurrent.atomic.AtomicBoolean requested = new java.util.concurrent.atomic.AtomicBoolean();
    private ScheduledExecutorService timer;

    PlacementResync(Duration interval, Runnable resync) {
        super(DaemonSet.class, "agent-placement-resync");
        this.interval = interval;
        this.resync = resync;
    }

    /** Asks for a sync soon; requests made before it runs are served by the same run. */
    synchronized void request() {
        if (timer != null && requested.compareAndSet(false, true)) {
            timer.schedule(this::runOnce, COALESCE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void start() {
        super.start();
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("agent-placement-resync").factory());
        // The first run waits one interval: the informers this reads have synced by then.
        timer.scheduleWithFixedDelay(this::runOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runOnce() {
        requested.set(false); // a request arriving during this run schedules another
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
