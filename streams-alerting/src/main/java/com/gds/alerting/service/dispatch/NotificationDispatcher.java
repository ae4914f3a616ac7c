package com.gds.alerting.service.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;

import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.topologies.notify.NotifyPolicy;

/**
 * Reads {@code gds.alerts.events} in its own consumer group and runs each record through the
 * stages of delivery, each a class with one job (as Alertmanager's notify pipeline):
 * {@link AdmissionStage} (decision by {@link NotifyPolicy}, storm control, payload) →
 * {@link DeliveryLanes} ({@link RetryStage}: retry, circuit breaker, {@link Notifier}) →
 * {@link OutcomeStage} (done or dead-lettered). This class owns the consumer: its loop, commits,
 * flow control and rebalances, with the offsets kept by {@link PartitionBook}.
 *
 * <p>At-least-once: an offset is committed only when every record before it is done (delivered,
 * dead-lettered, not to be sent, or summarised in a delivered summary). A crash or a restart
 * redelivers what was under way, with the same {@code message_id}, which gds_notification
 * recognises as a repeat. The Kafka consumer is used by its own thread only; HTTP calls happen on
 * the lane threads, never on a stream thread.
 */
public final class NotificationDispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationDispatcher.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** How long a partition waits after the schema registry failed to answer for one of its records. */
    private static final Duration REGISTRY_BACKOFF = Duration.ofSeconds(1);

    private final DispatcherSettings settings;
    private final GdsTopics topics;
    private final Notifier notifier;
    private final Clock clock;
    private final DispatcherMetrics metrics;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final CircuitBreaker breaker;
    private final DeliveryLanes lanes;
    private final DeadLetters deadLetters;
    private final AdmissionStage admission;
    @Nullable
    private final FallbackStage fallback;
    private final PartitionBook book = new PartitionBook();
    private final Map<TopicPartition, Instant> registryWait = new HashMap<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Thread thread;
    private final long commitIntervalNanos;
    /** When {@link #commit} last ran (System.nanoTime: it paces I/O, it is not a logical time). */
    private long lastCommit = System.nanoTime();
    /** When the consumer thread last returned from poll (clock millis); the watchdog's "still polling". */
    private volatile long lastPollMillis = -1;
    /** Events held for a storm summary, as of the consumer thread's last loop (StormControl is not thread-safe). */
    private volatile int held;
    /** True while this dispatcher holds some partitions paused. */
    private boolean pausing;
    private volatile boolean stopping;
    private volatile State state = State.CREATED;
    @Nullable
    private volatile String failure;

    /** Where the dispatcher's consumer thread is in its life. */
    public enum State {
        /** Built, not started. */
        CREATED,
        /** Reading and delivering. */
        RUNNING,
        /** Stopped because it was told to. */
        STOPPED,
        /** Its thread ended on an unexpected error: nothing is delivered until the service restarts. */
        FAILED
    }

    /**
     * @param settings {@code gds.dispatcher.*}
     * @param kafka    Kafka client properties ({@code bootstrap.servers}, security, ...)
     * @param serde    the Avro serde configuration ({@code schema.registry.url}, ...)
     * @param topics   the topic names
     * @param notifier where notifications go
     * @param registry where the meters are registered
     * @param clock    wall time for storm windows, the circuit breaker and latency
     */
    public NotificationDispatcher(DispatcherSettings settings, Map<String, Object> kafka, Map<String, Object> serde,
                                  GdsTopics topics, Notifier notifier, MeterRegistry registry, Clock clock) {
        this(settings, null, kafka, serde, topics, notifier, registry, clock);
    }

    /**
     * With the e-mail fallback ({@link FallbackStage}) when {@code fallback} is enabled.
     *
     * @param fallback {@code gds.dispatcher.fallback.*}, validated; null or disabled = no fallback
     */
    public NotificationDispatcher(DispatcherSettings settings, @Nullable FallbackSettings fallback, Map<String, Object> kafka,
                                  Map<String, Object> serde, GdsTopics topics, Notifier notifier, MeterRegistry registry,
                                  Clock clock) {
        this.settings = settings;
        this.topics = topics;
        this.notifier = notifier;
        this.clock = clock;
        this.metrics = new DispatcherMetrics(registry);
        this.breaker = new CircuitBreaker(settings.getCircuitFailureThreshold(), settings.getCircuitOpenDuration(), clock,
                new CircuitLog(notifier.name(), settings.getCircuitFailureThreshold(), settings.getCircuitOpenDuration(),
                        this::waiting, clock));
        this.deadLetters = new DeadLetters(kafka, topics.dlqNotifications(), metrics);
        OutcomeStage outcomes = new OutcomeStage(notifier.name(), deadLetters, book::done);
        this.fallback = fallback == null || !fallback.isEnabled() ? null
                : new FallbackStage(fallback, new SmtpMailer(fallback, clock),
                        new FallbackLedger(kafka, fallback.getTopic(), fallback.getRecordRetention(), clock), breaker, registry,
                        clock);
        this.lanes = new DeliveryLanes(settings.getConcurrency(), notifier, RetryPolicy.of(settings), breaker, metrics, clock,
                outcomes::finished, this.fallback == null ? DeliveryWatcher.NONE : this.fallback);
        StormControl storm = settings.isStormEnabled()
                ? new StormControl(settings.getStormMaxPerRule(), settings.getStormMaxPerInstance(), settings.getStormInterval(), clock)
                : null;
        this.admission = new AdmissionStage(serde, metrics, deadLetters, storm, settings.getStormSummaryMaxLines());
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.getGroupId());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, settings.getAutoOffsetReset());
        // The topology writes events in exactly-once transactions: an aborted transition must never page anyone.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "gds-dispatcher-" + UUID.randomUUID());
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        metrics.circuit(breaker);
        metrics.gauge("gds.dispatcher.in.flight", "deliveries queued or under way", lanes, DeliveryLanes::inFlight);
        metrics.gauge("gds.dispatcher.notifications.waiting", "notifications not yet delivered nor dead-lettered: queued,"
                + " under way, waiting for a retry or for the circuit, or held for a storm summary", this,
                NotificationDispatcher::waiting);
        metrics.gauge("gds.dispatcher.pending", "events read and not yet done (their offsets are not committed)", pending,
                AtomicInteger::get);
        this.commitIntervalNanos = settings.getCommitInterval().toNanos();
        this.thread = new Thread(this::run, "gds-dispatcher");
    }

    /** Starts consuming on its own thread. */
    public void start() {
        LOG.info("notification dispatcher starting: group '{}' on {}, notifier '{}', {} lanes, storm control {}",
                settings.getGroupId(), topics.events(), notifier.name(), settings.getConcurrency(),
                !settings.isStormEnabled() ? "off" : settings.getStormMaxPerRule() + "/rule, " + settings.getStormMaxPerInstance()
                        + "/instance per " + settings.getStormInterval());
        state = State.RUNNING;
        thread.start();
    }

    /** True while the consumer thread runs. */
    public boolean isRunning() {
        return state == State.RUNNING;
    }

    /** Where the consumer thread is in its life. */
    public State state() {
        return state;
    }

    /** Why the thread ended, when {@link #state()} is {@link State#FAILED}; else null. */
    @Nullable
    public String failure() {
        return failure;
    }

    /** The notifier's name ({@code gds-notification}, {@code log}). */
    public String notifierName() {
        return notifier.name();
    }

    /** When the consumer thread last returned from a poll; null before the first. */
    @Nullable
    public Instant lastPoll() {
        long at = lastPollMillis;
        return at < 0 ? null : Instant.ofEpochMilli(at);
    }

    /**
     * Notifications not yet delivered nor dead-lettered: deliveries queued, under way or waiting
     * (for a retry or the circuit), and events held back for a storm summary.
     */
    public int waiting() {
        DeliveryLanes l = lanes;
        return (l == null ? 0 : l.inFlight()) + held;
    }

    /** True while the e-mail fallback is on, fails, and notifications wait for it. */
    public boolean fallbackFailing() {
        return fallback != null && fallback.failing();
    }

    /** The e-mail fallback's last failure while it fails; null otherwise or when it is off. */
    @Nullable
    public String fallbackFailure() {
        return fallback == null ? null : fallback.lastFailure();
    }

    /** True when the e-mail fallback is on. */
    public boolean hasFallback() {
        return fallback != null;
    }

    /** The circuit breaker's state. */
    public CircuitBreaker.State circuitState() {
        return breaker.state();
    }

    /**
     * Stops: deliveries under way get {@code shutdown-grace} to finish, what is done is committed,
     * the rest is delivered again after the restart.
     */
    @Override
    public void close() {
        stopping = true;
        consumer.wakeup();
        try {
            thread.join(settings.getShutdownGrace().plus(settings.getRequestTimeout()).plusSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            if (fallback != null) {
                fallback.start(); // knows what was mailed before it reads the first event
            }
            consumer.subscribe(List.of(topics.events()), new Rebalance());
            while (!stopping) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                lastPollMillis = clock.millis();
                for (TopicPartition tp : records.partitions()) {
                    for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                        if (!handle(record)) {
                            consumer.seek(tp, record.offset());
                            registryWait.put(tp, clock.instant().plus(REGISTRY_BACKOFF));
                            break;
                        }
                    }
                }
                admission.summaries().forEach(lanes::submit);
                held = admission.holding();
                book.drainDone();
                if (System.nanoTime() - lastCommit >= commitIntervalNanos) {
                    commit(false);
                    lastCommit = System.nanoTime();
                }
                flowControl();
            }
        } catch (WakeupException e) {
            if (!stopping) {
                LOG.error("dispatcher woken up unexpectedly", e);
                failed(e);
            }
        } catch (RuntimeException e) {
            LOG.error("notification dispatcher stopped on an unexpected error; events after the last commit are "
                    + "delivered when it starts again", e);
            failed(e);
        } finally {
            try {
                shutdown();
            } finally {
                if (stopping && state != State.FAILED) {
                    state = State.STOPPED;
                } else if (state != State.FAILED) {
                    failure = "the consumer thread ended without being stopped (an Error, logged by the JVM)";
                    state = State.FAILED;
                }
            }
        }
    }

    private void failed(Throwable e) {
        failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        state = State.FAILED;
    }

    /** Handles one record; false when it must be read again later (the schema registry did not answer). */
    private boolean handle(ConsumerRecord<byte[], byte[]> record) {
        Source source = book.read(record);
        if (source == null) {
            return true;
        }
        switch (admission.admit(record, source, lanes::submit, book::done, REGISTRY_BACKOFF)) {
            case DONE -> book.complete(source);
            case READ_AGAIN -> {
                book.forget(source);
                return false;
            }
            case OWED -> { }
        }
        return true;
    }

    private void commit(boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = book.offsets(sync);
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            consumer.commitSync(offsets);
        } else {
            consumer.commitAsync(offsets, (committed, e) -> {
                if (e != null) {
                    LOG.warn("offset commit failed (the next one covers it): {}", e.getMessage());
                }
            });
        }
        book.committed(offsets);
    }

    /** Pauses reading while too much is in flight, or a partition waits for the schema registry. */
    private void flowControl() {
        int owed = book.pending();
        pending.set(owed);
        if (registryWait.isEmpty() && owed < settings.getMaxInFlight() && !pausing) {
            return; // the usual case, checked without building sets on every poll
        }
        Set<TopicPartition> assigned = consumer.assignment();
        Set<TopicPartition> pause = new HashSet<>();
        if (owed >= settings.getMaxInFlight()) {
            pause.addAll(assigned);
        }
        Instant now = clock.instant();
        registryWait.entrySet().removeIf(e -> !now.isBefore(e.getValue()));
        pause.addAll(registryWait.keySet());
        pause.retainAll(assigned);
        Set<TopicPartition> paused = consumer.paused();
        Set<TopicPartition> toPause = new HashSet<>(pause);
        toPause.removeAll(paused);
        Set<TopicPartition> toResume = new HashSet<>(paused);
        toResume.removeAll(pause);
        if (!toPause.isEmpty()) {
            consumer.pause(toPause);
        }
        if (!toResume.isEmpty()) {
            consumer.resume(toResume);
        }
        pausing = !pause.isEmpty();
    }

    private void shutdown() {
        try {
            if (!lanes.awaitIdle(settings.getShutdownGrace())) {
                LOG.info("{} deliveries still under way at shutdown; they are delivered after the restart",
                        lanes.inFlight());
            }
            lanes.close(settings.getRequestTimeout().plusSeconds(5));
            deadLetters.flush();
            book.drainDone();
            commit(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("final offset commit failed; the events after the last commit are delivered again: {}", e.getMessage());
        } finally {
            if (fallback != null) {
                fallback.close();
            }
            consumer.close();
            deadLetters.close();
            admission.close();
            LOG.info("notification dispatcher stopped");
        }
    }

    /** Keeps offsets right across rebalances: commit what is done before a partition leaves. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            long deadline = System.nanoTime() + settings.getShutdownGrace().toNanos();
            try {
                while (book.owed(partitions) && System.nanoTime() < deadline) {
                    book.awaitDone(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            book.drainDone();
            Map<TopicPartition, OffsetAndMetadata> offsets = book.offsets(partitions, true);
            try {
                if (!offsets.isEmpty()) {
                    consumer.commitSync(offsets);
                }
            } catch (RuntimeException e) {
                LOG.warn("commit on revocation failed; the new owner redelivers from the last commit: {}", e.getMessage());
            }
            drop(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            drop(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            book.assigned(partitions);
        }

        private void drop(Collection<TopicPartition> partitions) {
            book.dropped(partitions);
            partitions.forEach(registryWait::remove);
        }
    }
}
