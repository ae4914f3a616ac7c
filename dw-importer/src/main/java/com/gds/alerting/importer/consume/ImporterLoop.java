package com.gds.alerting.importer.consume;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.importer.ops.ImporterMetrics;

/**
 * The consumer thread: polls, batches by count, bytes and time, makes each batch durable
 * through a {@link BatchSink} (the {@link BatchWriter}), and only then commits its offsets.
 *
 * <p>When a batch cannot be made durable it pauses every partition, keeps polling (so the group
 * keeps it) with exponential backoff as the poll timeout, commits nothing, and retries the same
 * batch until it succeeds or the importer is stopped. {@link #shutdown()} stops it from any thread
 * through {@link Consumer#wakeup()}; a pending batch then gets one last attempt.
 *
 * <p>Records of partitions taken away by a rebalance are dropped from the pending batch, not
 * committed: their new owner reads them again, and the idempotent merge makes that harmless.
 */
public final class ImporterLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ImporterLoop.class);

    /** Called with the offsets just before they are committed (a seam for crash tests). */
    @FunctionalInterface
    public interface BeforeCommit {
        void offsets(Map<TopicPartition, OffsetAndMetadata> offsets);
    }

    /** Runs between batches on the consumer thread (retention, say). */
    @FunctionalInterface
    public interface Maintenance {
        void run(Instant now);
    }

    private final Consumer<byte[], byte[]> consumer;
    private final Pattern subscription;
    private final BatchSink writer;
    private final BatchPolicy policy;
    private final Backoff backoff;
    private final Clock clock;
    private final ImporterMetrics metrics;
    private final Maintenance maintenance;
    private final BeforeCommit beforeCommit;
    private final PendingBatch pending = new PendingBatch();
    private final List<ConsumerRecord<byte[], byte[]>> arrivedWhileRetrying = new ArrayList<>();
    private volatile boolean closing;
    private boolean retrying;

    public ImporterLoop(Consumer<byte[], byte[]> consumer, Pattern subscription, BatchSink writer, BatchPolicy policy,
                        Backoff backoff, Clock clock, ImporterMetrics metrics, Maintenance maintenance,
                        BeforeCommit beforeCommit) {
        this.consumer = consumer;
        this.subscription = subscription;
        this.writer = writer;
        this.policy = policy;
        this.backoff = backoff;
        this.clock = clock;
        this.metrics = metrics;
        this.maintenance = maintenance;
        this.beforeCommit = beforeCommit;
    }

    @Override
    public void run() {
        boolean stoppedCleanly = false;
        try {
            consumer.subscribe(subscription, new Rebalance());
            metrics.state(ImporterMetrics.State.RUNNING);
            while (!closing) {
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(pending.timeUntilDue(policy, clock.instant()));
                Instant now = clock.instant();
                polled.forEach(r -> pending.add(r, now));
                metrics.lag(currentLag());
                if (pending.isReady(policy, clock.instant())) {
                    flushUntilDurable();
                }
                maintenance.run(clock.instant());
            }
            stoppedCleanly = true;
        } catch (WakeupException e) {
            if (!closing) {
                throw e;
            }
            stoppedCleanly = true;
        } catch (RuntimeException | Error e) {
            metrics.failed(e.toString());
            throw e;
        } finally {
            try {
                if (stoppedCleanly) {
                    lastAttempt();
                    metrics.state(ImporterMetrics.State.STOPPED);
                }
            } finally {
                consumer.close();
            }
        }
    }

    /** Asks the loop to stop; returns at once. Safe from any thread. */
    public void shutdown() {
        closing = true;
        consumer.wakeup();
    }

    private void flushUntilDurable() {
        int attempt = 0;
        while (true) {
            Instant started = clock.instant();
            try {
                BatchSink.Written written = writer.write(pending.records());
                if (retrying) {
                    LOG.info("batch of {} records durable after {} failed attempt(s); resuming", pending.size(), attempt);
                    consumer.resume(consumer.paused());
                    retrying = false;
                }
                commit(written, started);
                return;
            } catch (BatchNotDurableException e) {
                attempt++;
                Duration delay = backoff.delay(attempt);
                metrics.attemptFailed(e.getMessage());
                LOG.warn("batch of {} records not durable (attempt {}); nothing committed, consumption paused, "
                        + "retrying in {} ms: {}", pending.size(), attempt, delay.toMillis(), e.getMessage());
                retrying = true;
                consumer.pause(consumer.assignment());
                // The poll is the wait: it keeps this member in the group while nothing is fetched.
                consumer.poll(delay).forEach(arrivedWhileRetrying::add);
                if (pending.isEmpty()) {
                    // A rebalance took every partition of the batch away.
                    consumer.resume(consumer.paused());
                    retrying = false;
                    takeArrivedWhileRetrying();
                    return;
                }
            }
        }
    }

    private void commit(BatchSink.Written written, Instant started) {
        Map<TopicPartition, OffsetAndMetadata> offsets = pending.offsetsFor(consumer.assignment());
        beforeCommit.offsets(offsets);
        int records = pending.size();
        try {
            consumer.commitSync(offsets);
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // Loaded but not committed: the partitions' next owner loads them again, which the merge makes a no-op.
            LOG.warn("batch loaded but its offsets were not committed (group rebalanced): {}", e.toString());
        } catch (RetriableException e) {
            // Kafka away longer than the commit's timeout (a broker outage): the batch is durable, and the next batch's
            // commit carries these partitions' offsets forward; a restart before then re-reads them, a no-op merge.
            LOG.warn("batch loaded but its offsets were not committed (Kafka not answering); the next commit covers them: {}",
                    e.toString());
        }
        Instant now = clock.instant();
        metrics.batchCommitted(records, written.metricRows(), written.alertRows(), written.deadLetters(),
                Duration.between(started, now), now);
        pending.clear();
        takeArrivedWhileRetrying();
    }

    private void takeArrivedWhileRetrying() {
        Instant now = clock.instant();
        arrivedWhileRetrying.forEach(r -> pending.add(r, now));
        arrivedWhileRetrying.clear();
    }

    /** One attempt at the pending batch on shutdown; if it fails, nothing is committed and nothing lost. */
    private void lastAttempt() {
        takeArrivedWhileRetrying();
        if (pending.isEmpty()) {
            return;
        }
        Instant started = clock.instant();
        try {
            commit(writer.write(pending.records()), started);
        } catch (BatchNotDurableException | WakeupException e) {
            LOG.warn("stopping with {} records not durable; they will be read again on restart: {}", pending.size(),
                    e.getMessage());
        }
    }

    private long currentLag() {
        long lag = 0;
        for (TopicPartition tp : consumer.assignment()) {
            lag += consumer.currentLag(tp).orElse(0);
        }
        return lag;
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            drop(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            drop(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (retrying) {
                consumer.pause(partitions);
            }
        }

        private void drop(Collection<TopicPartition> partitions) {
            pending.removePartitions(partitions);
            arrivedWhileRetrying.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
        }
    }
}
