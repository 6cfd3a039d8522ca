package io.lvs.agent.kernel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * Each thread that makes a libc call gets its errno capture segment from an automatic arena, so the segments of
 * threads that have ended are freed: 200,000 short-lived threads each making a syscall leave the JVM's native memory
 * where it was. Measured in a JVM of its own with Native Memory Tracking, where FFM allocations count as "Other" at
 * the size asked for: the global arena this replaced kept 8 bytes a thread there for good (1.6 MB here; about 36 a
 * thread in RSS, with malloc's overhead), the automatic arenas keep nothing once collected.
 */
class LibcThreadMemoryTest {
    private static final int THREADS = 200_000;
    /** Under a third of what the leak kept (8 bytes a thread); the fixed code measures no growth at all. */
    private static final long BOUND_BYTES = 512L << 10;
    private static final Pattern OTHER = Pattern.compile("-\\s+Other \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");

    @Test
    void shortLivedThreadsMakingSyscallsLeaveNoNativeMemoryBehind() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-XX:NativeMemoryTracking=summary", "-Xmx256m", "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Threads.class.getName(), Integer.toString(THREADS))
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), out);
        System.out.print(out);
        assertEquals(0, p.exitValue(), out);
        Matcher m = Pattern.compile("other before (\\d+) after (\\d+)").matcher(out);
        assertTrue(m.find(), out);
        long growth = Long.parseLong(m.group(2)) - Long.parseLong(m.group(1));
        assertTrue(growth < BOUND_BYTES, "native memory (NMT Other) grew by " + growth + " bytes over " + THREADS
                + " threads: " + (growth / THREADS) + " bytes a thread stayed behind");
    }

    /** The measured JVM: warms up, then starts the threads one after another, each making one syscall through Libc. */
    public static final class Threads {
        public static void main(String[] args) throws Exception {
            int n = Integer.parseInt(args[0]);
            run(10_000); // warm up: classes, JIT, the first GCs
            long before = settledOther();
            run(n);
            long after = settledOther();
            System.out.println("threads " + n + ": other before " + before + " after " + after);
        }

        private static void run(int n) throws InterruptedException {
            Runnable syscall = () -> Libc.close(Libc.open("/dev/null", Libc.O_RDONLY | Libc.O_CLOEXEC));
            Thread[] batch = new Thread[32]; // a few at a time: short-lived, yet not one thread's start latency per call
            for (int i = 0; i < n; i += batch.length) {
                for (int j = 0; j < batch.length; j++) {
                    batch[j] = Thread.ofPlatform().start(syscall);
                }
                for (Thread t : batch) {
                    t.join();
                }
            }
        }

        /** NMT's committed "Other" once collections and the cleaners they trigger have freed what they can. */
        private static long settledOther() throws Exception {
            long last = -1;
            for (int i = 0; i < 20; i++) {
                System.gc();
                Thread.sleep(100); // the cleaner thread frees the segments of arenas the collection found unreachable
                long now = other();
                if (now == last) {
                    return now;
                }
                last = now;
            }
            return last;
        }

        private static long other() throws Exception {
            String summary = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary", "scale=KB"}}, new String[] {String[].class.getName()});
            Matcher m = OTHER.matcher(summary);
            if (!m.find()) {
                throw new IllegalStateException("no Other category in " + List.of(summary.split("\n")));
            }
            return Long.parseLong(m.group(2)) * 1024;
        }
    }
}
