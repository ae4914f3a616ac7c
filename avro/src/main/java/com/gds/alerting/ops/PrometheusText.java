package com.gds.alerting.ops;

/**
 * The Prometheus text format as the agents' {@code /metrics} write it. Micrometer writes every
 * gauge and counter as a double ({@code 42.0}); the agents' counters were whole numbers before
 * Micrometer, and scripts and tests read them with a plain integer parse. Prometheus reads both.
 */
public final class PrometheusText {

    /** Beyond this a double no longer holds every whole number exactly. */
    private static final double EXACT_LIMIT = 9_007_199_254_740_992d;

    private PrometheusText() {
    }

    /** {@code text} with every sample whose value is a whole number written without a fraction. */
    public static String wholeNumbersAsIntegers(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            int stop = end < 0 ? text.length() : end;
            out.append(rewrite(text.substring(start, stop)));
            if (end >= 0) {
                out.append('\n');
            }
            start = stop + 1;
        }
        return out.toString();
    }

    private static String rewrite(String line) {
        if (line.isEmpty() || line.charAt(0) == '#') {
            return line;
        }
        // The value is the last field but one when a timestamp follows; the agents write none.
        int space = line.lastIndexOf(' ');
        if (space < 0 || line.lastIndexOf('}') > space) {
            return line;
        }
        String value = line.substring(space + 1);
        double d;
        try {
            d = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return line;
        }
        if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) <= EXACT_LIMIT && !value.equals("-0.0")) {
            return line.substring(0, space + 1) + (long) d;
        }
        return line;
    }
}
