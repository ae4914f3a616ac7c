package com.gds.alerting.topologies.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random PromQL expressions over {@link RandomSeries}' metrics, type-directed so that
 * (almost) every one parses: every function, operator, matcher operator, aggregation and
 * vector-matching modifier of the supported subset appears, with thresholds drawn from the same
 * small integers as the gauges so comparisons land exactly on them.
 */
final class RandomExpressions {

    private static final String[] RANGES = {"1m", "2m", "90s", "5m", "10m", "3m"};
    private static final String[] RANGE_FUNCTIONS = {
        "rate", "irate", "increase", "delta", "idelta", "deriv", "changes", "resets", "avg_over_time",
        "min_over_time", "max_over_time", "sum_over_time", "count_over_time", "stddev_over_time", "last_over_time"};
    private static final String[] SIMPLE_FUNCTIONS = {"abs", "ceil", "floor", "round", "timestamp"};
    private static final String[] AGGREGATIONS = {"sum", "avg", "min", "max", "count", "stddev", "quantile", "topk", "bottomk"};
    private static final String[] ARITHMETIC = {"+", "-", "*", "/", "%", "^"};
    private static final String[] COMPARISONS = {"==", "!=", ">", "<", ">=", "<="};
    private static final String[] SET_OPERATORS = {"and", "or", "unless"};
    private static final String[] LABELS = {"instance_id", "database_type", "environment", "table"};

    private final Random random;

    RandomExpressions(Random random) {
        this.random = random;
    }

    /** A top-level expression: an instant vector most of the time, sometimes a scalar. */
    String next() {
        return random.nextInt(12) == 0 ? scalar(2) : vector(3);
    }

    String vector(int depth) {
        int choice = random.nextInt(depth <= 0 ? 3 : 12);
        return switch (choice) {
            case 0 -> selector();
            case 1 -> rangeFunction();
            case 2 -> random.nextBoolean() ? selector() : "(" + selector() + ")";
            case 3 -> simpleFunction(depth - 1);
            case 4 -> aggregation(depth - 1);
            case 5, 6 -> vectorScalar(depth - 1);
            case 7, 8 -> vectorVector(depth - 1);
            case 9 -> "-" + vector(depth - 1);
            case 10 -> absentOrVector(depth - 1);
            default -> clamp(depth - 1);
        };
    }

    String scalar(int depth) {
        int choice = random.nextInt(depth <= 0 ? 2 : 6);
        return switch (choice) {
            case 0 -> number();
            case 1 -> random.nextInt(4) == 0 ? "time()" : number();
            case 2 -> "scalar(" + vector(depth - 1) + ")";
            case 3 -> scalar(depth - 1) + " " + pick(ARITHMETIC) + " " + scalar(depth - 1);
            case 4 -> scalar(depth - 1) + " " + pick(COMPARISONS) + " bool " + scalar(depth - 1);
            default -> "(" + scalar(depth - 1) + ")";
        };
    }

    private String number() {
        return switch (random.nextInt(8)) {
            case 0 -> "0.5";
            case 1 -> "0";
            case 2 -> "-1";
            case 3 -> "0.125";
            default -> Integer.toString(random.nextInt(11));
        };
    }

    String selector() {
        return bareSelector() + (random.nextInt(8) == 0 ? " offset " + pick(new String[] {"1m", "30s", "5m"}) : "");
    }

    private String bareSelector() {
        String metric = RandomSeries.pick(random, RandomSeries.METRICS);
        int matchers = random.nextInt(3);
        if (matchers == 0) {
            return metric;
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < matchers; i++) {
            parts.add(matcher());
        }
        return metric + "{" + String.join(", ", parts) + "}";
    }

    private String matcher() {
        String label = pick(LABELS);
        List<String> values = switch (label) {
            case "instance_id" -> RandomSeries.INSTANCES;
            case "database_type" -> RandomSeries.TYPES;
            case "environment" -> RandomSeries.ENVIRONMENTS;
            default -> RandomSeries.TABLES;
        };
        String value = RandomSeries.pick(random, values);
        return switch (random.nextInt(6)) {
            case 0, 1 -> label + "=\"" + value + "\"";
            case 2 -> label + "!=\"" + value + "\"";
            case 3 -> label + "=~\"" + value + "|" + RandomSeries.pick(random, values) + "\"";
            case 4 -> label + "!~\"" + value.charAt(0) + ".*\"";
            default -> label + (random.nextBoolean() ? "=\"\"" : "=~\".+\"");
        };
    }

    private String rangeSelector() {
        String r = bareSelector() + "[" + pick(RANGES) + "]";
        return random.nextInt(8) == 0 ? r + " offset " + pick(new String[] {"1m", "30s"}) : r;
    }

    private String rangeFunction() {
        return switch (random.nextInt(18)) {
            case 0 -> "predict_linear(" + rangeSelector() + ", " + pick(new String[] {"60", "300", "0"}) + ")";
            case 1 -> "quantile_over_time(" + pick(new String[] {"0.5", "0.9", "0", "1"}) + ", " + rangeSelector() + ")";
            case 2 -> "absent_over_time(" + rangeSelector() + ")";
            default -> pick(RANGE_FUNCTIONS) + "(" + rangeSelector() + ")";
        };
    }

    private String simpleFunction(int depth) {
        String f = pick(SIMPLE_FUNCTIONS);
        if (f.equals("round") && random.nextBoolean()) {
            return "round(" + vector(depth) + ", " + pick(new String[] {"0.5", "2", "5"}) + ")";
        }
        if (f.equals("timestamp") && random.nextBoolean()) {
            return "timestamp(" + selector() + ")";
        }
        return f + "(" + vector(depth) + ")";
    }

    private String clamp(int depth) {
        return switch (random.nextInt(3)) {
            case 0 -> "clamp(" + vector(depth) + ", " + number() + ", " + number() + ")";
            case 1 -> "clamp_min(" + vector(depth) + ", " + number() + ")";
            default -> "clamp_max(" + vector(depth) + ", " + number() + ")";
        };
    }

    private String absentOrVector(int depth) {
        return switch (random.nextInt(3)) {
            case 0 -> "absent(" + selector() + ")";
            case 1 -> "vector(" + scalar(depth) + ")";
            default -> "absent(" + vector(depth) + ")";
        };
    }

    private String aggregation(int depth) {
        String op = pick(AGGREGATIONS);
        String param = switch (op) {
            case "quantile" -> pick(new String[] {"0.5", "0.9", "0", "1", "0.25"}) + ", ";
            case "topk", "bottomk" -> pick(new String[] {"1", "2", "3"}) + ", ";
            default -> "";
        };
        String grouping = switch (random.nextInt(4)) {
            case 0 -> "";
            case 1 -> " by (" + groupingLabels() + ")";
            case 2 -> " without (" + groupingLabels() + ")";
            default -> " by ()";
        };
        if (random.nextBoolean() || grouping.isEmpty()) {
            return op + grouping + " (" + param + vector(depth) + ")";
        }
        return op + " (" + param + vector(depth) + ")" + grouping;
    }

    private String groupingLabels() {
        String a = pick(LABELS);
        String b = pick(LABELS);
        return a.equals(b) ? a : a + ", " + b;
    }

    private String vectorScalar(int depth) {
        String op = random.nextBoolean() ? pick(ARITHMETIC) : pick(COMPARISONS) + (random.nextInt(3) == 0 ? " bool" : "");
        String v = vector(depth);
        String s = random.nextInt(3) == 0 ? scalar(depth) : number();
        if (s.startsWith("-")) {
            s = "(" + s + ")";
        }
        return random.nextBoolean() ? v + " " + op + " " + s : s + " " + op + " " + v;
    }

    private String vectorVector(int depth) {
        String lhs = vector(depth);
        String rhs = vector(depth);
        int kind = random.nextInt(4);
        if (kind == 0) {
            String matching = random.nextInt(3) == 0 ? "" : " " + (random.nextBoolean() ? "on" : "ignoring") + "(" + groupingLabels() + ")";
            return "(" + lhs + ") " + pick(SET_OPERATORS) + matching + " (" + rhs + ")";
        }
        String op = kind == 1 ? pick(COMPARISONS) + (random.nextInt(3) == 0 ? " bool" : "") : pick(ARITHMETIC);
        String matching = switch (random.nextInt(5)) {
            case 0, 1 -> "";
            case 2 -> " on(" + groupingLabels() + ")";
            case 3 -> " ignoring(" + pick(LABELS) + ")";
            default -> " on(instance_id) " + (random.nextBoolean() ? "group_left" : "group_right")
                    + pick(new String[] {"()", "()", "(table)", "(environment)", ""});
        };
        if (matching.contains("group_left")) {
            rhs = pick(new String[] {"max", "sum", "count"}) + " by (instance_id" + (matching.contains("(table)") ? ", table" : "")
                    + (matching.contains("(environment)") ? ", environment" : "") + ") (" + rhs + ")";
        } else if (matching.contains("group_right")) {
            lhs = pick(new String[] {"max", "sum", "count"}) + " by (instance_id" + (matching.contains("(table)") ? ", table" : "")
                    + (matching.contains("(environment)") ? ", environment" : "") + ") (" + lhs + ")";
        }
        return "(" + lhs + ") " + op + matching + " (" + rhs + ")";
    }

    private String pick(String[] from) {
        return from[random.nextInt(from.length)];
    }
}
