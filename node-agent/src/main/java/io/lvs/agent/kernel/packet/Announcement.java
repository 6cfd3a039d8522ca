package io.lvs.agent.kernel.packet;

import io.lvs.agent.kernel.rtnl.Link;
import java.net.InetAddress;

/**
 * What one {@link Announcer#announce} sent.
 *
 * @param link   the interface the frames left on
 * @param vip    the address announced
 * @param frames how many frames were sent (two for {@link GarpForm#REQUEST_AND_REPLY})
 */
public record Announcement(Link link, InetAddress vip, int frames) {
}
