package com.gds.alerting.service.dispatch;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import io.micronaut.core.annotation.Nullable;

/**
 * The dispatcher's offset bookkeeping: which partitions it holds (a {@link PartitionLease} per
 * assignment), what of each is owed ({@link OffsetTracker}), and the records the lanes report done
 * (a thread-safe queue, drained by the consumer thread). A record done under an old lease of its
 * partition is ignored: the partition was revoked since, and its new owner redelivers it. Every
 * method but {@link #done} belongs to the consumer thread.
 */
final class PartitionBook {

    private final Map<TopicPartition, PartitionLease> leases = new HashMap<>();
    private final Map<TopicPartition, OffsetTracker> trackers = new HashMap<>();
    private final LinkedBlockingQueue<Source> done = new LinkedBlockingQueue<>();

    /** Registers {@code record} as owed; null when its partition is not held (nothing to do). */
    @Nullable
    Source read(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        PartitionLease lease = leases.get(tp);
        if (lease == null) {
            return null;
        }
        trackers.get(tp).register(record.offset());
        return new Source(record, lease);
    }

    /** {@code source} is done now (on the consumer thread). */
    void complete(Source source) {
        TopicPartition tp = source.partition();
        if (leases.get(tp) == source.lease()) {
            trackers.get(tp).complete(source.offset());
        }
    }

    /** {@code source} will be read again: it is not owed any more. */
    void forget(Source source) {
        trackers.get(source.partition()).forget(source.offset());
    }

    /** Told from any thread that {@code source} is done; the consumer thread applies it in {@link #drainDone}. */
    void done(Source source) {
        done.add(source);
    }

    /** Applies what the lanes reported done. */
    void drainDone() {
        for (Source source = done.poll(); source != null; source = done.poll()) {
            complete(source);
        }
    }

    /** Waits up to {@code millis} for one record to be reported done and applies it; false when none came. */
    boolean awaitDone(long millis) throws InterruptedException {
        Source source = done.poll(millis, TimeUnit.MILLISECONDS);
        if (source == null) {
            return false;
        }
        complete(source);
        return true;
    }

    /** Records read and not yet done, over every held partition. */
    int pending() {
        return trackers.values().stream().mapToInt(OffsetTracker::pending).sum();
    }

    /** True while any of {@code partitions} has records not yet done. */
    boolean owed(Collection<TopicPartition> partitions) {
        return partitions.stream().map(trackers::get).anyMatch(t -> t != null && t.pending() > 0);
    }

    /**
     * The offsets to commit: every held partition's lowest offset not done ({@code all}), or only those
     * that moved past the last commit.
     */
    Map<TopicPartition, OffsetAndMetadata> offsets(boolean all) {
        return offsets(trackers.keySet(), all);
    }

    /** {@link #offsets(boolean)} of {@code partitions} only. */
    Map<TopicPartition, OffsetAndMetadata> offsets(Collection<TopicPartition> partitions, boolean all) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetTracker tracker = trackers.get(tp);
            if (tracker == null) {
                continue;
            }
            long offset = all ? tracker.position() : tracker.committable();
            if (offset >= 0) {
                offsets.put(tp, new OffsetAndMetadata(offset));
            }
        }
        return offsets;
    }

    /** {@code offsets} were handed to the broker. */
    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, offset) -> {
            OffsetTracker tracker = trackers.get(tp);
            if (tracker != null) {
                tracker.committed(offset.offset());
            }
        });
    }

    /** {@code partitions} were assigned: a new lease each. */
    void assigned(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            leases.put(tp, new PartitionLease(tp));
            trackers.put(tp, new OffsetTracker());
        }
    }

    /** {@code partitions} left: their leases end, so deliveries for them stop. */
    void dropped(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            PartitionLease lease = leases.remove(tp);
            if (lease != null) {
                lease.end();
            }
            trackers.remove(tp);
        }
    }
}
