package io.lvs.e2e.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the product starts the node agent, read from the files that define it, with the image's paths mapped to this
 * work tree: node-agent/Dockerfile's ENV, COPY, RUN and ENTRYPOINT (the JVM's environment, its flags from the
 * {@code @jvm.options} file, the AOT cache its RUN step records) and the chart's {@code agent.resources.memoryLimit}
 * (the container's memory limit, from which the JVM sizes its heap). Benchmarks start the agent exactly so.
 *
 * @param env         the image's environment (ENV)
 * @param jvmFlags    the JVM's flags, argument files expanded, paths mapped
 * @param jar         the agent's jar (the work tree's package)
 * @param buildSteps  the Dockerfile's RUN steps (exec form), paths mapped: what must run before the agent can start
 *                    (recording the AOT cache)
 * @param memoryLimit the chart's memory limit for the agent's container, in bytes
 */
record AgentImage(Map<String, String> env, List<String> jvmFlags, Path jar, List<List<String>> buildSteps,
                  long memoryLimit) {

    /**
     * Reads the image's definition. {@code java}: the java the steps run with; {@code built}: where what the RUN steps
     * make in the image goes instead (it must be visible wherever the agent runs).
     */
    static AgentImage read(Path repo, Path java, Path built) {
        try {
            Path module = repo.resolve("node-agent");
            List<String> dockerfile = Files.readAllLines(module.resolve("Dockerfile"));
            Map<String, String> env = new LinkedHashMap<>();
            Map<String, Path> copied = new LinkedHashMap<>(); // image path -> work tree path
            List<List<String>> run = new ArrayList<>();
            List<String> entrypoint = List.of();
            for (String line : dockerfile) {
                if (line.startsWith("ENV ")) {
                    for (String kv : line.substring(4).strip().split("\\s+")) {
                        int eq = kv.indexOf('=');
                        env.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                } else if (line.startsWith("COPY ")) {
                    String[] w = line.substring(5).strip().split("\\s+");
                    String dest = w[w.length - 1];
                    for (int i = 0; i < w.length - 1; i++) {
                        String name = Path.of(w[i]).getFileName().toString();
                        copied.put(dest.endsWith("/") && w.length > 2 ? dest + name : dest.replaceAll("/$", ""),
                                module.resolve(w[i]));
                    }
                } else if (line.startsWith("RUN [")) {
                    run.add(execForm(line.substring(4)));
                } else if (line.startsWith("ENTRYPOINT ")) {
                    entrypoint = execForm(line.substring("ENTRYPOINT ".length()));
                }
            }
            if (entrypoint.isEmpty() || !entrypoint.getFirst().equals("java") || !entrypoint.contains("-jar")) {
                throw new IllegalStateException("node-agent/Dockerfile's ENTRYPOINT is not [\"java\", FLAGS..., \"-jar\", JAR]");
            }
            java.util.function.UnaryOperator<String> map = a -> map(a, copied, built);
            List<String> flags = new ArrayList<>();
            for (String f : entrypoint.subList(1, entrypoint.indexOf("-jar"))) {
                if (f.startsWith("@")) {
                    for (String l : Files.readAllLines(Path.of(map.apply(f.substring(1))))) {
                        if (!l.isBlank() && !l.strip().startsWith("#")) {
                            flags.add(map.apply(l.strip()));
                        }
                    }
                } else {
                    flags.add(map.apply(f));
                }
            }
            List<List<String>> steps = run.stream().map(step -> step.stream()
                    .map(a -> a.equals("java") ? java.toString() : map.apply(a)).toList()).toList();
            JsonNode values = new ObjectMapper(new YAMLFactory()).readTree(repo.resolve("helm/lvs-operator/values.yaml")
                    .toFile());
            String limit = values.at("/agent/resources/memoryLimit").asText();
            Path jar = Path.of(map.apply(entrypoint.get(entrypoint.indexOf("-jar") + 1)));
            return new AgentImage(Map.copyOf(env), List.copyOf(flags), jar, steps, bytes(limit));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The work-tree path of an image path inside {@code arg} (a flag such as {@code -XX:AOTCache=/opt/...}). */
    private static String map(String arg, Map<String, Path> copied, Path built) {
        int at = arg.indexOf("/opt/lvs/");
        if (at < 0) {
            return arg;
        }
        String path = arg.substring(at);
        Path local = copied.get(path);
        if (local == null) {
            local = built.resolve(path.substring("/opt/lvs/".length())); // made by a RUN step
        }
        return arg.substring(0, at) + local;
    }

    /** Runs the RUN steps, printing their output; throws with it when one fails. */
    void build() throws IOException, InterruptedException {
        for (List<String> step : buildSteps) {
            Process p = new ProcessBuilder(step).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", step) + " failed:\n" + out);
            }
            System.out.print(out);
        }
    }

    private static List<String> execForm(String json) throws IOException {
        List<String> out = new ArrayList<>();
        new ObjectMapper().readTree(json).forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
    }

    /** A Kubernetes quantity in bytes (Ki, Mi, Gi or none). */
    static long bytes(String quantity) {
        for (Map.Entry<String, Long> unit : Map.of("Ki", 1L << 10, "Mi", 1L << 20, "Gi", 1L << 30).entrySet()) {
            if (quantity.endsWith(unit.getKey())) {
                return Long.parseLong(quantity.substring(0, quantity.length() - 2)) * unit.getValue();
            }
        }
        return Long.parseLong(quantity);
    }
}
