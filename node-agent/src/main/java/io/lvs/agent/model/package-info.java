/**
 * Desired state: what this node must hold, computed by pure functions from a {@link io.lvs.agent.model.Snapshot} of
 * the objects, the health of real servers, the election's roles and the node's own network. No I/O, no clock: every
 * decision is a scenario test ("given these objects, this node holds this").
 */
package io.lvs.agent.model;
