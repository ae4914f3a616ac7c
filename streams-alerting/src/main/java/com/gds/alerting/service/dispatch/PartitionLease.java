package com.gds.alerting.service.dispatch;

import org.apache.kafka.common.TopicPartition;

/**
 * One assignment of one partition to this dispatcher. Ended when the partition is revoked or lost;
 * deliveries check it between attempts (from their lane threads, hence volatile).
 */
final class PartitionLease {

    private final TopicPartition partition;
    private volatile boolean active = true;

    PartitionLease(TopicPartition partition) {
        this.partition = partition;
    }

    TopicPartition partition() {
        return partition;
    }

    boolean active() {
        return active;
    }

    void end() {
        active = false;
    }
}
