package com.gds.alerting.topologies;

import java.time.Duration;
import java.util.List;

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
import com.gds.alerting.avro.Weekday;

/** Short ways to write rules in tests. */
public final class TestRules {

    static {
        com.gds.alerting.avro.serde.AvroClassTrust.install();
    }

    private TestRules() {
    }

    /** A threshold rule on {@code metric} with the given levels and matchers. */
    public static Rule.Builder threshold(String ruleId, String metric, List<Condition> conditions, Matcher... matchers) {
        return Rule.newBuilder()
                .setRuleId(ruleId)
                .setKind(RuleKind.THRESHOLD)
                .setSelector(new Selector(metric, List.of(matchers)))
                .setConditions(conditions);
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
