package com.gds.alerting.service.dispatch;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micronaut.core.annotation.Nullable;

import com.gds.alerting.contract.DeadLetterHeaders;

/**
 * Writes alert events that cannot be delivered to {@code gds.dlq.notifications}: the original key,
 * value bytes and headers, plus why (the same {@code gds.dlq.*} headers the topology writes, and
 * the HTTP status and answer of gds_notification). {@code onWritten} runs once the broker has the
 * record, so the event's offset is committed only then; a write that fails is logged and tried
 * again, never skipped.
 */
final class DeadLetters implements AutoCloseable {

    /** Header names. */
    static final String REASON = DeadLetterHeaders.REASON;
    static final String ERROR = DeadLetterHeaders.ERROR;
    static final String STATUS = DeadLetterHeaders.HTTP_STATUS;
    static final String RESPONSE_BODY = DeadLetterHeaders.HTTP_BODY;
    static final String MESSAGE_ID = DeadLetterHeaders.MESSAGE_ID;
    static final String SOURCE_TOPIC = DeadLetterHeaders.SOURCE_TOPIC;
    static final String SOURCE_PARTITION = DeadLetterHeaders.SOURCE_PARTITION;
    static final String SOURCE_OFFSET = DeadLetterHeaders.SOURCE_OFFSET;
    static final String PROCESSOR = DeadLetterHeaders.PROCESSOR;
    static final String PROCESSOR_NAME = "notification-dispatcher";

    /** Reason codes. */
    static final String REJECTED = "REJECTED_BY_SERVICE";
    static final String EXHAUSTED = "RETRIES_EXHAUSTED";
    static final String UNREADABLE = "UNREADABLE_EVENT";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final DispatcherMetrics metrics;
    private volatile boolean closed;

    DeadLetters(Map<String, Object> kafka, String topic, DispatcherMetrics metrics) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "gds-dispatcher-dlq-" + UUID.randomUUID());
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.metrics = metrics;
    }

    /**
     * Dead-letters {@code record}.
     *
     * @param reason    a code ({@link #REJECTED}, {@link #EXHAUSTED}, {@link #UNREADABLE})
     * @param error     a sentence for the person reading the topic
     * @param messageId the notification's id, if the event could be read
     * @param last      the last answer of the notifier, if there was one
     * @param onWritten run once the broker acknowledged the dead letter
     */
    void send(ConsumerRecord<byte[], byte[]> record, String reason, String error, @Nullable String messageId,
              @Nullable NotifyResult last, Runnable onWritten) {
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null, record.key(), record.value());
        Headers headers = out.headers();
        for (Header h : record.headers()) {
            headers.add(h);
        }
        put(headers, REASON, reason);
        put(headers, ERROR, error);
        if (messageId != null) {
            put(headers, MESSAGE_ID, messageId);
        }
        if (last != null && last.status() > 0) {
            put(headers, STATUS, Integer.toString(last.status()));
            put(headers, RESPONSE_BODY, last.body());
        }
        put(headers, SOURCE_TOPIC, record.topic());
        put(headers, SOURCE_PARTITION, Integer.toString(record.partition()));
        put(headers, SOURCE_OFFSET, Long.toString(record.offset()));
        put(headers, PROCESSOR, PROCESSOR_NAME);
        write(out, record, reason, onWritten);
    }

    private void write(ProducerRecord<byte[], byte[]> out, ConsumerRecord<byte[], byte[]> record, String reason,
                       Runnable onWritten) {
        producer.send(out, (metadata, exception) -> {
            if (exception == null) {
                LOG.warn("dead-lettered {}-{}@{} ({}) to {}", record.topic(), record.partition(), record.offset(), reason,
                        topic);
                metrics.deadLettered(reason);
                onWritten.run();
            } else if (closed) {
                LOG.error("could not dead-letter {}-{}@{} before shutdown; it is read again after the restart",
                        record.topic(), record.partition(), record.offset(), exception);
            } else {
                LOG.error("could not dead-letter {}-{}@{}; trying again", record.topic(), record.partition(),
                        record.offset(), exception);
                write(out, record, reason, onWritten);
            }
        });
    }

    private static void put(Headers headers, String key, String value) {
        DeadLetterHeaders.set(headers, key, value);
    }

    /** Waits for dead letters under way. */
    void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        closed = true;
        producer.close();
    }
}
