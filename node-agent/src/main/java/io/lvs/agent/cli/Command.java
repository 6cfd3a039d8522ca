package io.lvs.agent.cli;

import io.lvs.agent.inspect.IpvsadmListing.Layout;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** One invocation of {@code lvs-node-agent}, parsed from its arguments. */
public sealed interface Command {

    /** Print the usage text. */
    record Help() implements Command {
    }

    /**
     * Print this node's kernel state, read-only.
     *
     * @param netns  the named network namespace to read ({@code /var/run/netns/NAME}), or empty for the agent's own
     * @param layout the columns of the IPVS table
     */
    record Inspect(Optional<String> netns, Layout layout) implements Command {
        public Inspect {
            Objects.requireNonNull(netns, "netns");
            Objects.requireNonNull(layout, "layout");
        }
    }

    /** Run the agent: the control loop, until SIGTERM (settings from the environment). */
    record Run() implements Command {
    }

    /**
     * Remove everything the agent recorded in its state directory from the kernel and restore its sysctls, with no
     * agent running (after an uninstall that could not do it).
     */
    record Cleanup() implements Command {
    }

    /** Arguments that make no command; {@code message} says what is wrong. */
    record Invalid(String message) implements Command {
    }

    /** The ipvsadm options that choose the IPVS table's columns. */
    Map<String, Layout> LAYOUT_OPTIONS = Map.of(
            "--stats", Layout.STATS,
            "--rate", Layout.RATE,
            "--thresholds", Layout.THRESHOLDS,
            "--persistent-conn", Layout.PERSISTENT_CONN,
            "--tun-info", Layout.TUN_INFO);

    /** Parses {@code lvs-node-agent ARGS}; never throws. */
    static Command parse(List<String> args) {
        if (args.isEmpty()) {
            return new Help();
        }
        List<String> rest = args.subList(1, args.size());
        return switch (args.get(0)) {
            case "help", "--help", "-h" -> rest.isEmpty() ? new Help() : new Invalid("help takes no arguments");
            case "inspect" -> parseInspect(rest);
            case "run" -> rest.isEmpty() ? new Run() : new Invalid("run takes no arguments (its settings come from the "
                    + "environment: see 'lvs-node-agent help')");
            case "cleanup" -> rest.isEmpty() ? new Cleanup() : new Invalid("cleanup takes no arguments");
            default -> new Invalid("unknown command '" + args.get(0) + "'");
        };
    }

    private static Command parseInspect(List<String> args) {
        Optional<String> netns = Optional.empty();
        Optional<String> layoutOption = Optional.empty();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--netns") || a.startsWith("--netns=")) {
                String name = a.equals("--netns") ? (i + 1 < args.size() ? args.get(++i) : "") : a.substring("--netns=".length());
                if (name.isEmpty() || name.startsWith("-")) {
                    return new Invalid("--netns needs a namespace name (as in ip netns list)");
                }
                if (netns.isPresent()) {
                    return new Invalid("--netns given twice");
                }
                netns = Optional.of(name);
            } else if (LAYOUT_OPTIONS.containsKey(a)) {
                if (layoutOption.isPresent()) {
                    return new Invalid(layoutOption.get() + " and " + a + " choose different columns; give one");
                }
                layoutOption = Optional.of(a);
            } else {
                return new Invalid("unknown option '" + a + "' for inspect");
            }
        }
        return new Inspect(netns, layoutOption.map(LAYOUT_OPTIONS::get).orElse(Layout.DEFAULT));
    }
}
