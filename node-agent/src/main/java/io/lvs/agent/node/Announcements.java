package io.lvs.agent.node;

import io.lvs.agent.kernel.InetText;
import io.lvs.agent.kernel.packet.Announcer;
import io.lvs.agent.kernel.rtnl.Link;
import io.lvs.agent.kernel.rtnl.Rtnl;
import io.lvs.agent.model.NodeDesired.Announce;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the neighbours that a VIP is here after this node takes it: a burst of gratuitous ARP (IPv4) or unsolicited
 * neighbour advertisements with the override flag (IPv6) at once, the same burst again after the repeat delay (for
 * switches and hosts that missed the first), and an optional periodic refresh while the VIP stays. Releasing the VIP
 * cancels what is scheduled. Sends on its own thread, so a slow send never holds the loop.
 */
final class Announcements implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Announcements.class);

    private final Supplier<Announcer> announcer;
    private final Rtnl rtnl;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("lvs-announce").factory());
    private final Map<InetAddress, List<ScheduledFuture<?>>> scheduled = new HashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    Announcements(Supplier<Announcer> announcer, Rtnl rtnl) {
        this.announcer = announcer;
        this.rtnl = rtnl;
    }

    /** Starts announcing {@code vip} on {@code link}: a burst now, a repeat, the refresh. */
    synchronized void acquired(InetAddress vip, String link, Announce a) {
        released(vip);
        List<ScheduledFuture<?>> futures = new ArrayList<>();
        futures.add(timer.schedule(() -> burst(vip, link, a.burst()), 0, TimeUnit.MILLISECONDS));
        if (!a.repeatDelay().isZero()) {
            futures.add(timer.schedule(() -> burst(vip, link, a.burst()), a.repeatDelay().toMillis(), TimeUnit.MILLISECONDS));
        }
        if (!a.refresh().isZero()) {
            long every = Math.max(a.refresh().toMillis(), Duration.ofSeconds(1).toMillis());
            futures.add(timer.scheduleAtFixedRate(() -> burst(vip, link, 1), every, every, TimeUnit.MILLISECONDS));
        }
        scheduled.put(vip, futures);
    }

    /** Stops announcing {@code vip}. */
    synchronized void released(InetAddress vip) {
        List<ScheduledFuture<?>> f = scheduled.remove(vip);
        if (f != null) {
            f.forEach(x -> x.cancel(false));
        }
    }

    /** Announcement frames sent so far (each gratuitous ARP or neighbour advertisement counts once). */
    long sent() {
        return sent.get();
    }

    long failed() {
        return failed.get();
    }

    private void burst(InetAddress vip, String linkName, int count) {
        try {
            Link link = rtnl.link(linkName).orElseThrow(() -> new IllegalStateException("link " + linkName + " is gone"));
            Announcer an = announcer.get();
            for (int i = 0; i < count; i++) {
                sent.addAndGet(an.announce(link, vip).frames());
            }
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            LOG.warn("announcing VIP {} on {} failed: {}", InetText.of(vip), linkName, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        scheduled.clear();
    }
}
