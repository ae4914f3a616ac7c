package com.gds.alerting.rulescli.yaml;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in rule files: {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 2d}, {@code 250ms}, {@code 0}. */
public final class Durations {

    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h|d|w))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

    private Durations() {
    }

    /**
     * Milliseconds of {@code text}, or {@code null} when it is not a duration. A duration beyond
     * what a {@code long} holds reads as {@link Long#MAX_VALUE} rather than wrapping (once
     * {@code 9223372036854775807ms9223372036854775807ms2ms} read as 0 and fired at once), so the
     * rule validator's maximum refuses it.
     */
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
        try {
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                long unit = switch (m.group(2)) {
                    case "ms" -> 1L;
                    case "s" -> 1_000L;
                    case "m" -> 60_000L;
                    case "h" -> 3_600_000L;
                    case "d" -> 86_400_000L;
                    default -> 7 * 86_400_000L;
                };
                total = Math.addExact(total, Math.multiplyExact(n, unit));
            }
        } catch (ArithmeticException | NumberFormatException e) {
            return Long.MAX_VALUE;
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
