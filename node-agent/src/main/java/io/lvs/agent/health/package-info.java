/**
 * Health checks of real servers for the node agent: {@link io.lvs.agent.health.HealthMonitor} takes the
 * whole set of {@link io.lvs.agent.health.CheckTarget}s, probes them (ICMP, TCP, HTTP, HTTPS) on one
 * engine thread with non-blocking sockets, applies rise/fall, and reports
 * {@link io.lvs.agent.health.Transition}s and per-target {@link io.lvs.agent.health.HealthState}.
 *
 * <p>No Kubernetes types: the agent maps the API's health check onto {@link io.lvs.agent.health.CheckSpec}
 * and {@link io.lvs.agent.health.HttpRequest}. ICMP goes through the kernel library's
 * {@link io.lvs.agent.kernel.icmp.IcmpProber}; everything else is Java NIO and {@code SSLEngine}.
 */
package io.lvs.agent.health;
