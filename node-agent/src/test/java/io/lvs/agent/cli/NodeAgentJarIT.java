package io.lvs.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs.agent.kernel.ipvs.KernelModules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar as the image runs it: {@code java -jar lvs-node-agent.jar ARGS} with no other flag, and
 * node-agent/Dockerfile's own RUN step (recording the AOT cache), ENTRYPOINT and CMD (no Docker engine here to build the
 * image itself).
 */
class NodeAgentJarIT {
    private static final long TIMEOUT_SECONDS = 60;

    /** What one {@code java -jar} run printed and how it ended. */
    record Run(int exit, String out, String err) {
    }

    static Path jar() {
        String p = System.getProperty("lvs.agent.jar", "");
        if (p.isEmpty() || !Files.isRegularFile(Path.of(p))) {
            fail("system property lvs.agent.jar (set by node-agent/pom.xml) names no packaged jar: '" + p + "'");
        }
        return Path.of(p);
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static Run javaJar(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    static Run run(List<String> cmd) throws IOException, InterruptedException {
        return run(cmd, TIMEOUT_SECONDS);
    }

    static Run run(List<String> cmd, long timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("lvs-agent-jar", ".out");
        Path err = Files.createTempFile("lvs-agent-jar", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                fail(String.join(" ", cmd) + " did not finish within " + timeoutSeconds + " s");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void theManifestNamesTheCliAndGrantsNativeAccess() throws IOException {
        try (JarFile jar = new JarFile(jar().toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals(NodeAgentCli.class.getName(), main.getValue(Attributes.Name.MAIN_CLASS));
            assertEquals("ALL-UNNAMED", main.getValue("Enable-Native-Access"));
        }
    }

    @Test
    void javaJarWithoutArgumentsPrintsTheUsage() throws Exception {
        Run r = javaJar();
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Usage: lvs-node-agent COMMAND [OPTIONS]"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void javaJarInspectOnAKernelWithoutIpvsSaysSoWithoutANativeAccessWarning() throws Exception {
        assumeTrue(KernelModules.system().state("ip_vs") == KernelModules.State.ABSENT,
                "skipped: this kernel has IPVS (the guest scenario agent-inspect covers a kernel with IPVS)");

        Run r = javaJar("inspect");

        assertEquals(0, r.exit(), r.err());
        // netlink goes through restricted FFM methods: without the manifest entry the JVM warns on stderr
        assertEquals("", r.err());
        assertTrue(r.out().contains("\n# IPVS\nIPVS is not available in current network namespace"), r.out());
        assertTrue(r.out().contains("\n# Addresses on lo\nlo: up\n"), r.out());
    }

    @Test
    void theDockerfileCopiesThePackagedJarAndItsLibrariesRecordsTheAotCacheAndItsEntrypointAndCmdRunThem()
            throws Exception {
        Path moduleDir = Path.of(System.getProperty("lvs.agent.dir", "."));
        List<String> dockerfile = Files.readAllLines(moduleDir.resolve("Dockerfile"));
        List<String[]> copies = dockerfile.stream().filter(l -> l.startsWith("COPY ")).map(l -> l.split("\\s+")).toList();
        assertEquals(3, copies.size(), "the libraries, the jar, the JVM's flags and the AOT training: " + copies);
        assertEquals(moduleDir.resolve("target/lib/"), moduleDir.resolve(copies.get(0)[1]));
        assertTrue(Files.isDirectory(moduleDir.resolve(copies.get(0)[1])), "package produced target/lib/");
        String source = copies.get(1)[1];
        String target = copies.get(1)[2];
        assertEquals(jar(), moduleDir.resolve(source), "the COPY source is what package produced");
        assertEquals(Path.of(target).getParent().resolve("lib"), Path.of(copies.get(0)[2]).normalize(),
                "lib/ sits next to the jar, where its Class-Path manifest looks");
        String opt = Path.of(target).getParent() + "/";
        String[] docker = copies.get(2);
        assertEquals(opt, docker[docker.length - 1]);
        List<String> ignore = Files.readAllLines(moduleDir.resolve(".dockerignore"));
        assertTrue(ignore.contains("!" + source) && ignore.contains("!target/lib") && ignore.contains("!src/main/docker"),
                ".dockerignore keeps all three: " + ignore);
        assertTrue(dockerfile.contains("FROM eclipse-temurin:25-jre"), "a Java 25 JRE base");

        // the image's paths as this work tree has them: what COPY took from here, what RUN made in a scratch directory
        Path built = Files.createTempDirectory("lvs-agent-image");
        java.util.function.UnaryOperator<String> local = a -> {
            if (a.equals(target)) {
                return jar().toString();
            }
            for (int i = 1; i < docker.length - 1; i++) {
                String name = Path.of(docker[i]).getFileName().toString();
                a = a.replace(opt + name, moduleDir.resolve(docker[i]).toAbsolutePath().toString());
            }
            return a.replace(opt, built + "/");
        };
        try {
            List<String> training = jsonArray(dockerfile, "RUN ");
            assertEquals(List.of(opt + "aot-training.sh", "java", target, opt + "lvs-node-agent.aot"), training);
            List<String> train = new ArrayList<>(training.stream().map(local).toList());
            train.set(1, java());
            Run t = run(train, 180);
            assertEquals(0, t.exit(), t.out() + t.err());
            assertTrue(t.out().contains("aot-training: AOTCache creation is complete"), t.out());

            List<String> entrypoint = jsonArray(dockerfile, "ENTRYPOINT ");
            List<String> cmd = jsonArray(dockerfile, "CMD ");
            assertEquals(List.of("run"), cmd, "the image runs the agent");
            assertEquals(List.of("java", "@" + opt + "jvm.options", "-XX:AOTCache=" + opt + "lvs-node-agent.aot", "-jar",
                    target), entrypoint, "the flags are jvm.options, which the AOT cache was recorded with");

            // the image's command line, with this JDK's java; the cache must be used, not silently skipped
            List<String> image = new ArrayList<>(entrypoint.stream().map(local).toList());
            image.set(0, java());
            List<String> inspect = new ArrayList<>(image);
            inspect.add(2, "-XX:AOTMode=on");
            inspect.add("inspect");
            Run r = run(inspect);
            assertEquals(0, r.exit(), r.err());
            assertEquals("", r.err(), "the JVM takes every flag without a warning");
            assertTrue(r.out().startsWith("# lvs-node-agent inspect\n"), r.out());
            // "run" needs the DaemonSet's environment, and says so
            List<String> runCmd = new ArrayList<>(image);
            runCmd.addAll(cmd);
            Run bare = run(runCmd);
            assertEquals(2, bare.exit(), bare.err());
            assertTrue(bare.err().contains("NODE_NAME is not set"), bare.err());
        } finally {
            try (var files = Files.walk(built)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** The JSON-array form of a Dockerfile instruction, e.g. {@code CMD ["inspect"]}. */
    private static List<String> jsonArray(List<String> dockerfile, String instruction) {
        String line = dockerfile.stream().filter(l -> l.startsWith(instruction)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no " + instruction.strip() + " in the Dockerfile"));
        String body = line.substring(instruction.length()).strip();
        assertTrue(body.startsWith("[\"") && body.endsWith("\"]"), instruction + "in exec form: " + line);
        return List.of(body.substring(2, body.length() - 2).split("\",\\s*\""));
    }
}
