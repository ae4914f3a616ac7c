package com.gds.alerting.contract;

import java.util.Arrays;

/**
 * How large a dead letter may be. A dead letter must always be writable: when the record that
 * caused it is itself too large for a broker (a 2 MB value that arrived compressed, say), writing
 * it whole would fail, and the writer would retry the same record forever. So the original key,
 * value and headers are cut to these limits, and the header {@link #TRUNCATED} says what was cut.
 * The alerting topology and the warehouse importer use the same limits.
 */
public final class DeadLetterLimits {

    /** Header present only when a dead letter does not carry the original whole; says what was cut and the sizes. */
    public static final String TRUNCATED = DeadLetterHeaders.TRUNCATED;
    /** Most value bytes a dead letter carries. */
    public static final int MAX_VALUE_BYTES = 256 * 1024;
    /** Most key bytes a dead letter carries. */
    public static final int MAX_KEY_BYTES = 16 * 1024;
    /** Most bytes of original headers a dead letter carries; beyond it they are all dropped. */
    public static final int MAX_ORIGINAL_HEADER_BYTES = 64 * 1024;
    /** Longest error sentence, in characters. */
    public static final int MAX_ERROR_CHARS = 4096;

    private DeadLetterLimits() {
    }

    /** {@code bytes}, or its first {@code max} bytes with a note in {@code truncated} saying so. */
    public static byte[] cut(byte[] bytes, int max, String what, StringBuilder truncated) {
        if (bytes == null || bytes.length <= max) {
            return bytes;
        }
        note(truncated, what + ": " + bytes.length + " bytes, first " + max + " kept");
        return Arrays.copyOf(bytes, max);
    }

    /** Appends one note to the {@link #TRUNCATED} text. */
    public static void note(StringBuilder truncated, String what) {
        truncated.append(truncated.length() == 0 ? "" : "; ").append(what);
    }

    /** {@code error} cut to {@link #MAX_ERROR_CHARS}. */
    public static String error(String error) {
        return error == null || error.length() <= MAX_ERROR_CHARS ? error : error.substring(0, MAX_ERROR_CHARS) + "…";
    }
}
