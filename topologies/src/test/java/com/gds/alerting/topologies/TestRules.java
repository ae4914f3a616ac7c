package com.gds.alerting.topologies;

import java.time.Duration;
import java.util.List;

import com.gds.alerting.avro.AbsenceSpec;
import com.gds.alerting.avro.Aggregation;
import com.gds.alerting.avro.BurnWindow;
import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.OverrideMode;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.RuleOverride;
import com.gds.alerting.avro.Schedule;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.SliKind;
import com.gds.alerting.avro.SloSpec;
import com.gds.alerting.avro.Weekday;
import com.gds.alerting.avro.WindowSpec;
import com.gds.alerting.avro.WindowType;

/** Short ways to write rules in tests. */
public final class TestRules {

    static {
        com.gds.alerting.avro.serde.AvroClassTrust.install();
    }

    private TestRules() {
    }

    /** An anomaly rule on {@code metric} with the spec's settings. */
    public static Rule.Builder anomaly(String ruleId, String metric, com.gds.alerting.avro.AnomalySpec spec) {
        return Rule.newBuilder()
                .setRuleId(ruleId)
                .setKind(RuleKind.ANOMALY)
                .setSelector(new Selector(metric, List.of()))
                .setAnomaly(spec);
    }

    /** A forecast rule: {@code metric} crosses {@code limit} ({@code op}) within {@code horizon} by the trend over {@code window}. */
    public static Rule.Builder forecast(String ruleId, String metric, double limit, Comparison op, Duration window,
                                        Duration horizon) {
        return Rule.newBuilder()
                .setRuleId(ruleId)
                .setKind(RuleKind.FORECAST)
                .setSelector(new Selector(metric, List.of()))
                .setForecast(com.gds.alerting.avro.ForecastSpec.newBuilder().setLimit(limit).setOp(op)
                        .setWindowMs(window.toMillis()).setHorizonMs(horizon.toMillis()).build());
    }

    /** A threshold rule on {@code metric} with the given levels and matchers. */
    public static Rule.Builder threshold(String ruleId, String metric, List<Condition> conditions, Matcher... matchers) {
        return Rule.newBuilder()
                .setRuleId(ruleId)
                .setKind(RuleKind.THRESHOLD)
                .setSelector(new Selector(metric, List.of(matchers)))
                .setConditions(conditions);
    }

    /** An EXPR rule whose expression's value the conditions judge. */
    public static Rule.Builder expr(String ruleId, String expression, List<Condition> conditions, Matcher... matchers) {
        return Rule.newBuilder()
                .setRuleId(ruleId)
                .setKind(RuleKind.EXPR)
                .setSelector(new Selector("", List.of(matchers)))
                .setConditions(conditions)
                .setExpr(new com.gds.alerting.avro.ExprSpec(expression, List.of()));
    }

    /** An EXPR rule with one filtering expression per severity. */
    public static Rule.Builder exprLevels(String ruleId, com.gds.alerting.avro.ExprLevel... levels) {
        return Rule.newBuilder()
                .setRuleId(ruleId)
                .setKind(RuleKind.EXPR)
                .setSelector(new Selector("", List.of()))
                .setExpr(new com.gds.alerting.avro.ExprSpec(null, List.of(levels)));
    }

    /** One severity of {@link #exprLevels}: a result series of {@code expression} breaches it. */
    public static com.gds.alerting.avro.ExprLevel level(Severity severity, String expression) {
        return new com.gds.alerting.avro.ExprLevel(severity, expression, null);
    }

    /** A window rule: {@code aggregation} over a {@code type} window of {@code size} (hop {@code advance}, may be null). */
    public static Rule.Builder window(String ruleId, String metric, Aggregation aggregation, WindowType type, Duration size,
                                      Duration advance, Duration grace, List<Condition> conditions) {
        return Rule.newBuilder()
                .setRuleId(ruleId)
                .setKind(RuleKind.WINDOW)
                .setSelector(new Selector(metric, List.of()))
                .setConditions(conditions)
                .setWindow(new WindowSpec(aggregation, type, size.toMillis(), advance == null ? null : advance.toMillis(),
                        grace.toMillis()));
    }

    /** A RATIO SLO on the counters {@code total} and {@code bad}. */
    public static Rule.Builder ratioSlo(String ruleId, String total, String bad, double objective, Duration period,
                                        List<BurnWindow> burnWindows, long minEvents) {
        return Rule.newBuilder()
                .setRuleId(ruleId)
                .setKind(RuleKind.SLO)
                .setSelector(new Selector(total, List.of()))
                .setSlo(SloSpec.newBuilder().setSli(SliKind.RATIO).setBadMetric(bad).setTotalMetric(total)
                        .setObjective(objective).setPeriodMs(period.toMillis()).setBurnWindows(burnWindows)
                        .setMinEvents(minEvents).build());
    }

    /** A THRESHOLD SLO: a sample of {@code metric} is good when {@code value op threshold}. */
    public static Rule.Builder thresholdSlo(String ruleId, String metric, Comparison op, double threshold, double objective,
                                            Duration period) {
        return Rule.newBuilder()
                .setRuleId(ruleId)
                .setKind(RuleKind.SLO)
                .setSelector(new Selector(metric, List.of()))
                .setSlo(SloSpec.newBuilder().setSli(SliKind.THRESHOLD).setGoodOp(op).setGoodThreshold(threshold)
                        .setObjective(objective).setPeriodMs(period.toMillis()).build());
    }

    public static BurnWindow burn(Severity severity, Duration longWindow, Duration shortWindow, double rate) {
        return new BurnWindow(severity, longWindow.toMillis(), shortWindow.toMillis(), rate);
    }

    /** An absence rule: no sample of {@code metric} for {@code silence} fires at {@code severity}. */
    public static Rule.Builder absence(String ruleId, String metric, Duration silence, Severity severity, Duration forgetAfter) {
        return Rule.newBuilder()
                .setRuleId(ruleId)
                .setKind(RuleKind.ABSENCE)
                .setSelector(new Selector(metric, List.of()))
                .setForMs(silence.toMillis())
                .setAbsence(new AbsenceSpec(severity, forgetAfter == null ? null : forgetAfter.toMillis()));
    }

    /** {@code value > threshold} at {@code severity}. */
    public static Condition above(Severity severity, double threshold) {
        return new Condition(severity, Comparison.GT, threshold, null);
    }

    /** {@code value > threshold} at {@code severity}, holding while {@code value > recovery}. */
    public static Condition above(Severity severity, double threshold, double recovery) {
        return new Condition(severity, Comparison.GT, threshold, recovery);
    }

    public static Condition below(Severity severity, double threshold) {
        return new Condition(severity, Comparison.LT, threshold, null);
    }

    public static Matcher eq(String label, String value) {
        return new Matcher(label, MatchOp.EQ, value);
    }

    public static Matcher neq(String label, String value) {
        return new Matcher(label, MatchOp.NEQ, value);
    }

    public static Matcher re(String label, String value) {
        return new Matcher(label, MatchOp.RE, value);
    }

    public static Matcher nre(String label, String value) {
        return new Matcher(label, MatchOp.NRE, value);
    }

    public static RuleOverride override(OverrideMode mode, List<Condition> conditions, Matcher... matchers) {
        return new RuleOverride(List.of(matchers), mode, conditions);
    }

    public static Schedule schedule(String zone, List<Weekday> days, String start, String end, List<Condition> conditions) {
        return new Schedule(zone, days, start, end, conditions);
    }

    public static long ms(Duration duration) {
        return duration.toMillis();
    }
}
