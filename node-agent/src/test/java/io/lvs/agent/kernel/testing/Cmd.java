package io.lvs.agent.kernel.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an oracle command (ip, sysctl, tcpdump) for a test, bounded in time. */
public final class Cmd {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    /** What a command printed and its exit status. */
    public record Result(List<String> command, int exitCode, String out) {
        public Result requireOk() {
            if (exitCode != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + exitCode + ": " + out);
            }
            return this;
        }
    }

    private Cmd() {
    }

    /** Runs the command (stderr merged into the output); a command that overruns is killed and fails. */
    public static Result run(String... command) {
        return run(DEFAULT_TIMEOUT, command);
    }

    public static Result run(Duration timeout, String... command) {
        Path out = null;
        try {
            out = Files.createTempFile("lvs-cmd", ".out");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(List.of(command), p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + String.join(" ", command), e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a leftover temp file does not change the result
                }
            }
        }
    }

    /** Runs the command and fails the test unless it exits 0; returns its output. */
    public static String ok(String... command) {
        return run(command).requireOk().out();
    }
}
