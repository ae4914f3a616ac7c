package com.gds.alerting.collectors.spool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;

import com.gds.alerting.avro.Metric;

/**
 * Moves records from the {@link DiskSpool} to Kafka, in spool order, on its own thread.
 *
 * <p>At most {@code window} records are handed to the producer at a time; the rest wait on disk.
 * The producer is idempotent and its delivery timeout effectively unbounded, so while the broker
 * is away it retries what it holds and the broker de-duplicates those retries: each record is
 * written once, in order per partition. When a send fails anyway (metadata not available, the
 * registry unreachable, a delivery timeout), nothing new is sent until every record in flight
 * has settled; the failed ones are then sent again, oldest first, with backoff. The spool's
 * committed position only moves over records Kafka acknowledged, so a record leaves the disk
 * only once it is in Kafka.
 *
 * <p>A record that can never be sent (it cannot be serialized, is too large, names an invalid
 * topic) is dropped, counted and logged, rather than blocking every instance behind it.
 *
 * <p>One destination's trouble does not hold back the others. When sends to a topic keep failing
 * for {@code parkAfter} and the cluster, asked through the {@link TopicProbe}, answers that the
 * topic does not exist or may not be used, the topic is <em>parked</em>: its records, the failed
 * ones and every later one, are written to the {@link DeadLetterFile} with the reason instead of
 * being sent, so the records behind them flow again. A topic parked because it did not exist is
 * probed again every {@code parkAfter}; once it exists, its new records are sent as usual (what
 * was parked stays in the dead-letter file). A topic parked because the broker refused this
 * client's writes ({@code TopicAuthorizationException}, definitive without a probe) stays parked
 * until the agent restarts: describing a topic proves nothing about writing to it. A cluster that does not answer at all is an outage, not a
 * destination's fault: nothing is parked and the spool waits, in order.
 */
public final class SpoolForwarder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolForwarder.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Duration LOG_EVERY = Duration.ofSeconds(30);

    private enum State { PENDING, ACKED, FAILED, DROPPED, PARKED }

    /** A destination whose records are set aside, what the health endpoint shows. */
    public static final class ParkedTopic {
        private final String topic;
        private final String reason;
        private final Instant since;
        private final AtomicLong records = new AtomicLong();
        private final Set<String> instances = ConcurrentHashMap.newKeySet();
        private final boolean probed;

        ParkedTopic(String topic, String reason, Instant since, boolean probed) {
            this.topic = topic;
            this.reason = reason;
            this.since = since;
            this.probed = probed;
        }

        public String topic() {
            return topic;
        }

        public String reason() {
            return reason;
        }

        public Instant since() {
            return since;
        }

        /** Records written to the dead-letter file since the topic was parked. */
        public long records() {
            return records.get();
        }

        /** The targets (instance ids, the records' keys) whose records were parked. */
        public Set<String> instances() {
            return new TreeSet<>(instances);
        }
    }

    private static final class Slot {
        final SpoolEntry entry;
        State state = State.PENDING;

        Slot(SpoolEntry entry) {
            this.entry = entry;
        }
    }

    private final DiskSpool spool;
    private final Producer<String, Metric> producer;
    private final int window;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition settled = lock.newCondition();
    private final Deque<Slot> inFlight = new ArrayDeque<>();
    private final Deque<SpoolEntry> readAhead = new ArrayDeque<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Thread thread;
    private final TopicProbe probe;
    private final Duration parkAfter;
    private final DeadLetterFile deadLetters;
    /** Topic → when its current run of failed sends began; cleared by an acknowledgement. */
    private final Map<String, Instant> troubledSince = new HashMap<>();
    private final Map<String, ParkedTopic> parked = new ConcurrentHashMap<>();
    /** Topic → the broker's refusal to let this client write to it; definitive, no probe needed. */
    private final Map<String, String> writeDenied = new HashMap<>();
    private final AtomicLong parkedRecords = new AtomicLong();
    private Instant lastParkedProbe = Instant.EPOCH;
    private boolean failurePending;
    private volatile String lastError;
    private volatile Instant lastDelivery;
    private Instant lastFailureLog = Instant.EPOCH;
    private long failuresSinceLog;

    /**
     * @param window    most records handed to the producer and not yet acknowledged
     * @param probe     asks the cluster about a topic whose sends keep failing
     * @param parkAfter how long a topic's sends fail before it may be parked; also how often a
     *                  parked topic is probed again
     */
    public SpoolForwarder(DiskSpool spool, Producer<String, Metric> producer, int window, Clock clock,
                          TopicProbe probe, Duration parkAfter) {
        this.spool = spool;
        this.producer = producer;
        this.window = window;
        this.clock = clock;
        this.probe = probe;
        this.parkAfter = parkAfter;
        this.deadLetters = new DeadLetterFile(spool.directory(), spool.codec());
        this.thread = new Thread(this::run, "spool-forwarder");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        Duration backoff = Duration.ofMillis(100);
        try {
            while (stop.getCount() > 0) {
                commitSettled();
                probeParked();
                if (hasFailure()) {
                    if (!awaitNothingPending()) {
                        continue;
                    }
                    parkUndeliverable();
                    if (resendFailed()) {
                        backoff = Duration.ofMillis(100);
                    } else {
                        stop.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
                        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                    }
                    continue;
                }
                if (inFlightCount() >= window) {
                    awaitSettled();
                    continue;
                }
                if (readAhead.isEmpty()) {
                    readAhead.addAll(spool.read(Math.min(500, window - inFlightCount())));
                    if (readAhead.isEmpty()) {
                        spool.awaitData(POLL);
                        continue;
                    }
                }
                send(track(readAhead.poll()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("the spool forwarder stopped; records stay in the spool for the next start", e);
            lastError = e.toString();
        }
    }

    private Slot track(SpoolEntry entry) {
        Slot slot = new Slot(entry);
        lock.lock();
        try {
            inFlight.addLast(slot);
        } finally {
            lock.unlock();
        }
        return slot;
    }

    private void send(Slot slot) {
        SpoolRecord r = slot.entry.record();
        ParkedTopic p = parked.get(r.topic());
        if (p != null) {
            deadLetters.append(r);
            p.records.incrementAndGet();
            p.instances.add(r.key());
            parkedRecords.incrementAndGet();
            lock.lock();
            try {
                slot.state = State.PARKED;
                settled.signalAll();
            } finally {
                lock.unlock();
            }
            return;
        }
        try {
            producer.send(new ProducerRecord<>(r.topic(), r.key(), r.value()), (meta, error) -> settle(slot, error));
        } catch (KafkaException | IllegalStateException e) {
            settle(slot, e);
        }
    }

    private void settle(Slot slot, Exception error) {
        lock.lock();
        try {
            if (error == null) {
                slot.state = State.ACKED;
                delivered.incrementAndGet();
                lastDelivery = clock.instant();
                troubledSince.remove(slot.entry.record().topic());
                writeDenied.remove(slot.entry.record().topic());
            } else if (neverSendable(error)) {
                slot.state = State.DROPPED;
                dropped.incrementAndGet();
                LOG.error("dropped a record that can never be sent: {} of {} to {}: {}", slot.entry.record().value().getMetricName(),
                        slot.entry.record().key(), slot.entry.record().topic(), error.toString());
            } else {
                slot.state = State.FAILED;
                failurePending = true;
                troubledSince.putIfAbsent(slot.entry.record().topic(), clock.instant());
                if (error instanceof TopicAuthorizationException) {
                    // Describe may be allowed where write is not: the producer's answer is the one that counts.
                    writeDenied.put(slot.entry.record().topic(), "not authorized to write to topic " + slot.entry.record().topic());
                }
                failures.incrementAndGet();
                lastError = error.toString();
                logFailure(error);
            }
            settled.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static boolean neverSendable(Exception e) {
        return e instanceof SerializationException || e instanceof RecordTooLargeException
                || e instanceof InvalidTopicException;
    }

    private void logFailure(Exception error) {
        failuresSinceLog++;
        Instant now = clock.instant();
        if (Duration.between(lastFailureLog, now).compareTo(LOG_EVERY) >= 0) {
            LOG.warn("Kafka is not taking records ({}); {} failed sends since the last report, records wait in the spool "
                    + "({} bytes on disk) and are sent in order when it is back", error.toString(), failuresSinceLog,
                    spool.liveBytes());
            lastFailureLog = now;
            failuresSinceLog = 0;
        }
    }

    /**
     * Parks each topic whose failed records have failed for {@code parkAfter} and which the
     * cluster says cannot be used. Runs when nothing is pending, before the failed are re-sent.
     */
    private void parkUndeliverable() {
        Instant now = clock.instant();
        Map<String, Instant> due = new java.util.TreeMap<>();
        Map<String, String> denied;
        lock.lock();
        try {
            for (Slot s : inFlight) {
                String topic = s.entry.record().topic();
                Instant since = troubledSince.get(topic);
                if (s.state == State.FAILED && since != null && !parked.containsKey(topic)
                        && Duration.between(since, now).compareTo(parkAfter) >= 0) {
                    due.put(topic, since);
                }
            }
            denied = Map.copyOf(writeDenied);
        } finally {
            lock.unlock();
        }
        for (Map.Entry<String, Instant> d : due.entrySet()) {
            String topic = d.getKey();
            boolean byProbe = !denied.containsKey(topic);
            TopicProbe.Verdict v = byProbe ? probe.check(topic) : TopicProbe.Verdict.undeliverable(denied.get(topic));
            if (v.kind() == TopicProbe.Verdict.Kind.UNDELIVERABLE) {
                parked.put(topic, new ParkedTopic(topic, v.reason(), now, byProbe));
                deadLetters.note(now, "parked " + topic + ": " + v.reason());
                LOG.error("{}: its records are set aside in {} so the other targets' records keep flowing. Failing for {} "
                        + "({}); fix the topic or the target's environment, the topic is checked again every {}",
                        v.reason(), deadLetters.directory(), Duration.between(d.getValue(), now), lastError, parkAfter);
            }
        }
    }

    /** Takes back each parked topic that can be written again; probed every {@code parkAfter}. */
    private void probeParked() {
        Instant now = clock.instant();
        if (parked.isEmpty() || Duration.between(lastParkedProbe, now).compareTo(parkAfter) < 0) {
            return;
        }
        lastParkedProbe = now;
        for (ParkedTopic p : List.copyOf(parked.values())) {
            // A refused write is not undone by a topic that can be described: those stay parked
            // until the agent restarts (after the ACL is fixed).
            if (p.probed && Duration.between(p.since(), now).compareTo(parkAfter) >= 0
                    && probe.check(p.topic()).kind() == TopicProbe.Verdict.Kind.WRITABLE) {
                parked.remove(p.topic());
                lock.lock();
                try {
                    troubledSince.remove(p.topic());
                    writeDenied.remove(p.topic());
                } finally {
                    lock.unlock();
                }
                deadLetters.note(now, "resumed " + p.topic() + " after " + p.records() + " parked records");
                LOG.info("topic {} can be written again: new records are sent; {} records parked meanwhile stay in {}",
                        p.topic(), p.records(), deadLetters.directory());
            }
        }
    }

    private boolean hasFailure() {
        lock.lock();
        try {
            return failurePending;
        } finally {
            lock.unlock();
        }
    }

    private int inFlightCount() {
        lock.lock();
        try {
            return inFlight.size();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until no record is PENDING, so failed ones can be re-sent without overtaking. */
    private boolean awaitNothingPending() throws InterruptedException {
        lock.lock();
        try {
            if (inFlight.stream().anyMatch(s -> s.state == State.PENDING)) {
                settled.await(POLL.toMillis(), TimeUnit.MILLISECONDS);
                return false;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void awaitSettled() throws InterruptedException {
        lock.lock();
        try {
            settled.await(POLL.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            lock.unlock();
        }
    }

    /** Sends the failed records again, oldest first; false if one failed again at once. */
    private boolean resendFailed() {
        List<Slot> failed = new ArrayList<>();
        lock.lock();
        try {
            for (Slot s : inFlight) {
                if (s.state == State.FAILED) {
                    s.state = State.PENDING;
                    failed.add(s);
                }
            }
            failurePending = false;
        } finally {
            lock.unlock();
        }
        for (int i = 0; i < failed.size(); i++) {
            send(failed.get(i));
            if (hasFailure()) {
                // Put back the ones not yet tried so they go, in order, on the next attempt.
                lock.lock();
                try {
                    for (int j = i + 1; j < failed.size(); j++) {
                        failed.get(j).state = State.FAILED;
                    }
                } finally {
                    lock.unlock();
                }
                return false;
            }
        }
        return true;
    }

    /** Moves the spool's committed position over the settled records at the head. */
    private void commitSettled() {
        SpoolPosition last = null;
        lock.lock();
        try {
            while (!inFlight.isEmpty() && (inFlight.peekFirst().state == State.ACKED
                    || inFlight.peekFirst().state == State.DROPPED || inFlight.peekFirst().state == State.PARKED)) {
                last = inFlight.pollFirst().entry.end();
            }
        } finally {
            lock.unlock();
        }
        if (last != null) {
            spool.commit(last);
        }
    }

    /** Records Kafka acknowledged since start. */
    public long deliveredCount() {
        return delivered.get();
    }

    /** Records dropped because they can never be sent, since start. */
    public long droppedCount() {
        return dropped.get();
    }

    /** Records written to the dead-letter file because their topic was parked, since start. */
    public long parkedCount() {
        return parkedRecords.get();
    }

    /** The topics whose records are being set aside now, with the reason and the targets. */
    public List<ParkedTopic> parkedTopics() {
        return parked.values().stream().sorted(java.util.Comparator.comparing(ParkedTopic::topic)).toList();
    }

    /** Failed send attempts (each retried), since start. */
    public long failureCount() {
        return failures.get();
    }

    /** Records handed to the producer and not yet settled. */
    public int inFlight() {
        return inFlightCount();
    }

    /** Whether the forwarding thread is alive. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /** The last send error, or null. */
    public String lastError() {
        return lastError;
    }

    /** When Kafka last acknowledged a record, or null. */
    public Instant lastDelivery() {
        return lastDelivery;
    }

    /** The producer's own metrics (requests, retries, buffer, latency) as Micrometer meters; the caller closes it. */
    public KafkaClientMetrics producerMetrics() {
        return new KafkaClientMetrics(producer);
    }

    /**
     * Stops sending, gives the producer up to {@code timeout} to deliver what it holds, and
     * commits what was acknowledged. Whatever is left stays in the spool for the next start.
     */
    public void close(Duration timeout) {
        stop.countDown();
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(timeout);
        commitSettled();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
