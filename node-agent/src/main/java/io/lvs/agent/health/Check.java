package io.lvs.agent.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One monitored target on the engine thread: its rise/fall state, its schedule, and the probe it
 * has in flight (at most one: the timeout is at most the interval, and the next slot is armed only
 * when a probe ends).
 */
final class Check {
    private final Engine engine;
    private final CheckKey key;
    private CheckTarget target;
    private RiseFall health;
    private Instant since;
    private Optional<ProbeResult> last = Optional.empty();
    /** The start time (monotonic) of the next probe. */
    private long slot;
    private Engine.Timer due;
    private Probe probe;
    private long probeStart;
    private Engine.Timer deadline;
    private boolean removed;
    private final Runnable dueAction = this::due;
    private final Runnable timeoutAction = this::timedOut;

    Check(Engine engine, CheckTarget target, long now) {
        this.engine = engine;
        this.key = target.key();
        this.health = RiseFall.start(target.initiallyHealthy());
        this.since = engine.clock.instant();
        configure(target, now);
    }

    CheckKey key() {
        return key;
    }

    CheckTarget target() {
        return target;
    }

    /** New parameters: the probe in flight (of the old ones) is dropped, health stays, counting and the schedule start over. */
    void reconfigure(CheckTarget t, long now) {
        stop();
        health = health.restart();
        configure(t, now);
    }

    /** The target went away: nothing of it runs any more. */
    void remove() {
        removed = true;
        stop();
    }

    private void configure(CheckTarget t, long now) {
        target = t;
        slot = Schedule.firstSlot(now, t.spec().interval().toNanos(), engine.random);
        due = engine.at(slot, dueAction);
        publish();
    }

    private void stop() {
        if (due != null) {
            due.cancel();
            due = null;
        } else if (probe == null) {
            engine.unqueue(this);
        }
        if (probe != null) {
            probe.abort();
            probe = null;
            deadline.cancel();
            deadline = null;
            engine.probeEnded();
        }
    }

    private void due() {
        due = null;
        engine.requestStart(this);
    }

    /** Starts a probe now (the engine counted it in flight). */
    void start(long now) {
        if (removed) {
            engine.probeEnded();
            return;
        }
        engine.metrics.lag(now - slot);
        CheckSpec spec = target.spec();
        slot = Schedule.nextSlot(slot, now, spec.interval().toNanos());
        probeStart = now;
        probe = switch (spec.type()) {
            case ICMP -> new IcmpProbe(engine, this, target);
            case TCP -> new TcpProbe(engine, this, target);
            case HTTP, HTTPS -> new HttpProbe(engine, this, target);
        };
        deadline = engine.at(now + spec.timeout().toNanos(), timeoutAction);
        probe.start();
    }

    private void timedOut() {
        Probe p = probe;
        deadline = null;
        if (p != null) {
            p.abort();
            finish(p, Outcome.TIMEOUT, "timed out after " + Durations.text(target.spec().timeout()) + " " + p.stage());
        }
    }

    /**
     * Probe {@code p} ended: record it, apply rise/fall, arm the next slot, and tell the listener if
     * health changed. A late report of a probe already abandoned (timed out, changed) is ignored.
     */
    void finish(Probe p, Outcome outcome, String message) {
        if (p != probe || removed) {
            return;
        }
        long now = System.nanoTime();
        probe = null;
        if (deadline != null) {
            deadline.cancel();
            deadline = null;
        }
        CheckSpec spec = target.spec();
        ProbeResult result = new ProbeResult(outcome, Duration.ofNanos(now - probeStart), engine.clock.instant(), message);
        engine.metrics.probe(spec.type(), outcome, now - probeStart);
        last = Optional.of(result);
        boolean wasHealthy = health.healthy();
        health = health.next(result.success(), spec.rise(), spec.fall());
        boolean changed = health.healthy() != wasHealthy;
        if (changed) {
            since = result.finished();
        }
        publish();
        due = engine.at(slot, dueAction);
        engine.probeEnded();
        if (changed) {
            // last: the listener may change the set of targets, this one included
            engine.emit(new Transition(key, health.healthy(), result.finished(), result));
        }
    }

    private void publish() {
        engine.publish(key, new HealthState(health.healthy(), since, last));
    }
}
