package io.lvs.e2e.guest;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one guest scenario reported: its verdict line, its checks by name, the runner's timings and
 * the whole output (also kept in {@code log}).
 *
 * @param scenario the scenario name
 * @param exitCode the runner's exit status (0 only with a PASS verdict)
 * @param verdict  the runner's last {@code RESULT:} line, or "" when it printed none
 * @param checks   every {@code CHECK ok|FAIL name} line in order: name to passed
 * @param timings  the runner's {@code TIMING name=value} lines (seconds as text, "?" when unknown)
 * @param output   every line the runner printed
 * @param log      where the output was written
 */
public record GuestRun(String scenario, int exitCode, String verdict, Map<String, Boolean> checks,
                       Map<String, String> timings, List<String> output, Path log) {

    private static final Pattern CHECK = Pattern.compile("^CHECK (ok|FAIL) (.+?)(?:: .*)?$");
    private static final Pattern TIMING = Pattern.compile("^TIMING (\\w+)=(\\S+)$");
    private static final int TAIL_LINES = 60;

    /** Reads a runner's output. */
    static GuestRun parse(String scenario, int exitCode, List<String> output, Path log) {
        String verdict = "";
        Map<String, Boolean> checks = new LinkedHashMap<>();
        Map<String, String> timings = new LinkedHashMap<>();
        for (String line : output) {
            if (line.startsWith("RESULT: ")) {
                verdict = line;
            }
            Matcher c = CHECK.matcher(line);
            if (c.matches()) {
                // a name checked twice counts as failed if it failed once
                checks.merge(c.group(2), c.group(1).equals("ok"), Boolean::logicalAnd);
            }
            Matcher t = TIMING.matcher(line);
            if (t.matches()) {
                timings.put(t.group(1), t.group(2));
            }
        }
        return new GuestRun(scenario, exitCode, verdict, Map.copyOf(checks), Map.copyOf(timings),
                List.copyOf(output), log);
    }

    /** True when the runner's verdict is PASS and it exited 0. */
    public boolean passed() {
        return exitCode == 0 && verdict.equals("RESULT: PASS");
    }

    /** A runner timing in seconds, when the runner could measure it. */
    public Optional<Double> seconds(String timing) {
        String v = timings.getOrDefault(timing, "?");
        try {
            return Optional.of(Double.parseDouble(v));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Fails the test unless the scenario passed and every named check ran and passed. */
    public GuestRun assertPassed(String... requiredChecks) {
        List<String> problems = new ArrayList<>();
        if (!passed()) {
            problems.add("verdict: " + (verdict.isEmpty() ? "none" : verdict) + " (exit " + exitCode + ")");
        }
        checks.forEach((name, ok) -> {
            if (!ok) {
                problems.add("check failed: " + name);
            }
        });
        for (String name : requiredChecks) {
            if (!checks.containsKey(name)) {
                problems.add("check never ran: " + name);
            }
        }
        if (!problems.isEmpty()) {
            fail("guest scenario " + scenario + ": " + String.join("; ", problems) + "\n---- last lines (all in "
                    + log + ") ----\n" + String.join("\n", output.subList(Math.max(0, output.size() - TAIL_LINES), output.size())));
        }
        return this;
    }
}
