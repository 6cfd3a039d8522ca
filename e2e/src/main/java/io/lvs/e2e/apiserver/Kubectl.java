package io.lvs.e2e.apiserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the real kubectl against one embedded API server.
 *
 * <p>Each run gets a fresh discovery cache: kubectl caches discovery for six hours and does not
 * re-read it when a category ({@code kubectl get lvs}) misses a CRD created after the cache was
 * filled, which a person would fix with {@code rm -rf ~/.kube/cache/discovery}. Tests should not
 * depend on that.
 */
public final class Kubectl {

    /** What one kubectl run printed and returned. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {

        public boolean succeeded() {
            return exitCode == 0;
        }

        /** This result, or an {@link AssertionError} showing the command and everything it printed. */
        public Result orFail() {
            if (!succeeded()) {
                throw new AssertionError(this);
            }
            return this;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n"
                    + stderr;
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Path binary;
    private final Path kubeconfig;

    public Kubectl(Path binary, Path kubeconfig) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
    }

    /** The same kubectl acting as another identity: with {@code otherKubeconfig}'s token. */
    public Kubectl as(Path otherKubeconfig) {
        return new Kubectl(binary, otherKubeconfig);
    }

    /** The kubeconfig this kubectl uses. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** kubectl for {@code server}, with the binary from {@link KubeTools}. */
    public static Kubectl of(KubeTools.Found tools, EmbeddedApiServer server) {
        return new Kubectl(tools.kubectl(), server.kubeconfig());
    }

    /**
     * Runs {@code kubectl --kubeconfig=... ARGS} and waits for it (60 s at most, then it is killed
     * and the result says so with exit code -1).
     */
    public Result run(String... args) {
        Path work = null;
        try {
            work = Files.createTempDirectory("kubectl-");
            List<String> command = new ArrayList<>(List.of(binary.toString(), "--kubeconfig=" + kubeconfig,
                    "--cache-dir=" + work.resolve("cache")));
            command.addAll(List.of(args));
            Path out = work.resolve("stdout");
            Path err = work.resolve("stderr");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().remove("KUBECONFIG");
            Process process = builder.start();
            boolean finished = process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            return new Result(List.copyOf(command), finished ? process.exitValue() : -1,
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8) + (finished ? "" : "\n(killed after " + TIMEOUT + ")"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + binary, e);
        } finally {
            if (work != null) {
                deleteTree(work);
            }
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
