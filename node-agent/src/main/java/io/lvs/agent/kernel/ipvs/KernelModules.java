package io.lvs.agent.kernel.ipvs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Whether the kernel can provide a module, asked ahead of time: loaded ({@code /sys/module/NAME}),
 * built in ({@code modules.builtin}) or loadable on demand ({@code modules.dep} under
 * {@code /lib/modules/$(uname -r)}). IPVS loads a scheduler module when a service first names it, so
 * "absent" here is what makes IPVS_CMD_NEW_SERVICE fail with ENOENT.
 */
public final class KernelModules {

    /** What the kernel can do about one module. */
    public enum State {
        /** Loaded now. */
        LOADED,
        /** Compiled into the kernel. */
        BUILT_IN,
        /** Not loaded, but modprobe (and the kernel's own request_module) can load it. */
        LOADABLE,
        /** Neither loaded, built in nor installed: the feature is unavailable in this kernel. */
        ABSENT;

        public boolean available() {
            return this != ABSENT;
        }
    }

    private final Path sysModule;
    private final Path moduleDir;
    private Set<String> builtin;
    private Set<String> installed;

    /** Looks under {@code sysModule} (normally /sys/module) and {@code moduleDir} (/lib/modules/RELEASE). */
    public KernelModules(Path sysModule, Path moduleDir) {
        this.sysModule = sysModule;
        this.moduleDir = moduleDir;
    }

    /** The running kernel's module locations. */
    public static KernelModules system() {
        String release;
        try {
            release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the kernel release from /proc/sys/kernel/osrelease", e);
        }
        return new KernelModules(Path.of("/sys/module"), Path.of("/lib/modules", release));
    }

    /** Where this looks for installed modules, for messages. */
    public Path moduleDir() {
        return moduleDir;
    }

    /** The state of a module by name ({@code ip_vs_rr}; dashes and underscores are the same to the kernel). */
    public synchronized State state(String module) {
        String name = normalize(module);
        if (Files.isDirectory(sysModule.resolve(name))) {
            return State.LOADED;
        }
        if (builtin == null) {
            builtin = moduleNames(moduleDir.resolve("modules.builtin"));
            installed = moduleNames(moduleDir.resolve("modules.dep"));
        }
        if (builtin.contains(name)) {
            return State.BUILT_IN;
        }
        return installed.contains(name) ? State.LOADABLE : State.ABSENT;
    }

    /** The state of the module behind a scheduler; "none" needs no module. */
    public State state(Scheduler scheduler) {
        return scheduler.moduleName().map(this::state).orElse(State.BUILT_IN);
    }

    /** Module names from a modules.builtin / modules.dep file: the base name of each line's first path. */
    private static Set<String> moduleNames(Path file) {
        Set<String> names = new HashSet<>();
        try {
            for (String line : Files.readAllLines(file)) {
                int colon = line.indexOf(':');
                String path = (colon >= 0 ? line.substring(0, colon) : line).strip();
                int slash = path.lastIndexOf('/');
                String base = path.substring(slash + 1);
                int ko = base.indexOf(".ko");
                if (ko > 0) {
                    names.add(normalize(base.substring(0, ko)));
                }
            }
        } catch (NoSuchFileException e) {
            return names; // no module tree at all (e.g. a monolithic kernel): nothing is loadable
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return names;
    }

    private static String normalize(String module) {
        return module.replace('-', '_');
    }
}
