/**
 * The control loop: one coalescing work queue; each pass computes desired state ({@link io.lvs.agent.model}) and
 * hands each kernel concern to its reconciler (tunnel devices and FOU ports, sysctls, IPVS, sync daemons, addresses),
 * which diffs it against the kernel and the ownership journal, records what it is about to add, applies the minimal
 * operations and never flushes. Touches the kernel only through the kernel library's façades.
 */
package io.lvs.agent.node;
