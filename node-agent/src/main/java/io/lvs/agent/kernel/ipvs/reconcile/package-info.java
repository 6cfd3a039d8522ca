/**
 * Reconcile, never flush: diffs a desired IPVS table against the kernel's and plans the minimal
 * operations, respecting ownership (a {@link io.lvs.agent.kernel.ipvs.reconcile.Ledger}) and draining
 * leaving destinations. No I/O and no clock.
 */
package io.lvs.agent.kernel.ipvs.reconcile;
