package com.gds.alerting.config;

import java.util.Collection;
import java.util.Comparator;

/**
 * The known name closest to a misspelt one (Levenshtein distance, case-insensitive, at most a third
 * of the known name and at least 2): one rule for every "did you mean" of the project — rule-file
 * fields, expression functions, the service's settings.
 */
public final class DidYouMean {

    private DidYouMean() {
    }

    /** The closest of {@code known} to {@code typed}, or {@code null} when none is close. */
    public static String closest(String typed, Collection<String> known) {
        return known.stream()
                .min(Comparator.comparingInt((String k) -> distance(typed, k)))
                .filter(k -> distance(typed, k) <= Math.max(2, k.length() / 3))
                .orElse(null);
    }

    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = Character.toLowerCase(a.charAt(i - 1)) == Character.toLowerCase(b.charAt(j - 1)) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
