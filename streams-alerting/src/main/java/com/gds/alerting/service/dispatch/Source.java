package com.gds.alerting.service.dispatch;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A record of {@code gds.alerts.events} that a delivery stands for, with the lease of its
 * partition: when the partition is revoked the lease ends, and work for the record stops (the next
 * owner redelivers it from the last commit).
 *
 * @param record the record as read: original key, value bytes and headers, for the dead-letter topic
 * @param lease  the assignment of its partition in which it was read
 */
record Source(ConsumerRecord<byte[], byte[]> record, PartitionLease lease) {

    TopicPartition partition() {
        return lease.partition();
    }

    long offset() {
        return record.offset();
    }

    boolean active() {
        return lease.active();
    }
}
