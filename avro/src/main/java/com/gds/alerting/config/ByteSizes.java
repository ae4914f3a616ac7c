package com.gds.alerting.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The project's one grammar for sizes, wherever a user writes one (collectors.yaml, the service's
 * settings): a number of bytes, or a number with {@code B}, {@code KiB}, {@code MiB} or {@code GiB}
 * (powers of 1024, spelled so, to leave no doubt).
 */
public final class ByteSizes {

    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(B|KiB|MiB|GiB)?");

    private ByteSizes() {
    }

    /** @throws IllegalArgumentException naming the value and what is accepted */
    public static long parse(String text) {
        String v = text == null ? "" : text.strip();
        Matcher m = SIZE.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException("must be a size like 512MiB, 2GiB or a number of bytes, got '" + text + "'");
        }
        int shift = switch (m.group(2) == null ? "B" : m.group(2)) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            default -> 0;
        };
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is too large: '" + text + "'");
        }
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("is too large: '" + text + "'");
        }
        return n << shift;
    }

    /** The largest unit that divides the size exactly: 268435456 is {@code 256MiB}. */
    public static String format(long bytes) {
        for (String[] u : new String[][] {{"30", "GiB"}, {"20", "MiB"}, {"10", "KiB"}}) {
            long unit = 1L << Integer.parseInt(u[0]);
            if (bytes != 0 && bytes % unit == 0) {
                return bytes / unit + u[1];
            }
        }
        return bytes + "B";
    }
}
