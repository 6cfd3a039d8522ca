/**
 * FOU (Foo over UDP) receive ports over generic netlink: the kernel's UDP sockets that strip a UDP (and, for GUE, a
 * GUE) header and hand the inner packet to the IP protocol it names. A Tunnel real server of a GUE VirtualService needs
 * one on the VirtualService's port. The values ({@link io.lvs.agent.kernel.fou.FouPort}), the handle
 * ({@link io.lvs.agent.kernel.fou.Fou}, one per network namespace); the wire format stays inside this package.
 */
package io.lvs.agent.kernel.fou;
