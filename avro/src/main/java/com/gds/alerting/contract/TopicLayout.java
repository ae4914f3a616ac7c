package com.gds.alerting.contract;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The topics of docs/contracts.md with their cleanup policies: metrics with time retention; rules,
 * accepted rules and silences compacted; commands and command results as partitioned as the metrics
 * (commands are repartitioned by instance, so the counts must agree); events kept long, shadow events
 * a month; dead-letter
 * topics with one partition, outside the metrics pattern. The local stack creates its topics with
 * it, and so do the tests and benchmarks that run the alerting topology on a broker.
 */
public final class TopicLayout {

    private static final short REPLICATION = 1;
    private static final Duration METRICS_RETENTION = Duration.ofDays(7);
    private static final Duration COMMANDS_RETENTION = Duration.ofDays(7);
    private static final Duration EVENTS_RETENTION = Duration.ofDays(365);
    /** Long enough to compare a candidate with its live rule over weeks, not the events' year. */
    private static final Duration SHADOW_EVENTS_RETENTION = Duration.ofDays(30);
    private static final Duration DLQ_RETENTION = Duration.ofDays(30);

    private TopicLayout() {
    }

    /** Every topic, with {@code partitions} for the metrics topics and the topics keyed like them. */
    public static List<NewTopic> topics(GdsTopics names, Collection<String> metricsTopics, int partitions) {
        List<NewTopic> topics = new ArrayList<>();
        for (String metrics : metricsTopics) {
            topics.add(delete(metrics, partitions, METRICS_RETENTION));
        }
        topics.add(compacted(names.rules(), partitions));
        topics.add(compacted(names.silences(), partitions));
        topics.add(delete(names.commands(), partitions, COMMANDS_RETENTION));
        topics.add(delete(names.events(), partitions, EVENTS_RETENTION));
        topics.add(delete(names.shadowEvents(), partitions, SHADOW_EVENTS_RETENTION));
        topics.add(delete(names.dlqMetrics(), 1, DLQ_RETENTION));
        topics.add(delete(names.dlqNotifications(), 1, DLQ_RETENTION));
        topics.add(delete(names.dlqRules(), 1, DLQ_RETENTION));
        topics.add(compacted(names.rulesAccepted(), partitions));
        topics.add(delete(names.commandResults(), partitions, COMMANDS_RETENTION));
        topics.add(delete(names.dlqCommands(), 1, DLQ_RETENTION));
        topics.add(compacted(names.ruleSettings(), partitions));
        topics.add(compacted(names.ruleSettingsAccepted(), partitions));
        return topics;
    }

    /** Creates {@link #topics} on the cluster at {@code bootstrapServers} and waits (up to a minute) until it has. */
    public static void create(String bootstrapServers, GdsTopics names, Collection<String> metricsTopics, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(topics(names, metricsTopics, partitions)).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the GDS topics on " + bootstrapServers + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the GDS topics", e);
        }
    }

    private static NewTopic delete(String name, int partitions, Duration retention) {
        return new NewTopic(name, partitions, REPLICATION).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis())));
    }

    private static NewTopic compacted(String name, int partitions) {
        return new NewTopic(name, partitions, REPLICATION).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0"));
    }
}
