package com.gds.alerting.topologies.rules;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * The regular expressions of user-supplied matchers (rules, overrides, inhibitions, silences):
 * RE2 syntax, as Prometheus and Alertmanager, run by RE2/J in time linear in the input. A
 * backtracking engine ({@code java.util.regex}) can take exponential time on a pattern such as
 * {@code (a+)+$} or {@code .*.*.*.*!}, and a matcher runs on the stream thread for every sample:
 * one hostile silence stopped evaluation for the whole fleet. RE2 has no backreferences or
 * look-around, which is exactly what makes it linear. The rules CLI, the REST API and the topology
 * all compile matchers here, so they accept exactly the same expressions.
 */
public final class MatcherRegex {

    /** Longest accepted expression, in characters. */
    public static final int MAX_CHARS = 1024;

    private MatcherRegex() {
    }

    /** Compiles {@code regex}, anchored at both ends by {@link Pattern#matches}; throws on a bad one. */
    public static Pattern compile(String regex) {
        String problem = problem(regex);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return Pattern.compile(regex);
    }

    /** Why {@code regex} is refused, or null when it compiles. */
    public static String problem(String regex) {
        if (regex == null) {
            return "a regular expression is required";
        }
        if (regex.length() > MAX_CHARS) {
            return "regular expression is " + regex.length() + " characters long, at most " + MAX_CHARS + " allowed";
        }
        try {
            Pattern.compile(regex);
            return null;
        } catch (PatternSyntaxException e) {
            return "bad regular expression '" + regex + "' (RE2 syntax): " + e.getDescription();
        } catch (RuntimeException e) {
            return "bad regular expression '" + regex + "' (RE2 syntax): " + e.getMessage();
        }
    }
}
