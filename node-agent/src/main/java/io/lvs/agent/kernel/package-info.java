/**
 * The only part of lvs-operator that touches the Linux kernel: IPVS, FOU ports and rtnetlink over netlink,
 * sysctls, gratuitous ARP / unsolicited neighbour advertisements, ICMP echo.
 *
 * <p>Everything is reached through the Java FFM API ({@code java.lang.foreign}); nothing here
 * shells out. Sub-packages: {@code sys} (libc bindings, errno, network namespaces),
 * {@code netlink} (socket, message codec, generic netlink), and one package per kernel subsystem.
 */
package io.lvs.agent.kernel;
