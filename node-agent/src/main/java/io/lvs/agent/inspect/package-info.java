/**
 * A read-only view of one node's kernel state for people: what IPVS holds (in ipvsadm's listing
 * layouts), which schedulers the kernel can provide, the addresses on {@code lo} and the sysctls the
 * product uses. {@link io.lvs.agent.inspect.NodeInspector} reads a {@link io.lvs.agent.inspect.NodeView}
 * through the kernel library and changes nothing; {@link io.lvs.agent.inspect.IpvsadmListing} and
 * {@link io.lvs.agent.inspect.InspectReport} turn it into text without I/O.
 */
package io.lvs.agent.inspect;
