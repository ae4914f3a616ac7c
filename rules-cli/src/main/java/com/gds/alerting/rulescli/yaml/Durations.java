package com.gds.alerting.rulescli.yaml;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in rule files: {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 2d}, {@code 250ms}, {@code 0}. */
public final class Durations {

    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h|d|w))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

    private Durations() {
    }

    /** Milliseconds of {@code text}, or {@code null} when it is not a duration. */
    public static Long parseMillis(String text) {
        String t = text.trim();
        if (t.equals("0")) {
            return 0L;
        }
        if (!WHOLE.matcher(t).matches()) {
            return null;
        }
        long total = 0;
        Matcher m = PART.matcher(t);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total += switch (m.group(2)) {
                case "ms" -> n;
                case "s" -> n * 1_000L;
                case "m" -> n * 60_000L;
                case "h" -> n * 3_600_000L;
                case "d" -> n * 86_400_000L;
                default -> n * 7 * 86_400_000L;
            };
        }
        return total;
    }

    /** {@code ms} written back the way a person would ({@code 1h30m}, {@code 0s}). */
    public static String format(long ms) {
        if (ms == 0) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        long rest = ms;
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
        String[] names = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            if (rest >= units[i]) {
                b.append(rest / units[i]).append(names[i]);
                rest %= units[i];
            }
        }
        return b.toString();
    }
}
