package com.gds.alerting.topologies.rules;

import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.absence;
import static com.gds.alerting.topologies.TestRules.below;
import static com.gds.alerting.topologies.TestRules.burn;
import static com.gds.alerting.topologies.TestRules.eq;
import static com.gds.alerting.topologies.TestRules.override;
import static com.gds.alerting.topologies.TestRules.ratioSlo;
import static com.gds.alerting.topologies.TestRules.re;
import static com.gds.alerting.topologies.TestRules.schedule;
import static com.gds.alerting.topologies.TestRules.threshold;
import static com.gds.alerting.topologies.TestRules.thresholdSlo;
import static com.gds.alerting.topologies.TestRules.window;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.gds.alerting.avro.AbsenceSpec;
import com.gds.alerting.avro.Aggregation;
import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.OverrideMode;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.SloSpec;
import com.gds.alerting.avro.WindowSpec;
import com.gds.alerting.avro.WindowType;
import com.gds.alerting.avro.Severity;

class RuleValidatorTest {

    private static Rule.Builder valid() {
        return threshold("conn", "connections_used_ratio",
                List.of(above(Severity.WARNING, 80, 75), above(Severity.CRITICAL, 95, 90)), eq("environment", "prod"));
    }

    @Test
    void aCompleteRuleIsValid() {
        Rule rule = valid()
                .setForMs(60_000).setKeepFiringForMs(120_000)
                .setOverrides(List.of(override(OverrideMode.CUSTOM, List.of(above(Severity.WARNING, 90)), eq("instance_id", "pg-1"))))
                .setSchedules(List.of(schedule("Europe/Paris", List.of(), "22:00", "06:00", List.of(above(Severity.WARNING, 95)))))
                .setRepeatIntervalMs(3_600_000L).setEscalateAfterMs(900_000L).setEscalateToSeverity(Severity.CRITICAL)
                .setSummary("{{instance_id}} at {{value}} > {{threshold}} in {{labels.region}}")
                .build();
        assertEquals(List.of(), RuleValidator.validate(rule));
    }

    static Stream<Arguments> invalid() {
        return Stream.<Arguments>of(
                Arguments.of("a ':' in the id would break alert keys", (Consumer<Rule.Builder>) b -> b.setRuleId("a:b"), "rule_id"),
                Arguments.of("an absence rule takes its severity from its spec, not conditions", (Consumer<Rule.Builder>) b -> b
                        .setKind(RuleKind.ABSENCE).setForMs(60_000).setAbsence(new AbsenceSpec(Severity.WARNING, null)),
                        "conditions: an ABSENCE rule takes its severities from its absence.severity"),
                Arguments.of("no conditions", (Consumer<Rule.Builder>) b -> b.setConditions(List.of()), "conditions: a threshold rule"),
                Arguments.of("a bad regex in an inhibition's target", (Consumer<Rule.Builder>) b -> b.setInhibits(List.of(
                        new com.gds.alerting.avro.Inhibition(List.of(re("rule_id", "(")), List.of()))),
                        "inhibits[0].target_matchers[0].value: bad regular expression"),
                Arguments.of("an empty label in an inhibition's equal", (Consumer<Rule.Builder>) b -> b.setInhibits(List.of(
                        new com.gds.alerting.avro.Inhibition(List.of(), List.of("region", " ")))), "inhibits[0].equal[1]: empty label name"),
                Arguments.of("two conditions of one severity", (Consumer<Rule.Builder>) b -> b.setConditions(
                        List.of(above(Severity.WARNING, 80), above(Severity.WARNING, 90))), "appears twice"),
                Arguments.of("recovery above a '>' threshold", (Consumer<Rule.Builder>) b -> b.setConditions(
                        List.of(above(Severity.WARNING, 80, 85))), "conditions[0].recovery_threshold: 85.0 is above"),
                Arguments.of("recovery below a '<' threshold", (Consumer<Rule.Builder>) b -> b.setConditions(
                        List.of(new com.gds.alerting.avro.Condition(Severity.WARNING, com.gds.alerting.avro.Comparison.LT, 10.0, 5.0))),
                        "is below the threshold"),
                Arguments.of("critical would trigger before warning", (Consumer<Rule.Builder>) b -> b.setConditions(
                        List.of(above(Severity.WARNING, 90), above(Severity.CRITICAL, 80))), "CRITICAL threshold 80.0 would trigger before"),
                Arguments.of("'<' levels the other way round", (Consumer<Rule.Builder>) b -> b.setConditions(
                        List.of(below(Severity.WARNING, 10), below(Severity.CRITICAL, 20))), "needs the lower threshold"),
                Arguments.of("bad regex", (Consumer<Rule.Builder>) b -> b.setSelector(
                        new com.gds.alerting.avro.Selector("m", List.of(re("instance_id", "pg-(")))), "selector.matchers[0].value"),
                Arguments.of("metric name with ':'", (Consumer<Rule.Builder>) b -> b.setSelector(
                        new com.gds.alerting.avro.Selector("job:m", List.of())), "selector.metric_name"),
                Arguments.of("negative for", (Consumer<Rule.Builder>) b -> b.setForMs(-1), "for_ms"),
                Arguments.of("unknown zone", (Consumer<Rule.Builder>) b -> b.setSchedules(List.of(
                        schedule("Europe/Pariss", List.of(), "22:00", "06:00", List.of(above(Severity.WARNING, 95))))), "unknown time zone"),
                Arguments.of("bad time of day", (Consumer<Rule.Builder>) b -> b.setSchedules(List.of(
                        schedule("UTC", List.of(), "24:00", "06:00", List.of(above(Severity.WARNING, 95))))), "schedules[0].start"),
                Arguments.of("override without matchers", (Consumer<Rule.Builder>) b -> b.setOverrides(List.of(
                        override(OverrideMode.DISABLED, List.of()))), "overrides[0].matchers"),
                Arguments.of("DISABLED override with conditions", (Consumer<Rule.Builder>) b -> b.setOverrides(List.of(
                        override(OverrideMode.DISABLED, List.of(above(Severity.WARNING, 1)), eq("instance_id", "x")))),
                        "only a CUSTOM override carries conditions"),
                Arguments.of("escalation target without a time", (Consumer<Rule.Builder>) b -> b.setEscalateToSeverity(Severity.CRITICAL),
                        "escalate_after_ms"),
                Arguments.of("reminders more often than every second", (Consumer<Rule.Builder>) b -> b.setRepeatIntervalMs(10L),
                        "repeat_interval_ms"),
                Arguments.of("unknown template placeholder", (Consumer<Rule.Builder>) b -> b.setSummary("{{instance}} is down"),
                        "unknown placeholder {{instance}}"));
    }

    static Stream<Arguments> validOfEachKind() {
        return Stream.of(
                Arguments.of("a hopping p95 window with grace", window("lat", "latency_ms", Aggregation.P95, WindowType.HOPPING,
                        Duration.ofMinutes(5), null, Duration.ofSeconds(30), List.of(above(Severity.WARNING, 200))).build()),
                Arguments.of("a counter rate over a tumbling window", window("rate", "requests_total", Aggregation.RATE,
                        WindowType.TUMBLING, Duration.ofMinutes(1), null, Duration.ZERO, List.of(above(Severity.WARNING, 100))).build()),
                Arguments.of("a ratio SLO with the Workbook defaults", ratioSlo("slo", "requests_total", "requests_failed_total",
                        0.999, Duration.ofDays(30), List.of(), 100).build()),
                Arguments.of("a threshold SLO (up == 1)", thresholdSlo("up", "up", Comparison.EQ, 1, 0.999, Duration.ofDays(30)).build()),
                Arguments.of("an absence rule with its own retention", absence("gone", "up", Duration.ofMinutes(5), Severity.HIGH,
                        Duration.ofDays(1)).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validOfEachKind")
    void eachKindValidates(String why, Rule rule) {
        assertEquals(List.of(), RuleValidator.validate(rule), why);
    }

    static Stream<Arguments> invalidKinds() {
        Rule.Builder p95 = window("lat", "latency_ms", Aggregation.P95, WindowType.HOPPING, Duration.ofMinutes(5),
                Duration.ofMinutes(1), Duration.ZERO, List.of(above(Severity.WARNING, 200)));
        return Stream.of(
                Arguments.of("a window rule without its spec", threshold("w", "m", List.of(above(Severity.WARNING, 1)))
                        .setKind(RuleKind.WINDOW), "window: a WINDOW rule needs its window spec"),
                Arguments.of("a threshold rule carrying a window", Rule.newBuilder(p95.build()).setKind(RuleKind.THRESHOLD),
                        "window: only a WINDOW rule"),
                Arguments.of("a hop that does not divide the window", Rule.newBuilder(p95.build()).setWindow(
                        new WindowSpec(Aggregation.P95, WindowType.HOPPING, 300_000L, 70_000L, 0L)), "window.advance_ms"),
                Arguments.of("too many hops per window", Rule.newBuilder(p95.build()).setWindow(
                        new WindowSpec(Aggregation.AVG, WindowType.HOPPING, 86_400_000L, 1_000L, 0L)), "hops per window"),
                Arguments.of("negative grace", Rule.newBuilder(p95.build()).setWindow(
                        new WindowSpec(Aggregation.AVG, WindowType.TUMBLING, 60_000L, null, -1L)), "window.grace_ms"),
                Arguments.of("an objective of 1 leaves no budget", ratioSlo("s", "t", "b", 1.0, Duration.ofDays(30), List.of(), 0),
                        "slo.objective"),
                Arguments.of("a ratio SLI with both good and bad counters", Rule.newBuilder(ratioSlo("s", "t", "b", 0.99,
                        Duration.ofDays(30), List.of(), 0).build()).setSlo(SloSpec.newBuilder(ratioSlo("s", "t", "b", 0.99,
                        Duration.ofDays(30), List.of(), 0).build().getSlo()).setGoodMetric("g").build()), "exactly one of good_metric"),
                Arguments.of("a threshold SLI without its condition", Rule.newBuilder(thresholdSlo("s", "up", Comparison.EQ, 1, 0.99,
                        Duration.ofDays(30)).build()).setSlo(SloSpec.newBuilder(thresholdSlo("s", "up", Comparison.EQ, 1, 0.99,
                        Duration.ofDays(30)).build().getSlo()).setGoodOp(null).build()), "slo.good_op/good_threshold"),
                Arguments.of("a short window as long as the long one", ratioSlo("s", "t", "b", 0.999, Duration.ofDays(30),
                        List.of(burn(Severity.CRITICAL, Duration.ofHours(1), Duration.ofHours(1), 14.4)), 0), "must be shorter"),
                Arguments.of("windows not in whole minutes cannot be bucketed", ratioSlo("s", "t", "b", 0.999, Duration.ofDays(30),
                        List.of(burn(Severity.CRITICAL, Duration.ofHours(1), Duration.ofSeconds(90), 14.4)), 0), "whole number of minutes"),
                Arguments.of("a long window beyond the period", ratioSlo("s", "t", "b", 0.999, Duration.ofDays(1),
                        List.of(burn(Severity.WARNING, Duration.ofDays(3), Duration.ofHours(6), 1)), 0), "longer than the period"),
                Arguments.of("a negative min_events (the least number of events a window must hold to be judged)",
                        ratioSlo("s", "t", "b", 0.999, Duration.ofDays(30), List.of(), -1), "slo.min_events: -1 is negative"),
                Arguments.of("an SLO with conditions", Rule.newBuilder(ratioSlo("s", "t", "b", 0.999, Duration.ofDays(30), List.of(), 0)
                        .build()).setConditions(List.of(above(Severity.WARNING, 1))), "conditions: an SLO rule takes"),
                Arguments.of("an absence rule without a silence", absence("a", "up", Duration.ZERO, Severity.HIGH, null), "for_ms"),
                Arguments.of("forgetting before the alert could fire", absence("a", "up", Duration.ofHours(1), Severity.HIGH,
                        Duration.ofMinutes(5)), "absence.forget_after_ms"),
                Arguments.of("a CUSTOM override on an absence rule", absence("a", "up", Duration.ofMinutes(5), Severity.HIGH, null)
                        .setOverrides(List.of(override(OverrideMode.CUSTOM, List.of(above(Severity.WARNING, 1)), eq("instance_id", "x")))),
                        "use DISABLED or DEFAULT"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidKinds")
    void eachKindsSpecIsChecked(String why, Rule.Builder builder, String expected) {
        List<String> problems = RuleValidator.validate(builder.build());
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), why + ": " + problems);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void eachProblemIsReportedWithItsField(String why, Consumer<Rule.Builder> breakIt, String expected) {
        Rule.Builder builder = valid();
        breakIt.accept(builder);
        List<String> problems = RuleValidator.validate(builder.build());
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), why + ": " + problems);
    }

    @Test
    void everyProblemIsReportedInOneRun() {
        Rule rule = valid().setRuleId("bad id").setForMs(-5).setSummary("{{nope}}").build();
        assertEquals(3, RuleValidator.validate(rule).size(), RuleValidator.validate(rule).toString());
    }
}
