package com.gds.alerting.importer.testkit;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits until every partition of new topics has a leader that answers. Producing at once after
 * {@code createTopics} meets NOT_LEADER_OR_FOLLOWER, and an idempotent producer retrying its very
 * first batches can then wedge on OutOfOrderSequence.
 */
public final class TopicReadiness {

    private TopicReadiness() {
    }

    /** Returns when a ListOffsets (answered only by the leader) succeeds on every partition. */
    public static void await(Admin admin, List<String> topics, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        topics.forEach(t -> {
            for (int p = 0; p < partitions; p++) {
                request.put(new TopicPartition(t, p), OffsetSpec.latest());
            }
        });
        Await.until(Duration.ofSeconds(30), "leaders of " + topics, () -> {
            try {
                admin.listOffsets(request).all().get();
                return true;
            } catch (ExecutionException e) {
                return false;
            }
        });
    }
}
