package com.gds.alerting.avro.serde;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;

import com.gds.alerting.avro.AbsenceSpec;
import com.gds.alerting.avro.Aggregation;
import com.gds.alerting.avro.AlertCommand;
import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.BurnWindow;
import com.gds.alerting.avro.CommandType;
import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.OverrideMode;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.RuleOverride;
import com.gds.alerting.avro.Schedule;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Silence;
import com.gds.alerting.avro.SliKind;
import com.gds.alerting.avro.SloSpec;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.Weekday;
import com.gds.alerting.avro.WindowSpec;
import com.gds.alerting.avro.WindowType;
import com.gds.alerting.contract.AlertKeys;
import com.gds.alerting.contract.MessageIds;

/** One fully populated example of every record type on the product's topics. */
final class SampleRecords {

    static final Instant T0 = Instant.parse("2026-11-21T03:00:00Z");

    private SampleRecords() {
    }

    static Metric metric() {
        return Metric.newBuilder()
                .setTimestamp(T0)
                .setDatabaseType("postgresql")
                .setInstanceId("pg-prod-01")
                .setMetricName("connections_used_ratio")
                .setValue(0.93)
                .setTags(Map.of("environment", "prod", "region", "eu-west-1"))
                .setMetadata(MetricMetadata.newBuilder()
                        .setCollectionDurationMs(42).setVersion("1.0.0").setCorrelationId("c-1").build())
                .build();
    }

    static Rule thresholdRule() {
        return Rule.newBuilder()
                .setRuleId("pg-connections")
                .setKind(RuleKind.THRESHOLD)
                .setSelector(Selector.newBuilder().setMetricName("connections_used_ratio")
                        .setMatchers(List.of(new Matcher("environment", MatchOp.EQ, "prod"),
                                new Matcher("instance_id", MatchOp.NRE, "pg-test-.*")))
                        .build())
                .setConditions(List.of(new Condition(Severity.WARNING, Comparison.GT, 0.8, 0.75),
                        new Condition(Severity.CRITICAL, Comparison.GT, 0.95, null)))
                .setForMs(120_000)
                .setKeepFiringForMs(60_000)
                .setOverrides(List.of(new RuleOverride(List.of(new Matcher("instance_id", MatchOp.EQ, "pg-batch-01")),
                        OverrideMode.DISABLED, List.of())))
                .setSchedules(List.of(new Schedule("Europe/Paris", List.of(Weekday.SATURDAY, Weekday.SUNDAY),
                        "22:00", "06:00", List.of(new Condition(Severity.WARNING, Comparison.GT, 0.9, null)))))
                .setRepeatIntervalMs(3_600_000L)
                .setEscalateAfterMs(900_000L)
                .setEscalateToSeverity(Severity.CRITICAL)
                .setSummary("{{instance_id}} connections at {{value}}")
                .setDescription("Connections above {{threshold}} on {{labels.team}}")
                .setRunbookUrl("https://runbooks.example/pg-connections")
                .setLabels(Map.of("team", "dba"))
                .setRoutingKey("dba-oncall")
                .setSource("rules/postgresql.yaml:12")
                .build();
    }

    static Rule windowRule() {
        return Rule.newBuilder(thresholdRule())
                .setRuleId("pg-p99-latency")
                .setKind(RuleKind.WINDOW)
                .setWindow(new WindowSpec(Aggregation.P99, WindowType.HOPPING, 300_000L, 60_000L, 10_000L))
                .build();
    }

    static Rule sloRule() {
        return Rule.newBuilder()
                .setRuleId("pg-availability")
                .setKind(RuleKind.SLO)
                .setSelector(new Selector("up", List.of()))
                .setSlo(SloSpec.newBuilder()
                        .setSli(SliKind.THRESHOLD)
                        .setGoodOp(Comparison.EQ)
                        .setGoodThreshold(1.0)
                        .setObjective(0.999)
                        .setPeriodMs(30L * 24 * 3_600_000)
                        .setBurnWindows(List.of(new BurnWindow(Severity.CRITICAL, 3_600_000L, 300_000L, 14.4)))
                        .setMinEvents(10)
                        .build())
                .build();
    }

    static Rule absenceRule() {
        return Rule.newBuilder()
                .setRuleId("collector-gone")
                .setKind(RuleKind.ABSENCE)
                .setSelector(new Selector("up", List.of()))
                .setForMs(300_000)
                .setAbsence(new AbsenceSpec(Severity.HIGH, null))
                .build();
    }

    static Silence silence() {
        return Silence.newBuilder()
                .setSilenceId("s-1")
                .setMatchers(List.of(new Matcher("instance_id", MatchOp.RE, "pg-prod-0[1-3]")))
                .setStartsAt(T0)
                .setEndsAt(T0.plusSeconds(3600))
                .setCreatedBy("alice")
                .setComment("patching")
                .setCreatedAt(T0)
                .build();
    }

    static AlertCommand command() {
        return AlertCommand.newBuilder()
                .setCommandId("cmd-1")
                .setAlertKey(AlertKeys.of("pg-connections", "pg-prod-01", "connections_used_ratio"))
                .setType(CommandType.ACKNOWLEDGE)
                .setBy("alice")
                .setComment("looking")
                .setIssuedAt(T0)
                .setIncident(3L)
                .build();
    }

    static AlertEvent event() {
        String key = AlertKeys.of("pg-connections", "pg-prod-01", "connections_used_ratio");
        return AlertEvent.newBuilder()
                .setMessageId(MessageIds.of(key, 3, T0.toEpochMilli(), Transition.FIRED.name(), 0))
                .setAlertKey(key)
                .setRuleId("pg-connections")
                .setInstanceId("pg-prod-01")
                .setMetricName("connections_used_ratio")
                .setDatabaseType("postgresql")
                .setEnvironment("prod")
                .setSeverity(Severity.CRITICAL)
                .setState(AlertState.FIRING)
                .setPreviousState(AlertState.PENDING)
                .setTransition(Transition.FIRED)
                .setIncident(3)
                .setValue(0.97)
                .setThreshold(0.95)
                .setStartedAt(T0)
                .setUpdatedAt(T0.plusSeconds(120))
                .setLabels(Map.of("team", "dba"))
                .setRunbookUrl("https://runbooks.example/pg-connections")
                .setSummary("pg-prod-01 connections at 0.97")
                .setDescription("Connections above 0.95")
                .setRoutingKey("dba-oncall")
                .build();
    }

    /** Every record type, with a name for parameterized tests. */
    static Map<String, SpecificRecord> all() {
        return Map.of(
                "Metric", metric(),
                "Rule (threshold)", thresholdRule(),
                "Rule (window)", windowRule(),
                "Rule (slo)", sloRule(),
                "Rule (absence)", absenceRule(),
                "Silence", silence(),
                "AlertCommand", command(),
                "AlertEvent", event());
    }
}
