package io.lvs.agent.node;

import io.lvs.agent.model.NodeDesired.ProbeSpec;
import io.lvs.api.v1alpha1.ProbeResult;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * The health of real servers as this node's probes see it: the seam between the loop and the health monitor. The
 * loop hands over the whole set of probes after each pass and is told when a verdict changes.
 */
public interface HealthChecks extends AutoCloseable {
    /** A probe's verdict after rise/fall, since when, and the probe that decided it. */
    record Verdict(boolean healthy, Instant since, Optional<ProbeResult> decidingProbe) {
    }

    /** Replaces the set of probes; probes already known keep their state. */
    void update(Collection<ProbeSpec> probes);

    /** The verdict of a known probe. */
    Optional<Verdict> verdict(String probeKey);

    /** Called (on the monitor's thread; must not block) after a verdict changed. */
    void onChange(Runnable listener);

    @Override
    void close();
}
