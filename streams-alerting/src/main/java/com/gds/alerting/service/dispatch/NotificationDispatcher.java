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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.serde.GdsAvroDeserializer;
import com.gds.alerting.avro.serde.InvalidAvroPayloadException;
import com.gds.alerting.avro.serde.SchemaRegistryException;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.topologies.notify.NotifyPolicy;
import com.gds.alerting.topologies.notify.NotifyReason;

/**
 * Reads {@code gds.alerts.events} in its own consumer group and turns the events that notify into
 * deliveries: decision ({@link NotifyPolicy}) → storm control ({@link StormControl}) → payload
 * ({@link NotificationFormatter}) → {@link DeliveryLanes} ({@link RetryStage}: retry, circuit breaker, {@link Notifier}) →
 * done or dead-lettered ({@link DeadLetters}).
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
    private final GdsAvroDeserializer<AlertEvent> deserializer;
    private final CircuitBreaker breaker;
    private final DeliveryLanes lanes;
    private final DeadLetters deadLetters;
    private final StormControl storm;
    private final Map<TopicPartition, PartitionLease> leases = new HashMap<>();
    private final Map<TopicPartition, OffsetTracker> trackers = new HashMap<>();
    private final Map<TopicPartition, Instant> registryWait = new HashMap<>();
    private final LinkedBlockingQueue<Source> done = new LinkedBlockingQueue<>();
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
        this.settings = settings;
        this.topics = topics;
        this.notifier = notifier;
        this.clock = clock;
        this.metrics = new DispatcherMetrics(registry);
        this.breaker = new CircuitBreaker(settings.getCircuitFailureThreshold(), settings.getCircuitOpenDuration(), clock,
                new CircuitLog(notifier.name(), settings.getCircuitFailureThreshold(), settings.getCircuitOpenDuration(),
                        this::waiting, clock));
        this.lanes = new DeliveryLanes(settings.getConcurrency(), notifier, RetryPolicy.of(settings), breaker, metrics, clock,
                this::finished);
        this.deadLetters = new DeadLetters(kafka, topics.dlqNotifications(), metrics);
        this.storm = settings.isStormEnabled()
                ? new StormControl(settings.getStormMaxPerRule(), settings.getStormMaxPerInstance(), settings.getStormInterval(), clock)
                : null;
        this.deserializer = new GdsAvroDeserializer<>(AlertEvent.class);
        deserializer.configure(serde, false);
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
                storm == null ? "off" : settings.getStormMaxPerRule() + "/rule, " + settings.getStormMaxPerInstance()
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
                summarise();
                held = storm == null ? 0 : storm.holding();
                drainDone();
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
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        PartitionLease lease = leases.get(tp);
        if (lease == null) {
            return true;
        }
        OffsetTracker tracker = trackers.get(tp);
        tracker.register(record.offset());
        Source source = new Source(record, lease);
        if (record.value() == null) {
            tracker.complete(record.offset());
            return true;
        }
        AlertEvent event;
        try {
            event = deserializer.deserialize(record.topic(), record.headers(), record.value());
        } catch (InvalidAvroPayloadException e) {
            LOG.warn("unreadable alert event at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            deadLetters.send(record, DeadLetters.UNREADABLE, String.valueOf(e.getMessage()), null, null,
                    () -> done.add(source));
            return true;
        } catch (SchemaRegistryException e) {
            LOG.warn("schema registry unavailable reading {}-{}@{}; trying again in {}: {}", record.topic(),
                    record.partition(), record.offset(), REGISTRY_BACKOFF, e.getMessage());
            tracker.forget(record.offset());
            return false;
        }
        NotifyReason reason = NotifyPolicy.decide(event);
        metrics.decided(reason);
        if (!reason.notifies()) {
            LOG.debug("{} {}: not sent ({}{})", event.getAlertKey(), event.getTransition(), reason,
                    event.getSuppressedBy() == null ? "" : ", " + event.getSuppressedBy());
            tracker.complete(record.offset());
            return true;
        }
        if (storm != null) {
            StormControl.Admission admission = storm.admit(event, source);
            if (!admission.admitted()) {
                metrics.held(admission.scope().name());
                return true;
            }
        }
        lanes.submit(new Delivery(event.getAlertKey(), NotificationFormatter.format(event), List.of(source),
                event.getUpdatedAt(), false));
        return true;
    }

    /** Turns the storm groups whose window ended into summary deliveries. */
    private void summarise() {
        if (storm == null) {
            return;
        }
        for (StormControl.Group group : storm.due()) {
            List<StormControl.Held> live = group.held().stream().filter(h -> h.source().active()).toList();
            if (live.isEmpty()) {
                continue;
            }
            StormControl.Group liveGroup = new StormControl.Group(group.scope(), group.name(), group.windowStart(),
                    group.windowEnd(), live);
            NotificationPayload summary = StormSummaryFormatter.format(liveGroup, settings.getStormSummaryMaxLines());
            LOG.warn("storm control: {} notifications of {} {} folded into one summary ({})", live.size(),
                    group.scope().name().toLowerCase(java.util.Locale.ROOT), group.name(), summary.messageId());
            metrics.summarised(group.scope().name());
            lanes.submit(new Delivery("storm:" + group.scope() + ":" + group.name(), summary,
                    live.stream().map(StormControl.Held::source).toList(), null, true));
        }
    }

    /** Called on a lane thread when a delivery ends. */
    private void finished(DeliveryLanes.Finished finished) {
        Delivery d = finished.delivery();
        switch (finished.end()) {
            case DELIVERED -> d.sources().forEach(done::add);
            case REJECTED, EXHAUSTED -> {
                NotifyResult last = finished.last();
                boolean rejected = finished.end() == DeliveryLanes.End.REJECTED;
                String error = rejected
                        ? notifier.name() + " refused message_id " + d.payload().messageId() + " with HTTP " + last.status()
                        : "gave up on message_id " + d.payload().messageId() + " after " + d.failures()
                                + " failed attempts; last: " + last.cause();
                LOG.warn("{}{}", error, last.body().isEmpty() ? "" : ": " + last.body());
                for (Source source : d.sources()) {
                    deadLetters.send(source.record(), rejected ? DeadLetters.REJECTED : DeadLetters.EXHAUSTED, error,
                            d.payload().messageId(), last, () -> done.add(source));
                }
            }
            case ABANDONED -> LOG.debug("message_id {} left to the partition's new owner", d.payload().messageId());
        }
    }

    private void drainDone() {
        for (Source source = done.poll(); source != null; source = done.poll()) {
            complete(source);
        }
    }

    private void complete(Source source) {
        TopicPartition tp = source.partition();
        if (leases.get(tp) == source.lease()) {
            trackers.get(tp).complete(source.offset());
        }
    }

    private void commit(boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        trackers.forEach((tp, tracker) -> {
            long offset = sync ? tracker.position() : tracker.committable();
            if (offset >= 0) {
                offsets.put(tp, new OffsetAndMetadata(offset));
            }
        });
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
        offsets.forEach((tp, offset) -> trackers.get(tp).committed(offset.offset()));
    }

    /** Pauses reading while too much is in flight, or a partition waits for the schema registry. */
    private void flowControl() {
        int owed = trackers.values().stream().mapToInt(OffsetTracker::pending).sum();
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
            drainDone();
            commit(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("final offset commit failed; the events after the last commit are delivered again: {}", e.getMessage());
        } finally {
            consumer.close();
            deadLetters.close();
            deserializer.close();
            LOG.info("notification dispatcher stopped");
        }
    }

    /** Keeps offsets right across rebalances: commit what is done before a partition leaves. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            long deadline = System.nanoTime() + settings.getShutdownGrace().toNanos();
            try {
                while (owed(partitions) && System.nanoTime() < deadline) {
                    Source source = done.poll(50, TimeUnit.MILLISECONDS);
                    if (source != null) {
                        complete(source);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            drainDone();
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetTracker tracker = trackers.get(tp);
                if (tracker != null && tracker.position() >= 0) {
                    offsets.put(tp, new OffsetAndMetadata(tracker.position()));
                }
            }
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
            for (TopicPartition tp : partitions) {
                leases.put(tp, new PartitionLease(tp));
                trackers.put(tp, new OffsetTracker());
            }
        }

        private boolean owed(Collection<TopicPartition> partitions) {
            return partitions.stream().map(trackers::get).anyMatch(t -> t != null && t.pending() > 0);
        }

        private void drop(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                PartitionLease lease = leases.remove(tp);
                if (lease != null) {
                    lease.end();
                }
                trackers.remove(tp);
                registryWait.remove(tp);
            }
        }
    }
}
