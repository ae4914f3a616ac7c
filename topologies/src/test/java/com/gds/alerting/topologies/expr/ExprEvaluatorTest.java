package com.gds.alerting.topologies.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gds.alerting.topologies.expr.Value.InstantVector;
import com.gds.alerting.topologies.expr.Value.Sample;
import com.gds.alerting.topologies.expr.Value.Scalar;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * One hand-computed case per function and operator, over a small fixed data set (worked values in
 * each case's reason). The differential test proves agreement with Prometheus at scale; these say
 * what each construct means.
 */
class ExprEvaluatorTest {

    private static final long MIN = 60_000L;

    /**
     * c (a counter): 0 10 20 5 15 at 0..4m (reset at 3m). g (a gauge): 1 3 2 5 4 at 0..4m.
     * load{instance_id="a"} 4 and load{instance_id="b"} 10 at 4m. errors{instance_id="a", db="x"} 6,
     * errors{instance_id="a", db="y"} 9, total{instance_id="a", role="primary"} 3 at 4m.
     */
    private static InMemorySeriesStore store() {
        InMemorySeriesStore s = new InMemorySeriesStore();
        double[] c = {0, 10, 20, 5, 15};
        double[] g = {1, 3, 2, 5, 4};
        for (int i = 0; i < 5; i++) {
            s.add(Labels.of("__name__", "c", "instance_id", "a"), i * MIN, c[i]);
            s.add(Labels.of("__name__", "g", "instance_id", "a"), i * MIN, g[i]);
        }
        s.add(Labels.of("__name__", "load", "instance_id", "a"), 4 * MIN, 4);
        s.add(Labels.of("__name__", "load", "instance_id", "b"), 4 * MIN, 10);
        s.add(Labels.of("__name__", "errors", "instance_id", "a", "db", "x"), 4 * MIN, 6);
        s.add(Labels.of("__name__", "errors", "instance_id", "a", "db", "y"), 4 * MIN, 9);
        s.add(Labels.of("__name__", "total", "instance_id", "a", "role", "primary"), 4 * MIN, 3);
        return s;
    }

    static Stream<Arguments> cases() {
        String a = "{instance_id=\"a\"}";
        return Stream.of(
            // reason, expression, time, expected {labels=value}
            Arguments.of("increase: 15-0 plus 20 lost at the reset; samples span the range, no extrapolation",
                "increase(c[5m])", 4 * MIN, Map.of(a, 35.0)),
            Arguments.of("rate: increase / 300 s", "rate(c[5m])", 4 * MIN, Map.of(a, 35.0 / 300)),
            Arguments.of("rate extrapolates to the range start only down to the counter's zero (first value 0)",
                "rate(c[5m])", 4 * MIN, Map.of(a, 35.0 / 300)),
            Arguments.of("delta: 4-1 over 240 s sampled, extrapolated 60 s to the start: 3 × 300/240",
                "delta(g[5m])", 4 * MIN, Map.of(a, 3.75)),
            Arguments.of("irate: last two samples 5 → 15 over 60 s", "irate(c[5m])", 4 * MIN, Map.of(a, 10.0 / 60)),
            Arguments.of("irate after a reset: the new value over the interval", "irate(c[5m])", 3 * MIN, Map.of(a, 5.0 / 60)),
            Arguments.of("idelta: 4 - 5", "idelta(g[5m])", 4 * MIN, Map.of(a, -1.0)),
            Arguments.of("deriv: least squares, cov 480 / var 36000 per second", "deriv(g[5m])", 4 * MIN, Map.of(a, 480.0 / 36000)),
            Arguments.of("predict_linear: fitted 4.6 now + slope × 60 s", "predict_linear(g[5m], 60)", 4 * MIN,
                Map.of(a, 5.4)),
            Arguments.of("changes: 1→3→2→5→4", "changes(g[5m])", 4 * MIN, Map.of(a, 4.0)),
            Arguments.of("resets: 20 → 5", "resets(c[5m])", 4 * MIN, Map.of(a, 1.0)),
            Arguments.of("avg_over_time", "avg_over_time(g[5m])", 4 * MIN, Map.of(a, 3.0)),
            Arguments.of("min_over_time", "min_over_time(g[5m])", 4 * MIN, Map.of(a, 1.0)),
            Arguments.of("max_over_time", "max_over_time(g[5m])", 4 * MIN, Map.of(a, 5.0)),
            Arguments.of("sum_over_time", "sum_over_time(g[5m])", 4 * MIN, Map.of(a, 15.0)),
            Arguments.of("count_over_time: both ends of the range are included (2.42)", "count_over_time(g[4m])", 4 * MIN,
                Map.of(a, 5.0)),
            Arguments.of("quantile_over_time: the median of 1 2 3 4 5", "quantile_over_time(0.5, g[5m])", 4 * MIN, Map.of(a, 3.0)),
            Arguments.of("stddev_over_time: population variance 2", "stddev_over_time(g[5m])", 4 * MIN, Map.of(a, Math.sqrt(2))),
            Arguments.of("last_over_time keeps the metric name", "last_over_time(g[5m])", 4 * MIN,
                Map.of("{__name__=\"g\", instance_id=\"a\"}", 4.0)),
            Arguments.of("lookback: a sample exactly 5 m old still counts (2.42)", "g", 9 * MIN,
                Map.of("{__name__=\"g\", instance_id=\"a\"}", 4.0)),
            Arguments.of("lookback: 1 ms later it is gone", "g", 9 * MIN + 1, Map.of()),
            Arguments.of("offset reads the past", "g offset 2m", 4 * MIN, Map.of("{__name__=\"g\", instance_id=\"a\"}", 2.0)),
            Arguments.of("absent: labels of the equality matchers", "absent(nothing{instance_id=\"x\", db=~\"y\"})", 4 * MIN,
                Map.of("{instance_id=\"x\"}", 1.0)),
            Arguments.of("absent of a present series is empty", "absent(g)", 4 * MIN, Map.of()),
            Arguments.of("absent_over_time: nothing in the range", "absent_over_time(g[1m])", 10 * MIN, Map.of("{}", 1.0)),
            Arguments.of("abs drops the name", "abs(-g)", 4 * MIN, Map.of(a, 4.0)),
            Arguments.of("ceil", "ceil(g / 3)", 4 * MIN, Map.of(a, 2.0)),
            Arguments.of("floor", "floor(g / 3)", 4 * MIN, Map.of(a, 1.0)),
            Arguments.of("round: ties go up, -2.5 → -2", "round(g - 6.5)", 4 * MIN, Map.of(a, -2.0)),
            Arguments.of("round to a multiple", "round(g * 2, 5)", 4 * MIN, Map.of(a, 10.0)),
            Arguments.of("clamp", "clamp(g, 2, 3)", 4 * MIN, Map.of(a, 3.0)),
            Arguments.of("clamp with max < min is empty", "clamp(g, 3, 2)", 4 * MIN, Map.of()),
            Arguments.of("clamp_min", "clamp_min(g, 7)", 4 * MIN, Map.of(a, 7.0)),
            Arguments.of("clamp_max", "clamp_max(g, 1)", 4 * MIN, Map.of(a, 1.0)),
            Arguments.of("timestamp of a selector: the sample's own time", "timestamp(g)", 4 * MIN + 30_000, Map.of(a, 240.0)),
            Arguments.of("vector", "vector(2)", 4 * MIN, Map.of("{}", 2.0)),
            Arguments.of("scalar of one series", "scalar(g) * 2", 4 * MIN, Map.of("{}", 8.0)),
            Arguments.of("time() in seconds", "time()", 4 * MIN, Map.of("{}", 240.0)),
            Arguments.of("sum", "sum(load)", 4 * MIN, Map.of("{}", 14.0)),
            Arguments.of("avg", "avg(load)", 4 * MIN, Map.of("{}", 7.0)),
            Arguments.of("count by", "count by (instance_id) (load)", 4 * MIN,
                Map.of("{instance_id=\"a\"}", 1.0, "{instance_id=\"b\"}", 1.0)),
            Arguments.of("max", "max(load)", 4 * MIN, Map.of("{}", 10.0)),
            Arguments.of("min without drops the label and the name", "min without (instance_id) (load)", 4 * MIN,
                Map.of("{}", 4.0)),
            Arguments.of("stddev of 4 and 10", "stddev(load)", 4 * MIN, Map.of("{}", 3.0)),
            Arguments.of("quantile interpolates", "quantile(0.25, load)", 4 * MIN, Map.of("{}", 5.5)),
            Arguments.of("topk keeps the series whole", "topk(1, load)", 4 * MIN,
                Map.of("{__name__=\"load\", instance_id=\"b\"}", 10.0)),
            Arguments.of("bottomk", "bottomk(1, load)", 4 * MIN, Map.of("{__name__=\"load\", instance_id=\"a\"}", 4.0)),
            Arguments.of("a comparison filters and keeps the name and value", "load > 4", 4 * MIN,
                Map.of("{__name__=\"load\", instance_id=\"b\"}", 10.0)),
            Arguments.of("a value equal to the threshold does not pass >", "load > 10", 4 * MIN, Map.of()),
            Arguments.of("bool: 0/1 and no name", "load >= bool 10", 4 * MIN,
                Map.of("{instance_id=\"a\"}", 0.0, "{instance_id=\"b\"}", 1.0)),
            Arguments.of("scalar on the left of a comparison: the vector's value is kept", "5 < load", 4 * MIN,
                Map.of("{__name__=\"load\", instance_id=\"b\"}", 10.0)),
            Arguments.of("one-to-one arithmetic matches all labels but the name", "g - c", 4 * MIN, Map.of(a, -11.0)),
            Arguments.of("group_left: each error series divided by the one total, role copied",
                "errors / on(instance_id) group_left(role) total", 4 * MIN,
                Map.of("{db=\"x\", instance_id=\"a\", role=\"primary\"}", 2.0, "{db=\"y\", instance_id=\"a\", role=\"primary\"}", 3.0)),
            Arguments.of("on() one-to-one keeps only the on labels", "g + on(instance_id) c", 4 * MIN, Map.of(a, 19.0)),
            Arguments.of("and", "load and on(instance_id) g", 4 * MIN, Map.of("{__name__=\"load\", instance_id=\"a\"}", 4.0)),
            Arguments.of("unless", "load unless on(instance_id) g", 4 * MIN, Map.of("{__name__=\"load\", instance_id=\"b\"}", 10.0)),
            Arguments.of("or adds what the left lacks", "g or load", 4 * MIN,
                Map.of("{__name__=\"g\", instance_id=\"a\"}", 4.0, "{__name__=\"load\", instance_id=\"b\"}", 10.0)),
            Arguments.of("^ is right-associative", "2 ^ 3 ^ 2", 0L, Map.of("{}", 512.0)),
            Arguments.of("unary minus binds looser than ^", "-2 ^ 2", 0L, Map.of("{}", -4.0)),
            Arguments.of("* before +", "1 + 2 * 3", 0L, Map.of("{}", 7.0)),
            Arguments.of("% is Go's (sign of the dividend)", "-7 % 3", 0L, Map.of("{}", -1.0)),
            Arguments.of("1 ^ NaN is 1, as in Go", "1 ^ NaN", 0L, Map.of("{}", 1.0)),
            Arguments.of("scalar comparison with bool", "2 > bool 1", 0L, Map.of("{}", 1.0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void evaluatesAsPrometheus(String reason, String expression, long time, Map<String, Double> expected) {
        Value v = new Evaluator(store()).evaluate(ExprParser.parse(expression), time);
        Map<String, Double> actual = new TreeMap<>();
        if (v instanceof Scalar s) {
            actual.put("{}", s.value());
        } else {
            for (Sample s : ((InstantVector) v).samples()) {
                actual.put(s.labels().toString(), s.value());
            }
        }
        assertEquals(new TreeMap<>(expected).keySet(), actual.keySet(), reason);
        for (var e : expected.entrySet()) {
            assertEquals(e.getValue(), actual.get(e.getKey()), 1e-12, reason);
        }
    }

    @Test
    void manyToManyMatchingIsAnErrorAsInPrometheus() {
        ExprEvaluationException e = assertThrows(ExprEvaluationException.class,
                () -> new Evaluator(store()).evaluate(ExprParser.parse("total / on(instance_id) errors"), 4 * MIN));
        assertTrue(e.getMessage().contains("many-to-many matching not allowed"), e.getMessage());
    }

    @Test
    void oneToOneWithSeveralMatchesOnTheLeftMustBeExplicit() {
        ExprEvaluationException e = assertThrows(ExprEvaluationException.class,
                () -> new Evaluator(store()).evaluate(ExprParser.parse("errors / on(instance_id) total"), 4 * MIN));
        assertTrue(e.getMessage().contains("group_left/group_right"), e.getMessage());
    }

    @Test
    void stateRequirementsAreRangePlusOffsetOrLookback() {
        Expr e = ExprParser.parse("rate(c[5m] offset 1m) > g");
        assertEquals(6 * MIN, StateRequirements.of(e, Evaluator.DEFAULT_LOOKBACK_MS).get(0).retentionMs());
        assertEquals(5 * MIN, StateRequirements.of(e, Evaluator.DEFAULT_LOOKBACK_MS).get(1).retentionMs());
        assertEquals(6 * MIN, StateRequirements.maxRetentionMs(e, Evaluator.DEFAULT_LOOKBACK_MS));
    }

    @Test
    void evictingBeyondTheRequirementsChangesNoResult() {
        Expr e = ExprParser.parse("increase(c[3m]) + on(instance_id) g");
        InMemorySeriesStore full = store();
        InMemorySeriesStore bounded = store();
        long t = 4 * MIN;
        long lookback = MIN;
        bounded.evictBefore(t - StateRequirements.maxRetentionMs(e, lookback));
        assertTrue(bounded.sampleCount() < full.sampleCount(), "the bound evicted something");
        assertEquals(new Evaluator(full, lookback).evaluate(e, t), new Evaluator(bounded, lookback).evaluate(e, t));
    }
}
