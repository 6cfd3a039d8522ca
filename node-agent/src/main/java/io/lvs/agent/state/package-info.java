/**
 * The node's state directory: what this agent added to the kernel (IPVS entries, addresses, sysctls with their
 * previous values, links it brought up, FOU ports, drains in progress), written <em>before</em> each change is
 * applied, so a restart adopts exactly what it owns and an uninstall removes exactly that.
 */
package io.lvs.agent.state;
