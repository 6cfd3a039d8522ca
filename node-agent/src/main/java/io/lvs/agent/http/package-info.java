/**
 * The agent's HTTP endpoints: {@code /metrics} (Prometheus text format), {@code /healthz} and {@code /readyz} for the
 * DaemonSet's probes, and {@code /inspect} (the {@code lvs-node-agent inspect} view), answered only to the node itself.
 */
package io.lvs.agent.http;
