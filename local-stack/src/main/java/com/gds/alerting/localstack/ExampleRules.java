package com.gds.alerting.localstack;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.Inhibition;
import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.serde.AvroClassTrust;

/**
 * Rules the local stack publishes at start so that a first run shows alerts on the synthetic
 * fleet: one per incident the fleet simulates, written as a DBA would.
 */
final class ExampleRules {

    private ExampleRules() {
    }

    static List<Rule> all() {
        AvroClassTrust.install();
        Rule down = rule("database-down", "up", null, List.of(level(Severity.CRITICAL, Comparison.LT, 1, null)), Duration.ZERO,
                "{{instance_id}} ({{database_type}}) does not answer",
                "The collector reached the host but the database did not answer the health query.");
        // A database that does not answer explains its other alerts: they send nothing meanwhile.
        down.setInhibits(List.of(new Inhibition(List.of(), List.of())));
        return List.of(
                down,
                rule("connections-saturated", "connections_used_ratio", null,
                        List.of(level(Severity.WARNING, Comparison.GT, 0.8, 0.75), level(Severity.CRITICAL, Comparison.GT, 0.95, 0.9)),
                        Duration.ofMinutes(1), "{{instance_id}} uses {{value}} of its connections (> {{threshold}})",
                        "Connection slots are running out; new sessions will be refused."),
                rule("replication-lag", "replication_lag_seconds", null,
                        List.of(level(Severity.WARNING, Comparison.GT, 30, 20.0), level(Severity.CRITICAL, Comparison.GT, 300, 240.0)),
                        Duration.ofMinutes(1), "{{instance_id}} replica is {{value}} s behind",
                        "The replica applies changes late; reads from it are stale."),
                rule("long-transaction", "longest_transaction_seconds", "postgresql",
                        List.of(level(Severity.WARNING, Comparison.GT, 600, null)), Duration.ofMinutes(2),
                        "{{instance_id}} has a transaction open for {{value}} s",
                        "A long transaction holds back vacuum and may hold locks."),
                rule("xid-wraparound", "xid_wraparound_age", "postgresql",
                        List.of(level(Severity.HIGH, Comparison.GT, 1.2e9, null), level(Severity.CRITICAL, Comparison.GT, 1.8e9, null)),
                        Duration.ZERO, "{{instance_id}} transaction ids are {{value}} old",
                        "Approaching wraparound: the database will stop accepting writes; run VACUUM FREEZE."),
                rule("mssql-log-full", "log_space_used_ratio", "mssql",
                        List.of(level(Severity.WARNING, Comparison.GT, 0.85, 0.8), level(Severity.CRITICAL, Comparison.GT, 0.95, 0.9)),
                        Duration.ofMinutes(1), "{{instance_id}} transaction log {{value}} full", null),
                rule("warehouse-queueing", "warehouse_avg_queued_load", "snowflake",
                        List.of(level(Severity.WARNING, Comparison.GT, 5, 2.0)), Duration.ofMinutes(2),
                        "{{instance_id}}: {{value}} queries queued on average", "The warehouse is too small for its load."));
    }

    private static Condition level(Severity severity, Comparison op, double threshold, Double recovery) {
        return new Condition(severity, op, threshold, recovery);
    }

    private static Rule rule(String id, String metric, String databaseType, List<Condition> conditions, Duration pending,
                             String summary, String description) {
        return Rule.newBuilder()
                .setRuleId(id)
                .setKind(RuleKind.THRESHOLD)
                .setSelector(new Selector(metric, databaseType == null ? List.of()
                        : List.of(new Matcher("database_type", MatchOp.EQ, databaseType))))
                .setConditions(conditions)
                .setForMs(pending.toMillis())
                .setRepeatIntervalMs(Duration.ofHours(1).toMillis())
                .setSummary(summary)
                .setDescription(description)
                .setRunbookUrl("https://runbooks.example.com/gds/" + id)
                .setLabels(Map.of("team", "dba"))
                .setSource("local-stack example rules")
                .build();
    }
}
