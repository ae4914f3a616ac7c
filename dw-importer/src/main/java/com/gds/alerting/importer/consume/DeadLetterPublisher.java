package com.gds.alerting.importer.consume;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import com.gds.alerting.contract.DeadLetterHeaders;
import com.gds.alerting.contract.DeadLetterLimits;

/**
 * Writes poison records to the dead-letter topic: original key, value and headers, plus headers
 * saying why and where from. {@link #publish} returns only once the broker has every one of them,
 * so the batch's offsets may then be committed.
 */
public final class DeadLetterPublisher implements AutoCloseable {

    /** Header: short reason code, e.g. WRONG_MAGIC_BYTE, MISSING_FIELD (the contract of {@link DeadLetterHeaders}). */
    public static final String REASON = DeadLetterHeaders.REASON;
    /** Header: what is wrong, for people. */
    public static final String ERROR = DeadLetterHeaders.ERROR;
    /** Header: who rejected it (the consumer group id). */
    public static final String PROCESSOR = DeadLetterHeaders.PROCESSOR;
    /** Legacy alias of {@link #REASON}, still written. */
    public static final String REASON_CODE = DeadLetterHeaders.LEGACY_REASON_CODE;
    /** Legacy alias of {@link #PROCESSOR}, still written. */
    public static final String REJECTED_BY = DeadLetterHeaders.LEGACY_REJECTED_BY;
    /** Headers: where the record came from. */
    public static final String SOURCE_TOPIC = DeadLetterHeaders.SOURCE_TOPIC;
    public static final String SOURCE_PARTITION = DeadLetterHeaders.SOURCE_PARTITION;
    public static final String SOURCE_OFFSET = DeadLetterHeaders.SOURCE_OFFSET;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final String rejectedBy;

    /**
     * @param producer   an idempotent producer with acks=all
     * @param topic      the dead-letter topic, e.g. {@code gds.dlq.metrics}
     * @param rejectedBy who rejects, e.g. the consumer group id
     */
    public DeadLetterPublisher(Producer<byte[], byte[]> producer, String topic, String rejectedBy) {
        this.producer = producer;
        this.topic = topic;
        this.rejectedBy = rejectedBy;
    }

    /** Sends every dead letter and waits until the broker has them all. */
    public void publish(List<DeadLetter> letters) throws BatchNotDurableException {
        if (letters.isEmpty()) {
            return;
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>(letters.size());
        for (DeadLetter letter : letters) {
            sent.add(producer.send(toRecord(letter)));
        }
        producer.flush();
        for (Future<RecordMetadata> future : sent) {
            try {
                future.get();
            } catch (ExecutionException e) {
                throw new BatchNotDurableException("could not write to dead-letter topic " + topic + ": "
                        + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BatchNotDurableException("interrupted while writing to dead-letter topic " + topic, e);
            }
        }
    }

    /**
     * The dead letter for {@code letter}. It must always be writable, or the batch would retry
     * forever: a key, value or headers too large are cut to {@link DeadLetterLimits} and the
     * header {@link DeadLetterLimits#TRUNCATED} says so.
     */
    ProducerRecord<byte[], byte[]> toRecord(DeadLetter letter) {
        RecordHeaders headers = new RecordHeaders();
        StringBuilder truncated = new StringBuilder();
        long headerBytes = 0;
        for (Header h : letter.record().headers()) {
            headerBytes += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        if (headerBytes > DeadLetterLimits.MAX_ORIGINAL_HEADER_BYTES) {
            DeadLetterLimits.note(truncated, "original headers: " + headerBytes + " bytes, all dropped");
        } else {
            for (Header h : letter.record().headers()) {
                if (!DeadLetterHeaders.isContractHeader(h.key())) {
                    headers.add(h);
                }
            }
        }
        byte[] key = DeadLetterLimits.cut(letter.record().key(), DeadLetterLimits.MAX_KEY_BYTES, "key", truncated);
        byte[] value = DeadLetterLimits.cut(letter.record().value(), DeadLetterLimits.MAX_VALUE_BYTES, "value", truncated);
        if (truncated.length() > 0) {
            DeadLetterHeaders.set(headers, DeadLetterLimits.TRUNCATED, truncated.toString());
        }
        DeadLetterHeaders.set(headers, REASON, letter.code());
        DeadLetterHeaders.set(headers, ERROR, DeadLetterLimits.error(letter.reason()));
        DeadLetterHeaders.set(headers, PROCESSOR, rejectedBy);
        DeadLetterHeaders.set(headers, SOURCE_TOPIC, letter.record().topic());
        DeadLetterHeaders.set(headers, SOURCE_PARTITION, Integer.toString(letter.record().partition()));
        DeadLetterHeaders.set(headers, SOURCE_OFFSET, Long.toString(letter.record().offset()));
        DeadLetterHeaders.set(headers, REASON_CODE, letter.code());
        DeadLetterHeaders.set(headers, REJECTED_BY, rejectedBy);
        return new ProducerRecord<>(topic, null, key, value, headers);
    }

    @Override
    public void close() {
        producer.close();
    }
}
