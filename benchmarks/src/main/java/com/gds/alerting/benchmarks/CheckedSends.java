package com.gds.alerting.benchmarks;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A harness's own sends, each one's outcome counted: a harness that loses a record it wrote measures
 * something else than it reports (a rule table one rule short, a drain that never ends).
 *
 * <p>Why a send fails here: on Kafka before 4.5 (KAFKA-15591, also KAFKA-14312 and KAFKA-19880), an
 * idempotent producer with several requests in flight to a partition created a moment ago can have its
 * first request refused with {@code NOT_LEADER_OR_FOLLOWER} while a later one is appended (the broker
 * accepts any first sequence from a producer it has no state for); every retry of the first then fails
 * with {@code OUT_OF_ORDER_SEQUENCE_NUMBER} until {@code delivery.timeout.ms} expires it. The send's
 * future fails; a harness that only flushed never knew. {@link #oneRequestInFlight} avoids it for writes
 * to fresh topics; {@link #flushAndCheck} makes any other failure stop the run with its cause.
 */
final class CheckedSends implements Callback {

    private final String what;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    /** {@code what}: the records, for the message (e.g. "rules to slo.rules.accepted"). */
    CheckedSends(String what) {
        this.what = what;
    }

    /**
     * {@code config} with one request in flight per connection: the producer then retries a refused batch
     * before it sends the next one to the partition, so a write to a topic created a moment ago is not
     * reordered around the broker's leadership change (KAFKA-15591). Idempotence and ordering stay on.
     */
    static Map<String, Object> oneRequestInFlight(Map<String, Object> config) {
        Map<String, Object> copy = new HashMap<>(config);
        copy.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        return copy;
    }

    /** Sends {@code record}, counting its outcome. */
    <K, V> void send(Producer<K, V> producer, ProducerRecord<K, V> record) {
        sent.incrementAndGet();
        producer.send(record, this);
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
        if (exception != null) {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, exception);
        }
    }

    long sent() {
        return sent.get();
    }

    /** Sends failed so far (a send still in flight is neither failed nor acknowledged). */
    long failed() {
        return failed.get();
    }

    /** Flushes {@code producer} (every send then has its outcome) and throws when any send failed. */
    void flushAndCheck(Producer<?, ?> producer) throws IOException {
        producer.flush();
        check();
    }

    /** Throws, naming the count and the first cause, when any send failed. */
    void check() throws IOException {
        if (failed.get() > 0) {
            Exception first = firstFailure.get();
            throw new IOException(String.format("%d of %d sends of %s failed; the first: %s", failed.get(), sent.get(), what,
                    first), first);
        }
    }
}
