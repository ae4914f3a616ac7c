package com.gds.alerting.service.streams;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.contract.GdsTopics;

/**
 * The shadow-events topic must exist before the topology starts: Kafka Streams checks its source
 * topics, not its sinks, and a transition of the first shadow rule sent to a missing topic (brokers
 * here do not auto-create) would fail the stream thread, and all alerting with it. A deployment
 * upgraded without creating it gets it created here, like the events topic (its partition count,
 * a month's retention); when that is not allowed, the service refuses to start and says what to create.
 */
final class ShadowTopicCheck {

    private static final Logger LOG = LoggerFactory.getLogger(ShadowTopicCheck.class);
    static final Duration RETENTION = Duration.ofDays(30);

    private ShadowTopicCheck() {
    }

    /** @throws IllegalStateException when the topic is missing and cannot be created */
    static void ensure(Map<String, Object> kafka, GdsTopics topics) {
        try (Admin admin = Admin.create(kafka)) {
            java.util.Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (existing.contains(topics.shadowEvents())) {
                return;
            }
            TopicDescription events = !existing.contains(topics.events()) ? null : admin.describeTopics(List.of(topics.events()))
                    .allTopicNames().get(30, TimeUnit.SECONDS).get(topics.events());
            int partitions = events == null ? 1 : events.partitions().size();
            short replication = events == null ? 1 : (short) events.partitions().get(0).replicas().size();
            NewTopic shadow = new NewTopic(topics.shadowEvents(), partitions, replication).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG, Long.toString(RETENTION.toMillis())));
            try {
                admin.createTopics(List.of(shadow)).all().get(30, TimeUnit.SECONDS);
                LOG.warn("created the shadow-events topic {} ({} partitions, replication {}, retention {}): it did not exist;"
                        + " shadow rules' transitions go there", topics.shadowEvents(), partitions, replication, RETENTION);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e; // another instance created it meanwhile: fine
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the shadow-events topic", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the shadow-events topic '" + topics.shadowEvents() + "' does not exist and cannot be"
                    + " created (" + e.getCause() + "); create it like " + topics.events() + " (docs/contracts.md), or name"
                    + " another with gds.topics.shadow-events", e);
        }
    }
}
