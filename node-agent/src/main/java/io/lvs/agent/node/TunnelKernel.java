package io.lvs.agent.node;

import io.lvs.agent.kernel.rtnl.TunnelPayload;
import io.lvs.agent.kernel.fou.FouPort;
import io.lvs.agent.kernel.rtnl.FallbackTunnel;
import io.lvs.agent.kernel.rtnl.Link;
import java.util.List;
import java.util.Optional;

/**
 * The kernel as the {@link TunnelReconciler} needs it: the fallback tunnel devices (rtnetlink) and the FOU receive
 * ports (generic netlink) of the node's namespace. {@link #of} is the real one; tests use a double because the host
 * kernel here has neither tunnel modules nor fou (the real one is proven inside a User-mode Linux guest).
 */
interface TunnelKernel {
    /** The link called {@code name}, if there is one. */
    Optional<Link> link(String name);

    /** What an ipip, sit or ip6tnl link carries inside (4, 41, or 0 for any), if it is one. */
    Optional<TunnelPayload> tunnelProtocol(String name);

    /** Adds the device (the kernel loads its module and, with it, its fallback device) and sets it up. */
    Link addUp(FallbackTunnel device);

    /** Sets a link up or down. */
    void setUp(Link link, boolean up);

    /** Deletes a link; false when it was gone already. */
    boolean delete(Link link);

    /** The FOU ports of the namespace; a KernelException naming the module to load when the kernel has no fou. */
    List<FouPort> fouPorts();

    /** Opens a FOU port. */
    void openFou(FouPort port);

    /** Closes a FOU port; false when there was no such port. */
    boolean closeFou(FouPort port);

    /** rtnetlink and FOU of the node kernel's namespace. */
    static TunnelKernel of(NodeKernel kernel) {
        return new TunnelKernel() {
            @Override
            public Optional<Link> link(String name) {
                return kernel.rtnl().link(name);
            }

            @Override
            public Optional<TunnelPayload> tunnelProtocol(String name) {
                return kernel.rtnl().tunnelProtocol(name);
            }

            @Override
            public Link addUp(FallbackTunnel device) {
                return kernel.rtnl().addLink(device.device(), device.kind(), true);
            }

            @Override
            public void setUp(Link link, boolean up) {
                kernel.rtnl().setLinkUp(link, up);
            }

            @Override
            public boolean delete(Link link) {
                return kernel.rtnl().deleteLink(link);
            }

            @Override
            public List<FouPort> fouPorts() {
                return kernel.fou().ports();
            }

            @Override
            public void openFou(FouPort port) {
                kernel.fou().add(port);
            }

            @Override
            public boolean closeFou(FouPort port) {
                return kernel.fou().remove(port);
            }
        };
    }
}
