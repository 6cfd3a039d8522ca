package io.lvs.e2e.operator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator as users run it: the packaged Quarkus application ({@code operator/target/quarkus-app}) in its own
 * JVM, production profile (leader election on), pointed at an API server by a kubeconfig.
 */
public final class OperatorProcess implements AutoCloseable {
    private final Process process;
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());

    private OperatorProcess(Process process) {
        this.process = process;
        Thread.ofPlatform().daemon().name("operator-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                }
            } catch (IOException e) {
                output.add("(output closed: " + e.getMessage() + ")");
            }
        });
    }

    /** The packaged operator next to this module; fails with the build command when it is missing. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("lvs.operatorJar", "../operator/target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("the operator is not packaged at " + jar.toAbsolutePath()
                    + "; build it first: ./mvnw -B -pl operator -am package -DskipTests");
        }
        return jar;
    }

    /** Starts the operator with {@code kubeconfig}; {@code env} adds LVS_* / QUARKUS_* settings. */
    public static OperatorProcess start(Path kubeconfig, Map<String, String> env) {
        return start(kubeconfig, env, List.of("-Xmx256m"));
    }

    /** Starts the operator with {@code kubeconfig}, {@code env} and these JVM options (heap, collector, recording). */
    public static OperatorProcess start(Path kubeconfig, Map<String, String> env, List<String> jvmOptions) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        pb.environment().put("QUARKUS_HTTP_PORT", "0");
        pb.environment().putAll(env);
        try {
            return new OperatorProcess(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the operator", e);
        }
    }

    public List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    /** The operator's process id (to read its CPU time from /proc). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Stops it as Kubernetes would (SIGTERM) and returns its exit code: 143 (128 + SIGTERM) after the JVM's orderly
     * shutdown. Signals through the process handle, which, unlike {@link Process#destroy()}, leaves the output
     * stream open so the shutdown's log lines are kept.
     */
    public int stop(Duration grace) {
        process.toHandle().destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop(Duration.ofSeconds(20));
        }
    }
}
