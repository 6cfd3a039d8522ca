package io.lvs.e2e.helm;

import io.lvs.e2e.apiserver.EmbeddedApiServer;
import io.lvs.e2e.apiserver.KubeTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real helm binary against one embedded API server, with cache, config and data directories of its own (nothing
 * read from or written to the user's). The test is skipped when helm cannot be had, and fails when it is broken.
 *
 * <p>{@link #install} and {@link #upgrade} add the two flags the embedded server needs and a real one does not:
 * {@code --server-side=false} (Helm 4 applies server-side by default; the server answers that with 415, so the release
 * records client-side apply, which later upgrades inherit) and {@code --disable-openapi-validation} (Helm validates
 * against OpenAPI v2, served as protobuf, which this server does not serve).
 */
final class RealHelm {
    /** One helm command: its exit status and its output and errors, interleaved. */
    record Run(int exit, String out) {
        Run orFail() {
            if (exit != 0) {
                throw new AssertionError("helm exited " + exit + ":\n" + out);
            }
            return this;
        }
    }

    private final Path binary;
    private final Path kubeconfig;
    private final Path home;

    private RealHelm(Path binary, Path kubeconfig, Path home) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
        this.home = home;
    }

    static RealHelm against(EmbeddedApiServer server, Path home) {
        Path helm = switch (KubeTools.lookup()) {
            case KubeTools.Found f -> f.helm();
            case KubeTools.Unavailable u -> Assumptions.abort("real helm needed: " + u.reason());
            case KubeTools.Broken b -> throw new AssertionError("real helm needed: " + b.reason());
        };
        return new RealHelm(helm, server.kubeconfig(), home);
    }

    Run install(String release, Path chart, String namespace, String... extra) {
        return run(concat(List.of("install", release, chart.toString(), "--namespace", namespace,
                "--server-side=false", "--disable-openapi-validation"), extra));
    }

    Run upgrade(String release, Path chart, String namespace, String... extra) {
        return run(concat(List.of("upgrade", release, chart.toString(), "--namespace", namespace,
                "--disable-openapi-validation"), extra));
    }

    Run run(String... args) {
        return run(List.of(args));
    }

    private Run run(List<String> args) {
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(args);
        command.addAll(List.of("--kubeconfig", kubeconfig.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
        builder.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
        builder.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
        try {
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("helm " + String.join(" ", args) + " did not finish within 120 s");
            }
            return new Run(process.exitValue(), out);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running helm", e);
        }
    }

    private static List<String> concat(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }
}
