package com.gds.alerting.service.dispatch;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micronaut.core.annotation.Nullable;

/**
 * Which notifications were mailed, and when: a compacted topic keyed by {@code message_id} (value:
 * the ISO-8601 instant the SMTP server accepted the mail), read to its end before the dispatcher
 * reads its first event and then followed by a thread of its own, so every dispatcher of the group
 * knows what any of them mailed, across restarts and rebalances. Lookups are in memory.
 *
 * <p>The guarantee is at-least-once mail with a stable Message-ID: a mail is recorded after the
 * server accepted it, so a crash between the two (or a rebalance within the follow lag, ~the poll
 * interval) sends it again, with the same Message-ID for the receiver to deduplicate.
 */
final class FallbackLedger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FallbackLedger.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final Duration retention;
    private final Clock clock;
    private final Map<String, Object> kafka;
    private final Map<String, Instant> mailed = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;
    private final Thread follower;
    private volatile boolean closed;
    private long lastPrune;

    FallbackLedger(Map<String, Object> kafka, String topic, Duration retention, Clock clock) {
        this.kafka = kafka;
        this.topic = topic;
        this.retention = retention;
        this.clock = clock;
        Map<String, Object> c = new HashMap<>(kafka);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "gds-dispatcher-fallback-ledger-" + UUID.randomUUID());
        c.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned, not subscribed: every dispatcher reads every partition
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "gds-dispatcher-fallback-record-" + UUID.randomUUID());
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        this.follower = new Thread(this::follow, "gds-dispatch-fallback-ledger");
        this.follower.setDaemon(true);
    }

    /**
     * Creates the topic if it is missing, reads it to its end, then follows it. Called on the
     * dispatcher's thread before it reads any event.
     *
     * @throws IllegalStateException when the topic cannot be read to its end within {@code timeout}
     */
    void load(Duration timeout) {
        createTopic(timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read the fallback record topic " + topic + " to its end within "
                        + timeout);
            }
            poll();
        }
        LOG.info("fallback record {}: {} mailed notification(s) known", topic, mailed.size());
        follower.start();
    }

    private void createTopic(Duration timeout) {
        try (Admin admin = Admin.create(kafka)) {
            NewTopic t = new NewTopic(topic, java.util.Optional.empty(), java.util.Optional.empty()).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis())));
            admin.createTopics(List.of(t)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("created the fallback record topic {} (compacted, retention {})", topic, retention);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                // Not fatal by itself: the topic may exist and we may only lack the right to create; reading tells.
                LOG.warn("could not create the fallback record topic {}: {}", topic, e.getCause().getMessage());
            }
        } catch (TimeoutException e) {
            LOG.warn("creating the fallback record topic {} timed out after {}", topic, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void follow() {
        try {
            while (!closed) {
                poll();
            }
        } catch (WakeupException e) {
            if (!closed) {
                LOG.error("fallback record follower woken up unexpectedly", e);
            }
        } catch (RuntimeException e) {
            LOG.error("fallback record follower stopped; mails recorded by other dispatchers from now on are not seen, "
                    + "so a rebalance may mail a notification again (same Message-ID)", e);
        } finally {
            consumer.close();
        }
    }

    private void poll() {
        for (ConsumerRecord<String, String> r : consumer.poll(POLL)) {
            if (r.value() == null) {
                mailed.remove(r.key());
                continue;
            }
            try {
                mailed.put(r.key(), Instant.parse(r.value()));
            } catch (DateTimeParseException e) {
                LOG.warn("unreadable fallback record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), r.value());
            }
        }
        long now = clock.millis();
        if (now - lastPrune > Duration.ofMinutes(1).toMillis()) {
            lastPrune = now;
            Instant oldest = clock.instant().minus(retention);
            mailed.values().removeIf(at -> at.isBefore(oldest));
        }
    }

    /** When {@code messageId} was mailed (by any dispatcher of the group); null if it was not. */
    @Nullable
    Instant mailedAt(String messageId) {
        return mailed.get(messageId);
    }

    /**
     * Records that {@code messageId} was mailed at {@code at}; false when the write did not reach
     * the broker (then only this process knows, and a restart may mail it again).
     */
    boolean record(String messageId, Instant at) {
        mailed.put(messageId, at);
        try {
            producer.send(new ProducerRecord<>(topic, messageId, at.toString())).get(WRITE_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            LOG.warn("could not record the mail of message_id {} on {}: {}", messageId, topic, e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Message ids known as mailed (for tests and the log). */
    Set<String> known() {
        return Set.copyOf(mailed.keySet());
    }

    @Override
    public void close() {
        closed = true;
        if (follower.isAlive()) {
            consumer.wakeup();
            try {
                follower.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close();
        }
        producer.close(Duration.ofSeconds(10));
    }
}
