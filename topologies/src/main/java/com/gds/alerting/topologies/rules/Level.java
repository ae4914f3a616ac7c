package com.gds.alerting.topologies.rules;

import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Severity;

/**
 * One severity level of a rule: breached when {@code value op threshold}; while an alert holds
 * this level (or a higher one), the level keeps holding as long as {@code value op recovery}.
 */
public record Level(Severity severity, Comparison op, double threshold, double recovery) {

    public boolean breachedBy(double value) {
        return compare(op, value, threshold);
    }

    public boolean heldBy(double value) {
        return compare(op, value, recovery);
    }

    static boolean compare(Comparison op, double value, double threshold) {
        return switch (op) {
            case GT -> value > threshold;
            case GTE -> value >= threshold;
            case LT -> value < threshold;
            case LTE -> value <= threshold;
            case EQ -> value == threshold;
            case NEQ -> value != threshold;
        };
    }

    /** {@code >}, {@code <=}, ... for people. */
    public static String symbol(Comparison op) {
        return switch (op) {
            case GT -> ">";
            case GTE -> ">=";
            case LT -> "<";
            case LTE -> "<=";
            case EQ -> "==";
            case NEQ -> "!=";
        };
    }
}
