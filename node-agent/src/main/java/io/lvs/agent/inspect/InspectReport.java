package io.lvs.agent.inspect;

import io.lvs.agent.inspect.IpvsadmListing.Layout;
import io.lvs.agent.kernel.ipvs.KernelModules;
import io.lvs.agent.kernel.ipvs.Scheduler;
import io.lvs.agent.kernel.rtnl.AddressFlag;
import io.lvs.agent.kernel.InetText;
import io.lvs.agent.kernel.rtnl.InterfaceAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The text of {@code lvs-node-agent inspect}: a {@link NodeView} as titled sections ("# IPVS", ...), each
 * in the shape of the tool people know for it: ipvsadm for IPVS, ip(8) for addresses, sysctl(8) names
 * for parameters. A section that could not be read prints "error: ..." in its place.
 */
public final class InspectReport {
    /** The title of the section whose body is exactly what {@code ipvsadm -Ln} (with the layout option) prints. */
    public static final String IPVS_SECTION = "# IPVS";

    private InspectReport() {
    }

    /** The whole report, one line per element, sections separated by an empty line. */
    public static List<String> lines(NodeView view, Layout layout) {
        List<String> out = new ArrayList<>();
        out.add("# lvs-node-agent inspect");
        out.add("node: " + view.node().orElse("(NODE_NAME is not set)"));
        out.add("network namespace: " + view.namespace());
        section(out, IPVS_SECTION, body(view.ipvs(), ipvs -> ipvs(ipvs, layout)));
        if (view.ipvs() instanceof Reading.Read<IpvsView> r) {
            section(out, "# IPVS timeouts", List.of(IpvsadmListing.timeouts(r.value().timeouts())));
            List<String> daemons = IpvsadmListing.syncDaemons(r.value().syncDaemons());
            section(out, "# IPVS sync daemons", daemons.isEmpty() ? List.of("none running") : daemons);
        }
        section(out, "# IPVS schedulers", body(view.schedulers(), InspectReport::schedulers));
        section(out, "# Addresses on lo", body(view.loopback(), InspectReport::loopback));
        section(out, "# Sysctls (net.* read under " + view.sysctlDirectory() + ")",
                body(view.sysctls(), InspectReport::sysctls));
        return out;
    }

    /** The report as text with a final newline. */
    public static String text(NodeView view, Layout layout) {
        return String.join("\n", lines(view, layout)) + "\n";
    }

    private static void section(List<String> out, String title, List<String> body) {
        out.add("");
        out.add(title);
        out.addAll(body);
    }

    /** A section's lines: its value's, or the reason it is not there, or the error. */
    private static <T> List<String> body(Reading<T> reading, Function<T, List<String>> lines) {
        return switch (reading) {
            case Reading.Read<T> r -> lines.apply(r.value());
            case Reading.Unavailable<T> u -> List.of(u.reason());
            case Reading.Failed<T> f -> List.of("error: " + f.error());
        };
    }

    private static List<String> ipvs(IpvsView ipvs, Layout layout) {
        List<String> lines = new ArrayList<>();
        lines.add(IpvsadmListing.versionLine(ipvs.info()));
        lines.addAll(IpvsadmListing.table(ipvs.services(), layout));
        return lines;
    }

    private static List<String> schedulers(SchedulerAvailability schedulers) {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<Scheduler, KernelModules.State> e : schedulers.states().entrySet()) {
            lines.add(String.format("%-6s %s", e.getKey().kernelName(), stateText(e.getValue())));
        }
        if (!schedulers.moduleDirectoryPresent()) {
            lines.add("note: " + schedulers.moduleDirectory() + " does not exist here, so a scheduler whose module "
                    + "is not loaded shows as absent (mount the host's /lib/modules to see installed modules)");
        }
        return lines;
    }

    /** Built in, loaded, installed as a module the kernel loads on first use, or absent. */
    static String stateText(KernelModules.State state) {
        return switch (state) {
            case BUILT_IN -> "built in";
            case LOADED -> "loaded";
            case LOADABLE -> "module present";
            case ABSENT -> "absent";
        };
    }

    private static List<String> loopback(Loopback lo) {
        List<String> lines = new ArrayList<>();
        lines.add(lo.link().name() + ": " + (lo.link().isUp() ? "up" : "down"));
        for (InterfaceAddress a : lo.addresses()) {
            lines.add(address(a));
        }
        return lines;
    }

    /** "inet 203.0.113.10/32 scope global lo", "inet6 2001:db8::10/128 scope global nodad" — as ip(8) has it. */
    static String address(InterfaceAddress a) {
        StringBuilder s = new StringBuilder(a.isIpv4() ? "inet " : "inet6 ")
                .append(InetText.of(a.address())).append('/').append(a.prefixLength())
                .append(" scope ").append(a.scopeName());
        for (AddressFlag f : AddressFlag.values()) {
            // every hand-made address is permanent; ip(8) does not print that flag either
            if (f != AddressFlag.IFA_F_PERMANENT && a.flags().contains(f)) {
                s.append(' ').append(f.name().substring("IFA_F_".length()).toLowerCase(Locale.ROOT));
            }
        }
        a.label().ifPresent(l -> s.append(' ').append(l));
        return s.toString();
    }

    private static List<String> sysctls(List<SysctlReading> sysctls) {
        int width = sysctls.stream().mapToInt(s -> s.key().name().length()).max().orElse(0);
        List<String> lines = new ArrayList<>();
        for (SysctlReading s : sysctls) {
            String value = switch (s.value()) {
                case Reading.Read<Integer> r -> r.value().toString();
                case Reading.Unavailable<Integer> u -> "absent";
                case Reading.Failed<Integer> f -> "error: " + f.error();
            };
            lines.add(String.format("%-" + width + "s = %s", s.key().name(), value));
        }
        return lines;
    }
}
