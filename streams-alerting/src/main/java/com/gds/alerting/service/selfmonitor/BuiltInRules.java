package com.gds.alerting.service.selfmonitor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.serde.AvroClassTrust;

/**
 * The rules that turn the self-monitor's figures into alerts, built from {@code gds.self-monitor.*}
 * (so their thresholds are configuration). Ordinary threshold rules on ordinary metrics: they go
 * through the same lifecycle, silences, inhibition, storm control and dispatcher as any other.
 * Each carries the label {@code managed_by=gds-self-monitor}; a rule of the same id without it is
 * the operator's, and the service leaves it alone.
 */
public final class BuiltInRules {

    public static final String LAG = "gds-self-consumer-lag";
    public static final String DEAD_LETTERS = "gds-self-dead-letters";
    public static final String IDLE_TOPIC = "gds-self-metrics-topic-idle";
    /** The label that marks a rule as the service's own (published, and updated, by it). */
    public static final String MANAGED_BY = "managed_by";
    public static final String MANAGER = "gds-self-monitor";
    static final String SOURCE = "built in: streams-alerting gds.self-monitor.* (docs/RELIABILITY.md)";

    private BuiltInRules() {
    }

    public static List<Rule> rules(SelfMonitorSettings s) {
        AvroClassTrust.install();
        return List.of(
                rule(LAG, SelfFigures.CONSUMER_LAG, Severity.HIGH, s.getLagThreshold(), s.getLagFor().toMillis(), s,
                        "{{instance_id}} is {{value}} records behind (threshold {{threshold}})",
                        "The consumer group {{instance_id}} of the alerting pipeline ({{labels.group_kind}}) has been more than"
                                + " {{threshold}} records behind its input for " + human(s.getLagFor()) + ": alerts (or their"
                                + " notifications) are late. Check the service's health, /prometheus and the broker."),
                rule(DEAD_LETTERS, SelfFigures.DLQ_ADDED, Severity.WARNING, s.getDlqThreshold(), 0, s,
                        "{{value}} dead letters on {{instance_id}} in the last " + human(s.getDlqWindow()),
                        "Records were rejected to the dead-letter topic {{instance_id}} (more than {{threshold}} in "
                                + human(s.getDlqWindow()) + "). Each carries its reason in the gds.dlq.* headers; read them"
                                + " with kcat or the console."),
                rule(IDLE_TOPIC, SelfFigures.TOPIC_IDLE, Severity.HIGH, s.getIdleAfter().toSeconds(), 0, s,
                        "metrics topic {{instance_id}} received nothing for {{value}} s",
                        "No record reached the metrics topic {{instance_id}} for more than {{threshold}} seconds: its"
                                + " collectors, or their way to Kafka, are down. Nothing on it can alert meanwhile."));
    }

    private static Rule rule(String id, String metric, Severity severity, double threshold, long forMs, SelfMonitorSettings s,
                             String summary, String description) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, MANAGER);
        labels.put("team", "gds-alerting");
        return Rule.newBuilder()
                .setRuleId(id)
                .setKind(RuleKind.THRESHOLD)
                .setSelector(new Selector(metric, List.of(new Matcher("database_type", MatchOp.EQ, SelfFigures.DATABASE_TYPE))))
                .setConditions(List.of(new Condition(severity, Comparison.GT, threshold, null)))
                .setForMs(forMs)
                .setSummary(summary)
                .setDescription(description)
                .setLabels(labels)
                .setRoutingKey(s.getRoutingKey())
                .setSource(SOURCE)
                .build();
    }

    /** Whether {@code rule} is one the service manages (and so may replace). */
    public static boolean managed(Rule rule) {
        return MANAGER.equals(rule.getLabels().get(MANAGED_BY));
    }

    private static String human(java.time.Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
}
