package io.lvs.e2e.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guest runner refuses a classpath it cannot give the guest before it boots anything or makes a run directory. */
class RunScenarioScriptTest {

    @Test
    void aMissingClasspathEntryIsNamedWithExitOneAndNoRunDirectory(@TempDir Path tmp) throws Exception {
        assumeTrue(GuestScenario.isRoot(), "skipped: the runner checks for root before the classpath");
        assumeTrue(onPath("linux.uml"), "skipped: no linux.uml (e2e/guest/install-deps.sh), which the runner checks first");
        Path work = tmp.resolve("work");
        String missing = "/nonexistent/lvs-missing-classes";
        String present = GuestScenario.guestDir().toString();
        ProcessBuilder pb = new ProcessBuilder(GuestScenario.guestDir().resolve("run-scenario.sh").toString(), "boot-check")
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("LVS_CLASSPATH", present + ":" + missing);
        pb.environment().put("WORK", work.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);

        assertEquals(1, p.exitValue(), out);
        List<String> lines = out.strip().lines().toList();
        assertEquals("RESULT: FAIL LVS_CLASSPATH entry " + missing + " does not exist (build first: ./mvnw -B -q install "
                + "-DskipTests)", lines.getLast(), out);
        assertFalse(out.contains("booting UML"), "nothing was booted: " + out);
        assertFalse(Files.exists(work), "no run directory, not even the work folder: " + work);
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
