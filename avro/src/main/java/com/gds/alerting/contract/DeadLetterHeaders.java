package com.gds.alerting.contract;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The header contract of every dead-letter topic ({@code gds.dlq.metrics}, {@code gds.dlq.rules},
 * {@code gds.dlq.commands}, {@code gds.dlq.notifications}), whoever wrote the dead letter: the
 * alerting topology, the notification dispatcher or the warehouse importer. A dead letter is the
 * original key and value bytes (cut to {@link DeadLetterLimits} at worst), the original headers, and
 * these. Documented in {@code docs/contracts.md}, "Dead letters".
 */
public final class DeadLetterHeaders {

    /** Every header of this contract starts with this; a replay strips them before re-sending. */
    public static final String PREFIX = "gds.dlq.";

    /** A stable upper-case code: what was wrong ({@code MALFORMED_BODY}, {@code RETRIES_EXHAUSTED}, …). Always set. */
    public static final String REASON = "gds.dlq.reason";
    /** A sentence for people: what was wrong and, where known, what to do. Always set. */
    public static final String ERROR = "gds.dlq.error";
    /** Who refused it: a topology processor, {@code notification-dispatcher}, or the importer's group id. Always set. */
    public static final String PROCESSOR = "gds.dlq.processor";
    /** Where the refused record was read: topic, partition, offset. Set whenever the writer read it from Kafka. */
    public static final String SOURCE_TOPIC = "gds.dlq.source.topic";
    public static final String SOURCE_PARTITION = "gds.dlq.source.partition";
    public static final String SOURCE_OFFSET = "gds.dlq.source.offset";
    /** Present only when the dead letter does not carry the original whole (see {@link DeadLetterLimits}). */
    public static final String TRUNCATED = "gds.dlq.truncated";
    /** Notifications only: the notification's {@code message_id}, when the event could be read. */
    public static final String MESSAGE_ID = "gds.dlq.message.id";
    /** Notifications only: the last HTTP status and answer body of gds_notification. */
    public static final String HTTP_STATUS = "gds.dlq.http.status";
    public static final String HTTP_BODY = "gds.dlq.http.body";
    /**
     * Legacy aliases the importer wrote before this contract ({@code gds.dlq.reason} was its sentence
     * then): still written, with the values of {@link #REASON} and {@link #PROCESSOR}, so readers of
     * the old names keep working. Read {@link #REASON} and {@link #PROCESSOR}.
     */
    public static final String LEGACY_REASON_CODE = "gds.dlq.reason.code";
    public static final String LEGACY_REJECTED_BY = "gds.dlq.rejected.by";

    /**
     * On a record replayed from a dead-letter topic: the source coordinates of the record it replays
     * ({@code topic-partition@offset}); kept when the replayed record is dead-lettered again, so the
     * lineage survives.
     */
    public static final String REPLAY_OF = "gds.replay.of";
    /** On a replayed record: the dead letter it came from ({@code topic-partition@offset}). */
    public static final String REPLAY_FROM = "gds.replay.from";

    private DeadLetterHeaders() {
    }

    /** Sets {@code name} to {@code value}, replacing any earlier value (a record dead-lettered twice has one reason). */
    public static void set(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /** The last value of {@code name}, decoded as UTF-8. */
    public static Optional<String> get(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    /** Whether {@code name} belongs to this contract (and is therefore not one of the original record's headers). */
    public static boolean isContractHeader(String name) {
        return name.startsWith(PREFIX);
    }

    /** {@code topic-partition@offset}, the form of {@link #REPLAY_OF} and {@link #REPLAY_FROM}. */
    public static String coordinates(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }
}
