package com.gds.alerting.importer.consume;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** The records consumed since the last commit, and the offsets that committing them means. */
final class PendingBatch {

    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    private long bytes;
    private Instant firstAt;

    void add(ConsumerRecord<byte[], byte[]> record, Instant now) {
        if (records.isEmpty()) {
            firstAt = now;
        }
        records.add(record);
        bytes += Math.max(record.serializedKeySize(), 0) + Math.max(record.serializedValueSize(), 0);
        nextOffsets.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    int size() {
        return records.size();
    }

    /** True when the policy says flush now. */
    boolean isReady(BatchPolicy policy, Instant now) {
        return !records.isEmpty() && (records.size() >= policy.maxRecords() || bytes >= policy.maxBytes()
                || !now.isBefore(firstAt.plus(policy.maxWait())));
    }

    /** How long a poll may wait before the batch is due. */
    Duration timeUntilDue(BatchPolicy policy, Instant now) {
        if (records.isEmpty()) {
            return policy.maxWait();
        }
        Duration left = Duration.between(now, firstAt.plus(policy.maxWait()));
        return left.isNegative() ? Duration.ZERO : left;
    }

    List<ConsumerRecord<byte[], byte[]>> records() {
        return records;
    }

    /** Offsets to commit for the partitions among {@code owned}. */
    Map<TopicPartition, OffsetAndMetadata> offsetsFor(Set<TopicPartition> owned) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        nextOffsets.forEach((tp, next) -> {
            if (owned.contains(tp)) {
                out.put(tp, new OffsetAndMetadata(next));
            }
        });
        return out;
    }

    /** Forgets the records of partitions this consumer no longer owns: their new owner reads them again. */
    void removePartitions(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty() || records.isEmpty()) {
            return;
        }
        Set<TopicPartition> gone = Set.copyOf(partitions);
        records.removeIf(r -> gone.contains(new TopicPartition(r.topic(), r.partition())));
        nextOffsets.keySet().removeAll(gone);
        bytes = records.stream().mapToLong(r -> Math.max(r.serializedKeySize(), 0) + Math.max(r.serializedValueSize(), 0)).sum();
        if (records.isEmpty()) {
            firstAt = null;
        }
    }

    void clear() {
        records.clear();
        nextOffsets.clear();
        bytes = 0;
        firstAt = null;
    }
}
