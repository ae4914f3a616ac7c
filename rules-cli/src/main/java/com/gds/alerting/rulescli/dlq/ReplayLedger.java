package com.gds.alerting.rulescli.dlq;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import com.gds.alerting.rulescli.kafka.TopicScan;

/**
 * Which records have been replayed: a compacted topic keyed by the replayed record's source
 * coordinates ({@code topic-partition@offset}). A replay writes its ledger entry in the same Kafka
 * transaction as the record it re-sends, so the two are committed together or not at all, and a
 * second replay of the same dead letters sends nothing.
 */
final class ReplayLedger {

    /** The default name; not {@code gds.dlq.*}, or self-monitoring would count it as a dead-letter topic. */
    static final String DEFAULT_TOPIC = "gds.replay.ledger";

    private ReplayLedger() {
    }

    /** Creates the ledger topic (compacted, one partition) when it does not exist yet. */
    static void ensureExists(String bootstrap, String topic, Duration timeout) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                    .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the replay ledger topic '" + topic + "': " + e.getCause(), e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from " + bootstrap + " within " + timeout
                    + " creating the replay ledger topic '" + topic + "'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The source coordinates already replayed (committed entries only). Empty when the topic does not exist. */
    static Set<String> read(String bootstrap, String topic, Duration timeout) {
        Set<String> replayed = new HashSet<>();
        TopicScan.scan(bootstrap, topic, timeout, r -> {
            if (r.key() == null) {
                return;
            }
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
                replayed.remove(key);
            } else {
                replayed.add(key);
            }
        });
        return replayed;
    }
}
