package com.gds.alerting.topologies.expr;

import com.google.re2j.Pattern;

/**
 * One matcher of a selector: {@code name op "value"}. Regular expressions are RE2 (as
 * Prometheus') and fully anchored; an absent label matches as the empty string.
 */
public final class LabelMatcher {

    /** The four matcher operators. */
    public enum Op {
        EQUAL("="), NOT_EQUAL("!="), REGEX("=~"), NOT_REGEX("!~");

        private final String text;

        Op(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private final String name;
    private final Op op;
    private final String value;
    private final Pattern pattern;

    /** @throws com.google.re2j.PatternSyntaxException when a regex does not compile */
    public LabelMatcher(String name, Op op, String value) {
        this.name = name;
        this.op = op;
        this.value = value;
        this.pattern = op == Op.REGEX || op == Op.NOT_REGEX ? Pattern.compile("^(?:" + value + ")$") : null;
    }

    public String name() {
        return name;
    }

    public Op op() {
        return op;
    }

    public String value() {
        return value;
    }

    public boolean matches(String labelValue) {
        return switch (op) {
            case EQUAL -> labelValue.equals(value);
            case NOT_EQUAL -> !labelValue.equals(value);
            case REGEX -> pattern.matcher(labelValue).matches();
            case NOT_REGEX -> !pattern.matcher(labelValue).matches();
        };
    }

    public boolean matches(Labels labels) {
        return matches(labels.get(name));
    }

    @Override
    public String toString() {
        return name + op.text + Labels.quote(value);
    }
}
