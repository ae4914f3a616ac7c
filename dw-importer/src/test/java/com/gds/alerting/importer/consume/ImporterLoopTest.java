package com.gds.alerting.importer.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import com.gds.alerting.importer.ops.ImporterMetrics;

/**
 * The consumer loop on Kafka's {@link MockConsumer}, driven step by step from poll tasks in the
 * test's own thread: what is committed when, what is paused, how it stops.
 */
class ImporterLoopTest {

    private static final String TOPIC = "gds.metrics.postgresql.prod";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T00:00:00Z"), ZoneOffset.UTC);

    @SuppressWarnings("deprecation") // the String constructor's names differ between 3.x and 4.x clients
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST) {
        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            if (commitTimeouts > 0) {
                commitTimeouts--;
                throw new org.apache.kafka.common.errors.TimeoutException("Timeout of 60000ms expired before successfully "
                        + "committing offsets (test: broker away)");
            }
            super.commitSync(offsets);
        }
    };
    private int commitTimeouts;
    private final ImporterMetrics metrics = new ImporterMetrics();
    private final ScriptedSink sink = new ScriptedSink();
    private final Map<TopicPartition, OffsetAndMetadata> commitsSeen = new HashMap<>();

    private ImporterLoop loop(int batchRecords, ImporterLoop.BeforeCommit beforeCommit) {
        return new ImporterLoop(consumer, Pattern.compile("gds\\.metrics\\..+"), sink,
                new BatchPolicy(batchRecords, Long.MAX_VALUE, Duration.ofHours(1)),
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(1)), CLOCK, metrics, now -> { },
                offsets -> {
                    beforeCommit.offsets(offsets);
                    commitsSeen.putAll(offsets);
                });
    }

    @Test
    void commitsOnlyAfterTheBatchIsDurableAndPausesWhileItIsNot() {
        ImporterLoop loop = loop(2, offsets -> { });
        sink.failures.add(new BatchNotDurableException("warehouse down", null));
        List<String> observed = new ArrayList<>();
        consumer.schedulePollTask(() -> {
            assign(P0);
            consumer.addRecord(record(P0, 0));
            consumer.addRecord(record(P0, 1));
        });
        // The first write failed: this poll is the backoff wait.
        consumer.schedulePollTask(() -> observed.add("paused=" + consumer.paused() + " committed=" + committed(P0)
                + " state=" + metrics.state()));
        consumer.schedulePollTask(() -> {
            observed.add("paused=" + consumer.paused() + " committed=" + committed(P0) + " state=" + metrics.state());
            loop.shutdown();
        });

        loop.run();

        assertEquals(List.of("paused=[" + P0 + "] committed=null state=RETRYING",
                "paused=[] committed=2 state=RUNNING"), observed);
        assertEquals(2, sink.attempts);
        assertEquals(ImporterMetrics.State.STOPPED, metrics.state());
    }

    @Test
    void stoppingThroughWakeupGivesThePendingBatchOneLastAttempt() {
        ImporterLoop loop = loop(100, offsets -> { });
        consumer.schedulePollTask(() -> {
            assign(P0);
            consumer.addRecord(record(P0, 0));
        });
        consumer.schedulePollTask(loop::shutdown);

        loop.run();

        assertEquals(1, sink.attempts);
        assertEquals(Map.of(P0, new OffsetAndMetadata(1)), commitsSeen);
        assertTrue(consumer.closed());
    }

    @Test
    void aFailedLastAttemptCommitsNothing() {
        ImporterLoop loop = loop(100, offsets -> { });
        sink.failures.add(new BatchNotDurableException("warehouse down", null));
        consumer.schedulePollTask(() -> {
            assign(P0);
            consumer.addRecord(record(P0, 0));
        });
        consumer.schedulePollTask(loop::shutdown);

        loop.run();

        assertEquals(1, sink.attempts);
        assertTrue(commitsSeen.isEmpty());
    }

    @Test
    void recordsOfRevokedPartitionsAreNeitherWrittenNorCommitted() {
        ImporterLoop loop = loop(3, offsets -> { });
        consumer.schedulePollTask(() -> {
            assign(P0, P1);
            consumer.addRecord(record(P0, 0));
            consumer.addRecord(record(P1, 0));
        });
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0)); // P1 goes to another member, which will read it again
            consumer.addRecord(record(P0, 1));
            consumer.addRecord(record(P0, 2));
        });
        consumer.schedulePollTask(loop::shutdown);

        loop.run();

        assertEquals(List.of("0@0", "0@1", "0@2"), sink.written);
        assertEquals(Map.of(P0, new OffsetAndMetadata(3)), commitsSeen);
    }

    @Test
    void aCommitThatTimesOutWhileKafkaIsAwayKeepsTheLoopRunningAndTheNextCommitCoversIt() {
        ImporterLoop loop = loop(1, offsets -> { });
        commitTimeouts = 1;
        consumer.schedulePollTask(() -> {
            assign(P0);
            consumer.addRecord(record(P0, 0));
        });
        List<Long> committedSeen = new ArrayList<>();
        consumer.schedulePollTask(() -> {
            committedSeen.add(committed(P0));
            consumer.addRecord(record(P0, 1));
        });
        consumer.schedulePollTask(() -> {
            committedSeen.add(committed(P0));
            loop.shutdown();
        });

        loop.run();

        assertEquals(List.of("0@0", "0@1"), sink.written, "the loop went on after the failed commit");
        assertEquals(java.util.Arrays.asList(null, 2L), committedSeen,
                "nothing committed by the timed-out commit; the second batch's commit carries its offset forward");
        assertEquals(ImporterMetrics.State.STOPPED, metrics.state());
    }

    @Test
    void aCrashBetweenLoadAndCommitCommitsNothingAndClosesTheConsumer() {
        ImporterLoop loop = loop(1, offsets -> {
            throw new IllegalStateException("killed");
        });
        consumer.schedulePollTask(() -> {
            assign(P0);
            consumer.addRecord(record(P0, 0));
        });

        assertThrows(IllegalStateException.class, loop::run);

        assertEquals(1, sink.attempts, "the batch was loaded");
        assertTrue(commitsSeen.isEmpty());
        assertTrue(consumer.closed());
        assertEquals(ImporterMetrics.State.FAILED, metrics.state());
    }

    private void assign(TopicPartition... partitions) {
        Map<TopicPartition, Long> beginning = new HashMap<>();
        for (TopicPartition tp : partitions) {
            beginning.put(tp, 0L);
        }
        consumer.rebalance(List.of(partitions));
        consumer.updateBeginningOffsets(beginning);
    }

    private Long committed(TopicPartition tp) {
        OffsetAndMetadata om = consumer.committed(Set.of(tp)).get(tp);
        return om == null ? null : om.offset();
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset) {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, new byte[] {1}, new byte[] {2});
    }

    /** Fails as told, then succeeds; remembers what it was given. */
    private static final class ScriptedSink implements BatchSink {
        final Deque<BatchNotDurableException> failures = new ArrayDeque<>();
        final List<String> written = new ArrayList<>();
        int attempts;

        @Override
        public Written write(List<ConsumerRecord<byte[], byte[]>> records) throws BatchNotDurableException {
            attempts++;
            if (!failures.isEmpty()) {
                throw failures.poll();
            }
            records.forEach(r -> written.add(r.partition() + "@" + r.offset()));
            return new Written(records.size(), 0, 0);
        }
    }
}
