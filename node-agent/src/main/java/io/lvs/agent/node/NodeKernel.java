package io.lvs.agent.node;

import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.fou.Fou;
import io.lvs.agent.kernel.ipvs.Ipvs;
import io.lvs.agent.kernel.ipvs.IpvsUnavailableException;
import io.lvs.agent.kernel.ipvs.KernelModules;
import io.lvs.agent.kernel.ipvs.Scheduler;
import io.lvs.agent.kernel.packet.Announcer;
import io.lvs.agent.kernel.rtnl.AddressWatcher;
import io.lvs.agent.kernel.rtnl.Rtnl;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import io.lvs.agent.kernel.sysctl.Sysctls;
import io.lvs.agent.model.KernelSupport;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel handles of the node's network namespace the loop works in: rtnetlink, sysctls, raw frames for
 * announcements, FOU ports and IPVS when the kernel has them (asked again on every use while it has not: an administrator may load
 * the module at any time). Used by the loop's thread only.
 */
public final class NodeKernel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeKernel.class);

    private final NetworkNamespace namespace;
    private final Rtnl rtnl;
    private final Sysctls sysctls;
    private final KernelModules modules;
    private Ipvs ipvs;
    private Announcer announcer;
    private Fou fou;
    private String ipvsProblem = "IPVS was not asked for yet";

    public NodeKernel(NetworkNamespace namespace, Path sysctlNet, KernelModules modules) {
        this.namespace = namespace;
        this.rtnl = Rtnl.open(namespace);
        this.sysctls = Sysctls.in(namespace, sysctlNet);
        this.modules = modules;
    }

    public NetworkNamespace namespace() {
        return namespace;
    }

    public Rtnl rtnl() {
        return rtnl;
    }

    public Sysctls sysctls() {
        return sysctls;
    }

    /** IPVS, or empty (with {@link #support()} saying why) when this kernel has none now. */
    public synchronized Optional<Ipvs> ipvs() {
        if (ipvs == null) {
            try {
                ipvs = Ipvs.open(namespace, modules);
                LOG.info("IPVS is available in {}", namespace);
            } catch (IpvsUnavailableException e) {
                ipvsProblem = "this node's kernel has no IPVS: load the ip_vs module (modprobe ip_vs, and list it in "
                        + "/etc/modules-load.d/ to survive reboots)";
            } catch (KernelException e) {
                ipvsProblem = "IPVS cannot be used on this node: " + e.getMessage();
            }
        }
        return Optional.ofNullable(ipvs);
    }

    /** Starts hearing this namespace's address changes as the kernel announces them (see {@link AddressWatcher}). */
    public AddressWatcher watchAddresses(java.util.function.Consumer<AddressWatcher.AddressEvent> listener) {
        return AddressWatcher.start(namespace, listener);
    }

    /**
     * FOU receive ports, opened on first use; throws {@link io.lvs.agent.kernel.fou.FouUnavailableException} (naming
     * the module to load) while the kernel has no fou module, and asks again on the next call.
     */
    public synchronized Fou fou() {
        if (fou == null) {
            fou = Fou.open(namespace);
            LOG.info("FOU is available in {}", namespace);
        }
        return fou;
    }

    /** The announcer for gratuitous ARP / unsolicited NA, opened on first use. */
    public synchronized Announcer announcer() {
        if (announcer == null) {
            announcer = Announcer.open(namespace);
        }
        return announcer;
    }

    /** What this kernel can do now: IPVS, and each scheduler (by its module). */
    public KernelSupport support() {
        Optional<String> ipvsMissing = ipvs().isPresent() ? Optional.empty() : Optional.of(ipvsProblem);
        return new KernelSupport(ipvsMissing, this::schedulerProblem);
    }

    private Optional<String> schedulerProblem(Scheduler s) {
        if (s.moduleName().isEmpty() || modules.state(s).available()) {
            return Optional.empty();
        }
        return Optional.of("scheduler " + s.kernelName() + " is not available in this node's kernel: its module "
                + s.moduleName().get() + " is neither loaded, built in nor installed under " + modules.moduleDir()
                + " (load it with modprobe " + s.moduleName().get() + ", or use another scheduler)");
    }

    @Override
    public synchronized void close() {
        rtnl.close();
        if (ipvs != null) {
            ipvs.close();
        }
        if (announcer != null) {
            announcer.close();
        }
        if (fou != null) {
            fou.close();
        }
    }
}
