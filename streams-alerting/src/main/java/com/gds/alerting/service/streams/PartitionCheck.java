package com.gds.alerting.service.streams;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

import com.gds.alerting.contract.GdsTopics;

/**
 * Alert state lives with the metrics partition of its instance, and commands reach it through a
 * repartition by instance id: that only works when every metrics topic has the partition count
 * the commands are repartitioned to. Checked before the streams start, so a mismatch is a clear
 * startup error instead of acks rejected as UNKNOWN_ALERT.
 */
final class PartitionCheck {

    private PartitionCheck() {
    }

    /** @throws IllegalStateException naming the topics and counts when they disagree */
    static void verify(Map<String, Object> kafka, GdsTopics topics, Integer commandPartitions) {
        try (Admin admin = Admin.create(kafka)) {
            Pattern metrics = topics.metricsPattern();
            Map<String, Integer> counts = new TreeMap<>();
            for (String name : admin.listTopics().names().get(30, TimeUnit.SECONDS)) {
                if (metrics.matcher(name).matches() || name.equals(topics.commands())) {
                    counts.put(name, null);
                }
            }
            if (counts.isEmpty()) {
                return;
            }
            for (Map.Entry<String, TopicDescription> e : admin.describeTopics(counts.keySet()).allTopicNames()
                    .get(30, TimeUnit.SECONDS).entrySet()) {
                counts.put(e.getKey(), e.getValue().partitions().size());
            }
            int expected = commandPartitions != null ? commandPartitions
                    : counts.getOrDefault(topics.commands(), counts.values().iterator().next());
            Map<String, Integer> wrong = new TreeMap<>();
            counts.forEach((name, n) -> {
                if (n != expected && !(name.equals(topics.commands()) && commandPartitions != null)) {
                    wrong.put(name, n);
                }
            });
            if (!wrong.isEmpty()) {
                throw new IllegalStateException("the metrics topics and " + topics.commands() + " must have the same number of"
                        + " partitions (" + expected + "), but " + wrong + "; add partitions, or set"
                        + " gds.alerting.command-partitions to the metrics topics' count");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking partition counts", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot check the partition counts of the metrics and commands topics: " + e, e);
        }
    }
}
