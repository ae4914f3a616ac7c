package com.gds.alerting.topologies.rules;

import java.util.Map;

import com.google.re2j.Pattern;

import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;

/**
 * A label matcher ready to run: {@code =}, {@code !=}, {@code =~}, {@code !~}. Regular expressions
 * are RE2 ({@link MatcherRegex}: linear time, as in Prometheus), anchored at both ends; a missing
 * label matches {@code ""}.
 */
public record CompiledMatcher(String label, MatchOp op, String value, Pattern pattern) {

    /** Compiles {@code matcher}; throws {@link IllegalArgumentException} on a bad regex. */
    public static CompiledMatcher of(Matcher matcher) {
        Pattern pattern = matcher.getOp() == MatchOp.RE || matcher.getOp() == MatchOp.NRE
                ? MatcherRegex.compile(matcher.getValue())
                : null;
        return new CompiledMatcher(matcher.getLabel(), matcher.getOp(), matcher.getValue(), pattern);
    }

    /** True when this matcher matches a missing label (the empty string): it selects nothing by itself. */
    public boolean matchesEmpty() {
        return matchesValue("");
    }

    public boolean matches(Series series) {
        return matchesValue(series.label(label));
    }

    /** Matches the labels of an alert (a missing label is {@code ""}). */
    public boolean matches(Map<String, String> labels) {
        return matchesValue(labels.getOrDefault(label, ""));
    }

    private boolean matchesValue(String actual) {
        return switch (op) {
            case EQ -> actual.equals(value);
            case NEQ -> !actual.equals(value);
            case RE -> pattern.matcher(actual).matches();
            case NRE -> !pattern.matcher(actual).matches();
        };
    }

    @Override
    public String toString() {
        String symbol = switch (op) {
            case EQ -> "=";
            case NEQ -> "!=";
            case RE -> "=~";
            case NRE -> "!~";
        };
        return label + symbol + '"' + value + '"';
    }
}
