package io.lvs.e2e.guest.programs;

import java.util.concurrent.Callable;

/**
 * The check lines a program inside the guest prints for the harness ({@code CHECK ok NAME} /
 * {@code CHECK FAIL NAME: detail}, counted by {@code e2e/guest/lib.sh} and asserted by name from
 * JUnit), and the exit status that goes with them.
 */
public final class Checks {
    private int run;
    private int failed;

    /** Records a check decided by the program. */
    public void check(String name, boolean ok, String detail) {
        run++;
        if (ok) {
            System.out.println("CHECK ok " + name);
        } else {
            failed++;
            System.out.println("CHECK FAIL " + name + ": " + detail.replace('\n', ' '));
        }
    }

    /** Runs a step; it passes when it returns, and fails with the exception's message when it throws. */
    public <T> T step(String name, Callable<T> work) {
        try {
            T result = work.call();
            check(name, true, "");
            return result;
        } catch (Exception e) {
            check(name, false, e.getClass().getSimpleName() + ": " + e.getMessage());
            return null;
        }
    }

    /** 0 when at least one check ran and none failed. */
    public int exitCode() {
        return run > 0 && failed == 0 ? 0 : 1;
    }

    /** Prints a tally and exits with {@link #exitCode()}. */
    public void exit() {
        System.out.println("program checks: " + run + " run, " + failed + " failed");
        System.out.flush();
        System.exit(exitCode());
    }
}
