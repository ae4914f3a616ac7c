package com.gds.alerting.service.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * The rule-settings topics (README, "Tenants and the three layers") must exist before the topology starts:
 * the accepted-settings topic feeds a global store, and Kafka Streams refuses to start on a missing source.
 * A deployment upgraded from before tenants gets both created here, compacted, like the rules topic (its
 * partition count and replication); when that is not allowed, the service refuses to start and says what to
 * create.
 */
final class SettingsTopicCheck {

    private static final Logger LOG = LoggerFactory.getLogger(SettingsTopicCheck.class);

    private SettingsTopicCheck() {
    }

    /** @throws IllegalStateException when a topic is missing and cannot be created */
    static void ensure(Map<String, Object> kafka, GdsTopics topics) {
        try (Admin admin = Admin.create(kafka)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<String> missing = new ArrayList<>();
            for (String name : List.of(topics.ruleSettings(), topics.ruleSettingsAccepted())) {
                if (!existing.contains(name)) {
                    missing.add(name);
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            TopicDescription rules = !existing.contains(topics.rules()) ? null : admin.describeTopics(List.of(topics.rules()))
                    .allTopicNames().get(30, TimeUnit.SECONDS).get(topics.rules());
            int partitions = rules == null ? 1 : rules.partitions().size();
            short replication = rules == null ? 1 : (short) rules.partitions().get(0).replicas().size();
            for (String name : missing) {
                NewTopic topic = new NewTopic(name, partitions, replication).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                    LOG.warn("created the rule-settings topic {} ({} partitions, replication {}, compacted): it did not exist",
                            name, partitions, replication);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e; // another instance created it meanwhile: fine
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the rule-settings topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the rule-settings topics '" + topics.ruleSettings() + "' and '"
                    + topics.ruleSettingsAccepted() + "' must exist and cannot be created (" + e.getCause() + "); create them"
                    + " compacted like " + topics.rules() + " (docs/contracts.md), or name others with gds.topics.rule-settings"
                    + " and gds.topics.rule-settings-accepted", e);
        }
    }
}
