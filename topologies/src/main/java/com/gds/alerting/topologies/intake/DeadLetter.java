package com.gds.alerting.topologies.intake;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * A record refused by an intake processor, on its way to a dead-letter topic: the original key
 * and value bytes, the original headers, and headers saying why and where it came from.
 *
 * @param key   the original key bytes
 * @param value the original value bytes
 */
public record DeadLetter(byte[] key, byte[] value) {

    /** A stable upper-case code: what was wrong (e.g. {@code MALFORMED_BODY}, {@code INVALID_RULE}). */
    public static final String REASON = "gds.dlq.reason";
    /** A sentence for people: what was wrong and what to do. */
    public static final String ERROR = "gds.dlq.error";
    public static final String SOURCE_TOPIC = "gds.dlq.source.topic";
    public static final String SOURCE_PARTITION = "gds.dlq.source.partition";
    public static final String SOURCE_OFFSET = "gds.dlq.source.offset";
    /** The processor that refused it. */
    public static final String PROCESSOR = "gds.dlq.processor";
    /**
     * Present only when the dead letter does not carry the original whole: says what was cut and
     * the original sizes (e.g. {@code value: 2097152 bytes, first 262144 kept}).
     */
    public static final String TRUNCATED = "gds.dlq.truncated";

    /** Most value bytes a dead letter carries; the rest is cut (see {@link #TRUNCATED}). */
    public static final int MAX_VALUE_BYTES = 256 * 1024;
    /** Most key bytes a dead letter carries. */
    public static final int MAX_KEY_BYTES = 16 * 1024;
    /** Most bytes of original headers a dead letter carries; beyond it they are all dropped. */
    public static final int MAX_ORIGINAL_HEADER_BYTES = 64 * 1024;
    /** Longest error sentence, in characters. */
    public static final int MAX_ERROR_CHARS = 4096;

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
        if (headerBytes > MAX_ORIGINAL_HEADER_BYTES) {
            headers = new RecordHeaders();
            note(truncated, "original headers: " + originalHeaders.length + " headers of " + headerBytes
                    + " bytes, all dropped");
        } else {
            headers = new RecordHeaders(originalHeaders);
        }
        byte[] key = cut(original.key(), MAX_KEY_BYTES, "key", truncated);
        byte[] value = cut(original.value(), MAX_VALUE_BYTES, "value", truncated);
        put(headers, REASON, reason);
        put(headers, ERROR, error == null || error.length() <= MAX_ERROR_CHARS ? error
                : error.substring(0, MAX_ERROR_CHARS) + "…");
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

    private static byte[] cut(byte[] bytes, int max, String what, StringBuilder truncated) {
        if (bytes == null || bytes.length <= max) {
            return bytes;
        }
        note(truncated, what + ": " + bytes.length + " bytes, first " + max + " kept");
        return Arrays.copyOf(bytes, max);
    }

    private static void note(StringBuilder truncated, String what) {
        truncated.append(truncated.length() == 0 ? "" : "; ").append(what);
    }

    /** Where the record came from, for log lines. */
    public static String coordinates(ProcessorContext<?, ?> context) {
        return context.recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("<unknown>");
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
