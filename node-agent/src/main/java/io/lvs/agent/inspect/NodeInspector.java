package io.lvs.agent.inspect;

import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.ipvs.DestinationEntry;
import io.lvs.agent.kernel.ipvs.Ipvs;
import io.lvs.agent.kernel.ipvs.IpvsUnavailableException;
import io.lvs.agent.kernel.ipvs.KernelModules;
import io.lvs.agent.kernel.ipvs.Scheduler;
import io.lvs.agent.kernel.ipvs.ServiceEntry;
import io.lvs.agent.kernel.rtnl.Link;
import io.lvs.agent.kernel.rtnl.Rtnl;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import io.lvs.agent.kernel.sysctl.ConfScope;
import io.lvs.agent.kernel.sysctl.Sysctl;
import io.lvs.agent.kernel.sysctl.Sysctls;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads a {@link NodeView} of one network namespace through the kernel library, and only reads: nothing
 * is set, and no module is loaded (asking for the IPVS netlink family makes the kernel load ip_vs when it
 * is installed but not loaded, so then IPVS is reported as not loaded instead). Each section is read on
 * its own, so a failure in one (say, no permission for IPVS) leaves the others intact.
 */
public final class NodeInspector {
    /** Where {@code net.*} parameters are unless the agent is told otherwise. */
    public static final Path PROC_SYS_NET = Path.of("/proc/sys/net");

    /** The interface DSR and tunnel real servers hold their VIPs on. */
    private static final String LOOPBACK = "lo";
    /** The IPVS core module. */
    private static final String IP_VS = "ip_vs";

    private final NetworkNamespace namespace;
    private final Path sysctlDirectory;
    private final Optional<String> node;
    private final Supplier<KernelModules> modules;

    /**
     * @param namespace       the network namespace to read
     * @param sysctlDirectory where {@code net.*} parameters are ({@link #PROC_SYS_NET}, or the host's mounted elsewhere)
     * @param node            the node's name, for the header
     * @param modules         where to ask about scheduler modules (normally {@link KernelModules#system()})
     */
    public NodeInspector(NetworkNamespace namespace, Path sysctlDirectory, Optional<String> node,
                         Supplier<KernelModules> modules) {
        this.namespace = namespace;
        this.sysctlDirectory = sysctlDirectory;
        this.node = node;
        this.modules = modules;
    }

    /**
     * The parameters the product reads or sets, for the scopes that decide their effect: forwarding
     * (NAT directors), ARP behaviour and reverse-path filtering (DSR and tunnel real servers keep VIPs on
     * lo; the kernel uses the maximum of "all" and the interface's value), and the IPVS parameters.
     */
    public static List<Sysctl> productSysctls() {
        List<Sysctl> keys = new ArrayList<>();
        keys.add(Sysctl.ipForward());
        List<ConfScope> scopes = List.of(ConfScope.ALL, ConfScope.of(LOOPBACK), ConfScope.DEFAULT);
        scopes.forEach(s -> keys.add(Sysctl.ipv6Forwarding(s)));
        scopes.forEach(s -> keys.add(Sysctl.arpIgnore(s)));
        scopes.forEach(s -> keys.add(Sysctl.arpAnnounce(s)));
        scopes.forEach(s -> keys.add(Sysctl.rpFilter(s)));
        keys.add(Sysctl.vsConntrack());
        keys.add(Sysctl.vsSloppyTcp());
        keys.add(Sysctl.vsExpireNodestConn());
        keys.add(Sysctl.vsConnReuseMode());
        return keys;
    }

    /**
     * Reads every section. Throws only when the namespace itself cannot be entered (it does not exist,
     * or entering it is not permitted): then there is nothing to show.
     */
    public NodeView read() {
        try {
            namespace.call(() -> Boolean.TRUE); // enter it once so that a missing namespace is one clear error
        } catch (KernelException e) {
            throw new KernelException("cannot enter " + namespace + ": " + e.getMessage(), e.errnoNumber(), e);
        }
        Reading<KernelModules> kernelModules = kernelModules();
        return new NodeView(node, namespace.toString(), ipvs(kernelModules), schedulers(kernelModules), loopback(),
                sysctlDirectory, sysctls());
    }

    private Reading<KernelModules> kernelModules() {
        try {
            return Reading.read(modules.get());
        } catch (UncheckedIOException e) {
            return Reading.failed(e.getMessage() + ": " + e.getCause().getMessage());
        }
    }

    private Reading<IpvsView> ipvs(Reading<KernelModules> kernelModules) {
        if (kernelModules instanceof Reading.Read<KernelModules> m && m.value().state(IP_VS) == KernelModules.State.LOADABLE) {
            return Reading.unavailable("IPVS is not loaded: module " + IP_VS + " is installed (" + m.value().moduleDir()
                    + ") and the kernel loads it on first use (ipvsadm, the agent's control loop); inspect only reads, "
                    + "so it leaves it unloaded");
        }
        try (Ipvs ipvs = Ipvs.open(namespace)) {
            List<ServiceListing> services = new ArrayList<>();
            for (ServiceEntry s : ipvs.services()) {
                List<DestinationEntry> destinations = ipvs.destinations(s.key());
                services.add(new ServiceListing(s, destinations));
            }
            return Reading.read(new IpvsView(ipvs.info(), services, ipvs.timeouts(), ipvs.syncDaemons()));
        } catch (IpvsUnavailableException e) {
            return Reading.unavailable(e.getMessage());
        } catch (KernelException e) {
            return Reading.failed(e.getMessage());
        }
    }

    private static Reading<SchedulerAvailability> schedulers(Reading<KernelModules> kernelModules) {
        return switch (kernelModules) {
            case Reading.Read<KernelModules> r -> {
                KernelModules m = r.value();
                Map<Scheduler, KernelModules.State> states = new EnumMap<>(Scheduler.class);
                for (Scheduler s : Scheduler.values()) {
                    if (s.moduleName().isPresent()) { // "none" is no algorithm and needs no module
                        states.put(s, m.state(s));
                    }
                }
                yield Reading.read(new SchedulerAvailability(m.moduleDir(), Files.isDirectory(m.moduleDir()), states));
            }
            case Reading.Unavailable<KernelModules> u -> Reading.unavailable(u.reason());
            case Reading.Failed<KernelModules> f -> Reading.failed(f.error());
        };
    }

    private Reading<Loopback> loopback() {
        try (Rtnl rtnl = Rtnl.open(namespace)) {
            Link lo = rtnl.requireLink(LOOPBACK);
            return Reading.read(new Loopback(lo, rtnl.addresses(lo)));
        } catch (KernelException e) {
            return Reading.failed(e.getMessage());
        }
    }

    private Reading<List<SysctlReading>> sysctls() {
        if (!Files.isDirectory(sysctlDirectory)) {
            // every parameter would read as absent: say what is really wrong
            return Reading.failed(sysctlDirectory + " is not a directory here, so no net.* parameter can be read");
        }
        Sysctls sysctls = Sysctls.in(namespace, sysctlDirectory);
        List<SysctlReading> out = new ArrayList<>();
        for (Sysctl key : productSysctls()) {
            out.add(new SysctlReading(key, sysctl(sysctls, key)));
        }
        return Reading.read(out);
    }

    private static Reading<Integer> sysctl(Sysctls sysctls, Sysctl key) {
        try {
            return sysctls.readIfPresent(key).<Reading<Integer>>map(Reading::read).orElseGet(() -> Reading.unavailable("absent"));
        } catch (KernelException e) {
            return Reading.failed(e.getMessage());
        }
    }
}
