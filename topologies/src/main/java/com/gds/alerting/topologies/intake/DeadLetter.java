package com.gds.alerting.topologies.intake;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import com.gds.alerting.contract.DeadLetterHeaders;
import com.gds.alerting.contract.DeadLetterLimits;

/**
 * A record refused by an intake processor, on its way to a dead-letter topic: the original key
 * and value bytes, the original headers, and headers saying why and where it came from.
 *
 * @param key   the original key bytes
 * @param value the original value bytes
 */
public record DeadLetter(byte[] key, byte[] value) {

    /** See {@link DeadLetterHeaders}: the one header contract of every dead-letter writer. */
    public static final String REASON = DeadLetterHeaders.REASON;
    public static final String ERROR = DeadLetterHeaders.ERROR;
    public static final String SOURCE_TOPIC = DeadLetterHeaders.SOURCE_TOPIC;
    public static final String SOURCE_PARTITION = DeadLetterHeaders.SOURCE_PARTITION;
    public static final String SOURCE_OFFSET = DeadLetterHeaders.SOURCE_OFFSET;
    public static final String PROCESSOR = DeadLetterHeaders.PROCESSOR;
    /** See {@link DeadLetterLimits#TRUNCATED}. */
    public static final String TRUNCATED = DeadLetterLimits.TRUNCATED;
    /** See {@link DeadLetterLimits}. */
    public static final int MAX_VALUE_BYTES = DeadLetterLimits.MAX_VALUE_BYTES;

    /**
     * The record to forward for {@code original}: its bytes wrapped, its headers plus the reason
     * and the source coordinates. A dead letter must always be writable, or the record that
     * caused it would stop the stream thread: so a value, key or headers too large for a broker
     * (a 2 MB value that arrived compressed, say) are cut to the limits above and {@link
     * #TRUNCATED} says so.
     */
    public static Record<Object, Object> of(ProcessorContext<?, ?> context, String processor,
                                            Record<byte[], byte[]> original, String reason, String error) {
        StringBuilder truncated = new StringBuilder();
        Header[] originalHeaders = original.headers().toArray();
        long headerBytes = 0;
        for (Header h : originalHeaders) {
            headerBytes += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        Headers headers;
        if (headerBytes > DeadLetterLimits.MAX_ORIGINAL_HEADER_BYTES) {
            headers = new RecordHeaders();
            DeadLetterLimits.note(truncated, "original headers: " + originalHeaders.length + " headers of " + headerBytes
                    + " bytes, all dropped");
        } else {
            headers = new RecordHeaders(originalHeaders);
        }
        byte[] key = DeadLetterLimits.cut(original.key(), DeadLetterLimits.MAX_KEY_BYTES, "key", truncated);
        byte[] value = DeadLetterLimits.cut(original.value(), MAX_VALUE_BYTES, "value", truncated);
        put(headers, REASON, reason);
        put(headers, ERROR, DeadLetterLimits.error(error));
        if (truncated.length() > 0) {
            put(headers, TRUNCATED, truncated.toString());
        } else {
            headers.remove(TRUNCATED);
        }
        put(headers, PROCESSOR, processor);
        context.recordMetadata().ifPresent((RecordMetadata m) -> {
            put(headers, SOURCE_TOPIC, m.topic());
            put(headers, SOURCE_PARTITION, Integer.toString(m.partition()));
            put(headers, SOURCE_OFFSET, Long.toString(m.offset()));
        });
        return new Record<Object, Object>(null, new DeadLetter(key, value), original.timestamp(), headers);
    }

    /** Where the record came from, for log lines. */
    public static String coordinates(ProcessorContext<?, ?> context) {
        return context.recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("<unknown>");
    }

    private static void put(Headers headers, String name, String value) {
        DeadLetterHeaders.set(headers, name, value);
    }
}
