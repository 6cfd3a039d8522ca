package io.lvs.e2e.guest;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs a scenario of {@code e2e/guest/scenarios} inside the User-mode Linux guest through
 * {@code e2e/guest/run-scenario.sh} and returns what it reported. Builds nothing: the guest's Java
 * runs this test JVM's own classpath (the built modules and the local Maven repository, which the
 * guest sees through hostfs).
 */
public final class GuestScenario {
    /** Boot + scenario + halt budget when a test gives none. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    /** Time the runner gets after its own timeout to stop the guest and report. */
    private static final Duration RUNNER_GRACE = Duration.ofSeconds(30);
    /** Lines echoed to the build output; the log file keeps everything. */
    private static final Pattern SUMMARY = Pattern.compile("^(CHECK |RESULT: |TIMING |\\[host )");

    private GuestScenario() {
    }

    /** Runs {@code e2e/guest/scenarios/NAME.sh} with the default timeout. */
    public static GuestRun run(String name) {
        return run(name, DEFAULT_TIMEOUT);
    }

    /**
     * Runs {@code e2e/guest/scenarios/NAME.sh}. Skips the test when not root (the guest kernel is a
     * root-owned host program); fails when the harness cannot run (missing packages: see
     * {@code e2e/guest/install-deps.sh}).
     */
    public static GuestRun run(String name, Duration timeout) {
        assumeTrue(isRoot(), "guest scenario " + name + " skipped: needs root to run the User-mode Linux guest");
        Path guestDir = guestDir();
        Path script = guestDir.resolve("scenarios").resolve(name + ".sh");
        if (!Files.isReadable(script)) {
            fail("no guest scenario " + script);
        }
        Path log = logDir().resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(guestDir.resolve("run-scenario.sh").toString(), name)
                .redirectErrorStream(true);
        pb.environment().put("TIMEOUT", Long.toString(timeout.toSeconds()));
        pb.environment().put("LVS_CLASSPATH", guestClasspath());
        List<String> lines = new ArrayList<>();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + pb.command(), e);
        }
        // Read on another thread so that the deadline below holds even if the runner stops printing.
        Thread reader = Thread.ofPlatform().name("guest-" + name).start(() -> copy(p, name, log, lines));
        try {
            if (!p.waitFor(timeout.plus(RUNNER_GRACE).toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroy(); // SIGTERM: the runner's trap stops the guest
                if (!p.waitFor(RUNNER_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                }
                fail("guest scenario " + name + ": the runner did not finish within " + timeout.plus(RUNNER_GRACE));
            }
            reader.join(RUNNER_GRACE.toMillis());
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running guest scenario " + name, e);
        }
        synchronized (lines) {
            return GuestRun.parse(name, p.exitValue(), lines, log);
        }
    }

    private static void copy(Process p, String name, Path log, List<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = r.readLine()) != null) {
                w.println(line);
                if (SUMMARY.matcher(line).find()) {
                    System.out.println("[guest " + name + "] " + line);
                }
                synchronized (lines) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            System.err.println("[guest " + name + "] output lost: " + e);
        }
    }

    /**
     * This JVM's classpath, which the guest can use as it is: it holds the module output folders and
     * jars in the local Maven repository. The guest does not see /tmp or /run, so entries there fail.
     */
    static String guestClasspath() {
        String cp = System.getProperty("java.class.path", "");
        List<String> hidden = Arrays.stream(cp.split(":"))
                .filter(e -> e.startsWith("/tmp/") || e.startsWith("/run/"))
                .toList();
        if (!hidden.isEmpty()) {
            fail("classpath entries under /tmp or /run are invisible in the guest: " + hidden);
        }
        return cp;
    }

    static Path guestDir() {
        String dir = System.getProperty("lvs.guest.dir");
        if (dir == null || !Files.isDirectory(Path.of(dir))) {
            fail("system property lvs.guest.dir (set by e2e/pom.xml) does not name the e2e/guest folder: " + dir);
        }
        return Path.of(dir).toAbsolutePath();
    }

    private static Path logDir() {
        Path d = guestDir().getParent().resolve("target").resolve("guest-logs");
        try {
            return Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
