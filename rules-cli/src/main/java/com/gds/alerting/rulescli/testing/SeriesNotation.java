package com.gds.alerting.rulescli.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * promtool's expanding notation for test series: {@code '0+10x5'} is 0 10 20 30 40 50, {@code
 * '1x3'} is 1 1 1 1, {@code '_'} a missing sample and {@code '_x3'} three of them; terms are
 * separated by spaces. promtool's {@code stale} (a staleness marker) is read as a missing sample:
 * rules here are evaluated per sample, so a series that stops simply sends nothing more, which is
 * what a stale marker tells PromQL.
 */
public final class SeriesNotation {

    private static final Pattern EXPAND = Pattern.compile("(-?[0-9.eE_]+)(?:([+-])([0-9.eE_]+))?x(\\d+)");
    private static final Pattern MISSING = Pattern.compile("(?:_|stale)(?:x(\\d+))?");

    private SeriesNotation() {
    }

    /** The values of {@code text}, {@code null} for a missing sample; throws with the bad term. */
    public static List<Double> parse(String text) {
        List<Double> values = new ArrayList<>();
        for (String term : text.trim().split("\\s+")) {
            if (term.isEmpty()) {
                continue;
            }
            Matcher missing = MISSING.matcher(term);
            Matcher expand = EXPAND.matcher(term);
            if (missing.matches()) {
                int n = missing.group(1) == null ? 1 : Integer.parseInt(missing.group(1));
                for (int i = 0; i < n; i++) {
                    values.add(null);
                }
            } else if (expand.matches()) {
                double start = number(expand.group(1), term);
                double step = expand.group(3) == null ? 0 : number(expand.group(3), term) * ("-".equals(expand.group(2)) ? -1 : 1);
                int n = Integer.parseInt(expand.group(4));
                for (int i = 0; i <= n; i++) {
                    values.add(start + i * step);
                }
            } else {
                values.add(number(term, term));
            }
        }
        return values;
    }

    private static double number(String text, String term) {
        try {
            return Double.parseDouble(text.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + term + "' is not a number, '_', 'AxN' or 'A+BxN' (e.g. 0+10x5)");
        }
    }
}
