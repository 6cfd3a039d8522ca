/**
 * The director election over VRRPv3 (RFC 5798): {@link io.lvs.agent.election.VrrpInstance}, one virtual router's
 * state machine as a pure class driven by the caller's clock, and {@link io.lvs.agent.election.InstanceId}, which
 * adverts belong to it. The sockets and the {@code ActiveDirectors} implementation that drive it come later.
 */
package io.lvs.agent.election;
