package io.lvs.agent.node;

import io.lvs.agent.kernel.rtnl.TunnelPayload;
import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.fou.FouPort;
import io.lvs.agent.kernel.fou.FouUnavailableException;
import io.lvs.agent.kernel.rtnl.FallbackTunnel;
import io.lvs.agent.kernel.rtnl.Link;
import io.lvs.agent.kernel.rtnl.Rtnetlink;
import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.state.StateDirectory;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A network namespace's tunnel devices and FOU ports as the kernel keeps them, for reconciler tests: the host kernel
 * here has no tunnel modules and no fou, so this stands in for it (the real kernel is exercised in the User-mode Linux
 * guest by {@code tunnel-real-server}). It behaves as 6.1 does, as seen there: loading a tunnel module (through an
 * RTM_NEWLINK naming its kind) makes the module's fallback device, down; RTM_NEWLINK of an existing name only sets its
 * flags; deleting a fallback device is acknowledged and changes nothing; without the fou module there is no FOU family;
 * adding a FOU port whose UDP port is taken fails with EADDRINUSE.
 *
 * <p>Every change is logged in {@link #calls}, and each checks that the reconciler recorded what it is about to take
 * before taking it ({@link #mustBeOwnedFirst}).
 */
final class FakeTunnelKernel implements TunnelKernel {
    /** Modules that can be loaded; the others are missing from this kernel. */
    final Set<FallbackTunnel> installed = EnumSet.allOf(FallbackTunnel.class);
    final Set<FallbackTunnel> loaded = EnumSet.noneOf(FallbackTunnel.class);
    final Map<String, Link> links = new TreeMap<>();
    final Set<String> fallbacks = new HashSet<>();
    boolean fouLoaded;
    final List<FouPort> fouPorts = new ArrayList<>();
    /** UDP ports (family-blind here) held by sockets that are not FOU ports. */
    final Set<Integer> udpInUse = new HashSet<>();
    TunnelPayload ip6tnlProtocol = TunnelPayload.IPV6;
    final List<String> calls = new ArrayList<>();
    private final StateDirectory state;
    private int nextIndex = 10;

    FakeTunnelKernel(StateDirectory state) {
        this.state = state;
    }

    /** The module of {@code device} is loaded (by someone else): its fallback device exists, down. */
    FakeTunnelKernel withModule(FallbackTunnel device) {
        load(device);
        return this;
    }

    /** A link that is not a tunnel device (a veth called tunl0, say). */
    FakeTunnelKernel withLink(String name, String kind, boolean up) {
        links.put(name, new Link(nextIndex++, name, up ? Rtnetlink.IFF_UP : 0, 1, 1500, Optional.empty(), Optional.of(kind)));
        return this;
    }

    void setUpByHand(String name, boolean up) {
        Link l = links.get(name);
        links.put(name, flagged(l, up));
    }

    boolean isUp(String name) {
        return links.containsKey(name) && links.get(name).isUp();
    }

    private void load(FallbackTunnel t) {
        loaded.add(t);
        links.put(t.device(), new Link(nextIndex++, t.device(), Rtnetlink.IFF_NOARP, 768, 1480, Optional.empty(),
                Optional.of(t.kind())));
        fallbacks.add(t.device());
    }

    private static Link flagged(Link l, boolean up) {
        int flags = up ? l.flags() | Rtnetlink.IFF_UP : l.flags() & ~Rtnetlink.IFF_UP;
        return new Link(l.index(), l.name(), flags, l.type(), l.mtu(), l.hardwareAddress(), l.kind());
    }

    private void mustBeOwnedFirst(String what, boolean owned) {
        if (!owned) {
            throw new AssertionError(what + " was not recorded in the state directory before the kernel was changed");
        }
    }

    @Override
    public Optional<Link> link(String name) {
        return Optional.ofNullable(links.get(name));
    }

    @Override
    public Optional<TunnelPayload> tunnelProtocol(String name) {
        return name.equals("ip6tnl0") && links.containsKey(name) ? Optional.of(ip6tnlProtocol) : Optional.empty();
    }

    @Override
    public Link addUp(FallbackTunnel device) {
        String name = device.device();
        calls.add("add " + name);
        mustBeOwnedFirst("creating " + name, state.owned().linksCreated().contains(name));
        if (!loaded.contains(device)) {
            if (!installed.contains(device)) {
                throw new KernelException("RTM_NEWLINK " + name + " (" + device.kind() + ", up): "
                        + Errno.describe(Errno.EOPNOTSUPP.number()) + " - kernel says: Unknown device type",
                        Errno.EOPNOTSUPP.number());
            }
            load(device);
        }
        Link l = links.get(name);
        if (l == null) {
            l = new Link(nextIndex++, name, Rtnetlink.IFF_NOARP, 768, 1480, Optional.empty(), Optional.of(device.kind()));
        }
        links.put(name, flagged(l, true));
        return links.get(name);
    }

    @Override
    public void setUp(Link link, boolean up) {
        calls.add((up ? "up " : "down ") + link.name());
        if (up) {
            mustBeOwnedFirst("bringing up " + link.name(), state.owned().linksUp().contains(link.name())
                    || state.owned().linksCreated().contains(link.name()));
        }
        setUpByHand(link.name(), up);
    }

    @Override
    public boolean delete(Link link) {
        calls.add("delete " + link.name());
        if (!links.containsKey(link.name())) {
            return false;
        }
        if (!fallbacks.contains(link.name())) {
            links.remove(link.name()); // a fallback device stays: the kernel acknowledges and keeps it
        }
        return true;
    }

    @Override
    public List<FouPort> fouPorts() {
        if (!fouLoaded) {
            throw new FouUnavailableException("the test's namespace", null);
        }
        return List.copyOf(fouPorts);
    }

    @Override
    public void openFou(FouPort port) {
        calls.add("open " + port.port() + (port.ipv6() ? " ipv6" : " ipv4"));
        mustBeOwnedFirst("opening " + port, state.owned().fouPorts().stream()
                .anyMatch(p -> p.port() == port.port() && p.ipv6() == port.ipv6()));
        if (!fouLoaded) {
            throw new FouUnavailableException("the test's namespace", null);
        }
        boolean taken = udpInUse.contains(port.port())
                || fouPorts.stream().anyMatch(p -> p.port() == port.port() && p.ipv6() == port.ipv6());
        if (taken) {
            throw new KernelException("FOU_CMD_ADD " + port + ": " + Errno.describe(Errno.EADDRINUSE.number()),
                    Errno.EADDRINUSE.number());
        }
        fouPorts.add(port);
    }

    @Override
    public boolean closeFou(FouPort port) {
        calls.add("close " + port.port() + (port.ipv6() ? " ipv6" : " ipv4"));
        return fouPorts.remove(port);
    }
}
