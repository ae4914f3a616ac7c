package com.gds.alerting.rulescli.dlq;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

import com.gds.alerting.contract.DeadLetterHeaders;

/** One dead letter as read from its topic, with the contract's headers made readable. */
record DeadLetterRecord(ConsumerRecord<byte[], byte[]> record) {

    /** Where the dead letter itself sits: {@code topic-partition@offset}. */
    String coordinates() {
        return DeadLetterHeaders.coordinates(record.topic(), record.partition(), record.offset());
    }

    Instant timestamp() {
        return Instant.ofEpochMilli(record.timestamp());
    }

    /** The key as text (keys of every source topic are strings), or {@code <none>}. */
    String key() {
        return record.key() == null ? "<none>" : new String(record.key(), StandardCharsets.UTF_8);
    }

    Headers headers() {
        return record.headers();
    }

    String reason() {
        return header(DeadLetterHeaders.REASON).orElse("<no reason>");
    }

    String error() {
        return header(DeadLetterHeaders.ERROR).orElse("");
    }

    String processor() {
        return header(DeadLetterHeaders.PROCESSOR).or(() -> header(DeadLetterHeaders.LEGACY_REJECTED_BY)).orElse("<unknown>");
    }

    Optional<String> sourceTopic() {
        return header(DeadLetterHeaders.SOURCE_TOPIC);
    }

    /**
     * The coordinates of the record that was refused ({@code topic-partition@offset}): what a replay
     * is keyed by, so the copies two consumers dead-lettered of one record are replayed once.
     */
    Optional<String> sourceCoordinates() {
        Optional<String> topic = sourceTopic();
        Optional<String> partition = header(DeadLetterHeaders.SOURCE_PARTITION);
        Optional<String> offset = header(DeadLetterHeaders.SOURCE_OFFSET);
        if (topic.isEmpty() || partition.isEmpty() || offset.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(topic.get() + "-" + partition.get() + "@" + offset.get());
    }

    /** Present when the dead letter does not carry the original record whole. */
    Optional<String> truncated() {
        return header(DeadLetterHeaders.TRUNCATED);
    }

    Optional<String> header(String name) {
        return DeadLetterHeaders.get(record.headers(), name);
    }
}
