package com.gds.alerting.localstack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

import com.gds.alerting.contract.GdsTopics;

/**
 * The topics of ARCHITECTURE.md with the partition counts and cleanup policies of the local stack:
 * metrics 6 partitions, time retention; rules and silences compacted; events kept long;
 * dead-letter topics outside the metrics pattern.
 */
public final class TopicLayout {

    static final int PARTITIONS = 6;
    private static final short REPLICATION = 1;
    private static final Duration METRICS_RETENTION = Duration.ofDays(7);
    private static final Duration COMMANDS_RETENTION = Duration.ofDays(7);
    private static final Duration EVENTS_RETENTION = Duration.ofDays(365);
    private static final Duration DLQ_RETENTION = Duration.ofDays(30);

    private TopicLayout() {
    }

    /** Every topic for the given metric (database type, environment) pairs. */
    public static List<NewTopic> topics(GdsTopics names, List<Map.Entry<String, String>> metricTopics) {
        List<NewTopic> topics = new ArrayList<>();
        for (Map.Entry<String, String> pair : metricTopics) {
            topics.add(delete(names.metricsTopic(pair.getKey(), pair.getValue()), PARTITIONS, METRICS_RETENTION));
        }
        topics.add(compacted(names.rules()));
        topics.add(compacted(names.silences()));
        topics.add(delete(names.commands(), PARTITIONS, COMMANDS_RETENTION));
        topics.add(delete(names.events(), PARTITIONS, EVENTS_RETENTION));
        topics.add(delete(names.dlqMetrics(), 1, DLQ_RETENTION));
        topics.add(delete(names.dlqNotifications(), 1, DLQ_RETENTION));
        topics.add(delete(names.dlqRules(), 1, DLQ_RETENTION));
        topics.add(compacted(names.rulesAccepted()));
        topics.add(delete(names.commandResults(), PARTITIONS, COMMANDS_RETENTION));
        topics.add(delete(names.dlqCommands(), 1, DLQ_RETENTION));
        return topics;
    }

    private static NewTopic delete(String name, int partitions, Duration retention) {
        return new NewTopic(name, partitions, REPLICATION).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis())));
    }

    private static NewTopic compacted(String name) {
        return new NewTopic(name, PARTITIONS, REPLICATION).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0"));
    }
}
