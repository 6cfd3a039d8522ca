package io.lvs.agent.health;

/**
 * One probe in flight, driven by the engine thread. It reports its end to its {@link Check} exactly
 * once, never from inside {@link #start()} (a result known at once is deferred), and reports
 * nothing after {@link #abort()}.
 */
interface Probe {
    /** Begins the probe without blocking. */
    void start();

    /** Abandons the probe (timeout, target changed or removed): releases its socket, reports nothing. */
    void abort();

    /** Where it is, for a timeout's message: "connecting", "waiting for the response"... */
    String stage();
}
