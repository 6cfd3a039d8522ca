/**
 * IPVS over generic netlink: the values ({@link io.lvs.agent.kernel.ipvs.Service},
 * {@link io.lvs.agent.kernel.ipvs.Destination}, ...), the wire format
 * ({@link io.lvs.agent.kernel.ipvs.IpvsCodec}, {@link io.lvs.agent.kernel.ipvs.IpvsConstants}) and the
 * handle ({@link io.lvs.agent.kernel.ipvs.Ipvs}, one per network namespace). What to change is decided
 * in {@code reconcile}, which is pure.
 */
package io.lvs.agent.kernel.ipvs;
