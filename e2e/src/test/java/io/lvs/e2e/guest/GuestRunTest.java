package io.lvs.e2e.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading a runner's output (no guest needed). */
class GuestRunTest {
    private static final Path LOG = Path.of("/var/tmp/example.log");

    @Test
    void aPassingRunHasItsChecksAndTimings() {
        GuestRun r = GuestRun.parse("demo", 0, List.of(
                "[init] kernel 6.1.176 up at 1.11s",
                "CHECK ok modprobe ip_vs",
                "CHECK ok vip on lo",
                "RESULT: PASS",
                "TIMING boot_to_scenario_s=1.37",
                "TIMING scenario_s=?",
                "RESULT: PASS"), LOG);
        assertTrue(r.passed());
        assertEquals(Map.of("modprobe ip_vs", true, "vip on lo", true), r.checks());
        assertEquals(Optional.of(1.37), r.seconds("boot_to_scenario_s"));
        assertEquals(Optional.empty(), r.seconds("scenario_s"));
        r.assertPassed("modprobe ip_vs", "vip on lo");
    }

    @Test
    void aCheckThatFailedOnceIsFailedAndItsDetailIsNotPartOfTheName() {
        GuestRun r = GuestRun.parse("demo", 0, List.of(
                "CHECK ok ping",
                "CHECK FAIL ping: no reply from 192.0.2.1",
                "CHECK ok ping",
                "RESULT: PASS"), LOG);
        assertEquals(Map.of("ping", false), r.checks());
        AssertionError e = assertThrows(AssertionError.class, r::assertPassed);
        assertTrue(e.getMessage().contains("check failed: ping"), e.getMessage());
    }

    @Test
    void theVerdictIsTheRunnersLastLineAndNeedsExitZero() {
        GuestRun failed = GuestRun.parse("demo", 1, List.of("RESULT: PASS", "RESULT: FAIL scenario demo exited with status 1"), LOG);
        assertFalse(failed.passed());
        assertEquals("RESULT: FAIL scenario demo exited with status 1", failed.verdict());
        assertFalse(GuestRun.parse("demo", 1, List.of("RESULT: PASS"), LOG).passed());
    }

    @Test
    void aRequiredCheckThatNeverRanFailsTheTest() {
        GuestRun r = GuestRun.parse("demo", 0, List.of("CHECK ok a", "RESULT: PASS"), LOG);
        AssertionError e = assertThrows(AssertionError.class, () -> r.assertPassed("a", "b"));
        assertTrue(e.getMessage().contains("check never ran: b"), e.getMessage());
    }
}
