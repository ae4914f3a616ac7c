package com.gds.alerting.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of every configuration file and command line of the project.
 *
 * <ul>
 *   <li>Units, largest first, each at most once: {@code 500ms}, {@code 30s}, {@code 5m},
 *       {@code 1h30m}, {@code 2d}, {@code 1w}, {@code 1d12h}. Units are {@code w} (7 days),
 *       {@code d} (24 hours), {@code h}, {@code m}, {@code s}, {@code ms}.</li>
 *   <li>ISO-8601 as {@link Duration#parse} reads it: {@code PT10S}, {@code PT1H30M}, {@code P2D},
 *       {@code PT0.5S}.</li>
 *   <li>{@code 0} alone (a zero needs no unit).</li>
 * </ul>
 *
 * Negative durations, fractions of a millisecond and durations beyond what a {@code long} of
 * milliseconds holds are refused: no setting of this project means any of them, and a value
 * that wrapped once turned a rule's {@code for} into 2 ms.
 */
public final class Durations {

    /** What is accepted, in words, for error messages and help texts. */
    public static final String ACCEPTED_FORMS = "a duration such as 500ms, 30s, 5m, 1h30m, 2d or 1w"
            + " (units w, d, h, m, s, ms, largest first) or ISO-8601 such as PT10S";

    private static final Pattern UNITS = Pattern.compile(
            "(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");
    private static final long[] UNIT_MILLIS = {7 * 86_400_000L, 86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    private static final String[] UNIT_NAMES = {"w", "d", "h", "m", "s", "ms"};
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final Duration LONGEST = Duration.ofMillis(Long.MAX_VALUE);

    private Durations() {
    }

    /**
     * The duration {@code text} denotes, zero included.
     *
     * @throws InvalidDurationException naming the value and the accepted forms
     */
    public static Duration parse(String text) {
        if (text == null) {
            throw new InvalidDurationException("null", "is not a duration; expected " + ACCEPTED_FORMS);
        }
        String t = text.strip();
        if (t.isEmpty()) {
            throw new InvalidDurationException(text, "is not a duration; expected " + ACCEPTED_FORMS);
        }
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        char first = t.charAt(0);
        if (first == '-') {
            throw new InvalidDurationException(text, "is negative; expected " + ACCEPTED_FORMS);
        }
        if (first == 'P' || first == 'p' || first == '+') {
            return iso(text, t);
        }
        if (DIGITS.matcher(t).matches()) {
            throw new InvalidDurationException(text, "has no unit; write e.g. " + t + "s or " + t + "ms ("
                    + ACCEPTED_FORMS + ")");
        }
        return units(text, t);
    }

    /**
     * As {@link #parse}, refusing zero: for intervals, timeouts and periods, where zero would
     * spin or never wait.
     */
    public static Duration parsePositive(String text) {
        Duration d = parse(text);
        if (d.isZero()) {
            throw new InvalidDurationException(text, "must be longer than zero");
        }
        return d;
    }

    /** {@code d} written back in the unit grammar, the way a person would: {@code 1h30m}, {@code 0s}. */
    public static String format(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative duration " + d);
        }
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        long rest = ms;
        // Weeks are left out on purpose: 14d reads better than 2w in a message.
        for (int i = 1; i < UNIT_MILLIS.length; i++) {
            if (rest >= UNIT_MILLIS[i]) {
                b.append(rest / UNIT_MILLIS[i]).append(UNIT_NAMES[i]);
                rest %= UNIT_MILLIS[i];
            }
        }
        return b.toString();
    }

    private static Duration iso(String text, String t) {
        Duration d;
        try {
            d = Duration.parse(t);
        } catch (DateTimeParseException e) {
            throw new InvalidDurationException(text, "is not a duration; expected " + ACCEPTED_FORMS);
        }
        if (d.isNegative()) {
            throw new InvalidDurationException(text, "is negative; expected " + ACCEPTED_FORMS);
        }
        if (d.compareTo(LONGEST) > 0) {
            throw tooLong(text);
        }
        if (d.getNano() % 1_000_000 != 0) {
            // Every duration of the project ends up in milliseconds; truncating in silence could
            // turn PT0.0001S into zero.
            throw new InvalidDurationException(text, "is finer than a millisecond; expected " + ACCEPTED_FORMS);
        }
        return d;
    }

    private static Duration units(String text, String t) {
        Matcher m = UNITS.matcher(t);
        if (!m.matches()) {
            throw new InvalidDurationException(text, "is not a duration; expected " + ACCEPTED_FORMS);
        }
        long total = 0;
        try {
            for (int i = 0; i < UNIT_MILLIS.length; i++) {
                String n = m.group(i + 1);
                if (n != null) {
                    total = Math.addExact(total, Math.multiplyExact(Long.parseLong(n), UNIT_MILLIS[i]));
                }
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw tooLong(text);
        }
        return Duration.ofMillis(total);
    }

    private static InvalidDurationException tooLong(String text) {
        return new InvalidDurationException(text, "is too long a duration (at most "
                + Long.MAX_VALUE + " milliseconds)");
    }
}
