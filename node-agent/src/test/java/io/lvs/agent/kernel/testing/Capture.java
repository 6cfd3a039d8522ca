package io.lvs.agent.kernel.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tcpdump raw capture in a namespace, the oracle for frames on the wire: started before the
 * traffic, it returns each captured frame's summary line and its bytes ({@code -e -xx}).
 */
public final class Capture implements AutoCloseable {
    private static final long WAIT_MS = 10_000;

    /** One captured frame: tcpdump's summary line (with -e: MACs, EtherType) and the frame's bytes. */
    public record Frame(String summary, byte[] bytes) {
    }

    private final Process process;
    private final Path output;

    private Capture(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /**
     * Starts {@code tcpdump -i DEVICE -c COUNT FILTER} in {@code ns} and waits until it is listening.
     * {@code -Q in}: only frames that arrive on the device.
     */
    public static Capture start(Netns ns, String device, int count, String filter) {
        Path out;
        try {
            out = Files.createTempFile("lvs-capture", ".txt");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns.name(), "tcpdump", "-i", device, "-Q", "in",
                "-nn", "-e", "-xx", "-v", "-l", "-c", Integer.toString(count)));
        cmd.addAll(List.of(filter.split(" ")));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start tcpdump (install it: e2e/guest/install-deps.sh)", e);
        }
        Capture c = new Capture(p, out);
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (!c.text().contains("listening on")) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                c.close();
                throw new AssertionError("tcpdump did not start listening: " + c.text());
            }
            sleep(20);
        }
        return c;
    }

    private String text() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Waits (at most 10 s) for tcpdump to have its COUNT frames and returns them. */
    public List<Frame> frames() {
        try {
            if (!process.waitFor(WAIT_MS, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("tcpdump captured too few frames within " + WAIT_MS + " ms: " + text());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return parse(text());
    }

    /**
     * Parses tcpdump -e -xx -v output: a summary line (starts with the timestamp), -v detail lines
     * ("\t  ..."), and the frame's bytes ("\t0x0000:  ffff ...").
     */
    static List<Frame> parse(String text) {
        List<Frame> frames = new ArrayList<>();
        StringBuilder summary = null;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String line : text.split("\n")) {
            if (!line.isEmpty() && Character.isDigit(line.charAt(0)) && line.contains(" > ")) {
                if (summary != null) {
                    frames.add(new Frame(summary.toString(), bytes.toByteArray()));
                    bytes.reset();
                }
                summary = new StringBuilder(line);
            } else if (summary != null && line.startsWith("\t0x")) {
                String hex = line.substring(line.indexOf(':') + 1).replace(" ", "");
                bytes.writeBytes(HexFormat.of().parseHex(hex));
            } else if (summary != null && line.startsWith("\t ") && !line.strip().startsWith("0x")) {
                summary.append(' ').append(line.strip());
            }
        }
        if (summary != null) {
            frames.add(new Frame(summary.toString(), bytes.toByteArray()));
        }
        return frames;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(output);
        } catch (IOException ignored) {
            // a leftover temp file does not change the result
        }
    }
}
