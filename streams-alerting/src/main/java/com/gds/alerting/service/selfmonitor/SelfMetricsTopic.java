package com.gds.alerting.service.selfmonitor;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import io.micronaut.core.annotation.Nullable;

/**
 * Creates the self-metrics topic {@code gds.metrics.gds_alerting.<env>} when it is missing. It
 * matches the metrics pattern, so it must have as many partitions as the commands topic (the
 * service checks that at startup, see {@code PartitionCheck}); it keeps the metrics topics'
 * retention (7 days) and the cluster's default replication factor.
 */
final class SelfMetricsTopic {

    private static final Duration RETENTION = Duration.ofDays(7);
    private static final long TIMEOUT_S = 30;

    private SelfMetricsTopic() {
    }

    /** True when the topic exists now (created or found); false when the commands topic is not there to copy. */
    static boolean ensure(Admin admin, String name, String commandsTopic, @Nullable Integer commandPartitions) {
        try {
            var names = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
            if (names.contains(name)) {
                return true;
            }
            int partitions;
            if (commandPartitions != null) {
                partitions = commandPartitions;
            } else if (names.contains(commandsTopic)) {
                partitions = admin.describeTopics(List.of(commandsTopic)).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS)
                        .get(commandsTopic).partitions().size();
            } else {
                return false;
            }
            NewTopic topic = new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG, Long.toString(RETENTION.toMillis())));
            admin.createTopics(List.of(topic)).all().get(TIMEOUT_S, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return true; // another instance created it first
            }
            throw new IllegalStateException("cannot create the self-metrics topic " + name + ": " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot create the self-metrics topic " + name + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + name, e);
        }
    }
}
