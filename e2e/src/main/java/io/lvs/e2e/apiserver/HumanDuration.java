package io.lvs.e2e.apiserver;

import java.time.Duration;

/**
 * Ages the way {@code k8s.io/apimachinery/pkg/util/duration.HumanDuration} prints them ("90s",
 * "4m30s", "3h10m", "5d2h"), so AGE columns read exactly as on a real cluster.
 */
public final class HumanDuration {

    private HumanDuration() {}

    /** The human form of {@code elapsed}; up to one second in the future still reads as "0s". */
    public static String of(Duration elapsed) {
        long seconds = elapsed.getSeconds() + (elapsed.isNegative() && elapsed.getNano() > 0 ? 1 : 0);
        if (seconds < -1) {
            return "<invalid>";
        }
        if (seconds < 0) {
            return "0s";
        }
        if (seconds < 60 * 2) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        }
        if (minutes < 60 * 3) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        }
        if (hours < 48) {
            return hours + "h";
        }
        if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        }
        if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        }
        if (hours < 24 * 365 * 8) {
            long days = (hours / 24) % 365;
            return days == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + days + "d";
        }
        return hours / 24 / 365 + "y";
    }
}
