/**
 * The only code of the agent that talks to Kubernetes: informers on the objects the loop reads, the NodeReport writer
 * (on change only, off the loop's thread, so an API outage never delays the kernel), the agent's Lease, and the
 * interim election over agents' Leases.
 */
package io.lvs.agent.kube;
