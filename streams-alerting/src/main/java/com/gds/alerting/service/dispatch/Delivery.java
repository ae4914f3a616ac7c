package com.gds.alerting.service.dispatch;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micronaut.core.annotation.Nullable;

/**
 * One notification on its way, and the records it stands for: one event, or the events a storm
 * summary folds together. The {@code message_id} is the same on every attempt; once the notification
 * was mailed by the fallback, the payload also carries the labels that say so. Its mutable counters
 * are touched only by the lane that runs it; the fallback mark is set from the fallback's thread.
 */
final class Delivery {

    /** Label added to the payload once the notification was mailed: when (ISO-8601). */
    static final String FALLBACK_SENT_AT = "fallback_sent_at";
    /** Label added to the payload once the notification was mailed: by which channel ({@code email}). */
    static final String FALLBACK_CHANNEL = "fallback_channel";

    private final String laneKey;
    private final NotificationPayload payload;
    private final List<Source> sources;
    @Nullable
    private final Instant eventTime;
    private final boolean summary;
    private int failures;
    private int countedFailures;
    /** The payload as sent now: the original, or the original marked as already sent by the fallback. */
    private volatile NotificationPayload current;
    @Nullable
    private volatile Instant fallbackSentAt;

    /**
     * @param laneKey   deliveries with the same key run one after another, in submission order
     * @param payload   what to send
     * @param sources   the records this delivery completes
     * @param eventTime when the transition happened (for the latency metric); null for a summary
     * @param summary   true for a storm summary
     */
    Delivery(String laneKey, NotificationPayload payload, List<Source> sources, @Nullable Instant eventTime, boolean summary) {
        this.laneKey = laneKey;
        this.payload = payload;
        this.sources = List.copyOf(sources);
        this.eventTime = eventTime;
        this.summary = summary;
        this.current = payload;
    }

    String laneKey() {
        return laneKey;
    }

    /** What to send: the payload, with the fallback labels once it was mailed. */
    NotificationPayload payload() {
        return current;
    }

    /** When the fallback mailed it (here or before a restart); null if it did not. */
    @Nullable
    Instant fallbackSentAt() {
        return fallbackSentAt;
    }

    /**
     * Marks it as already sent by the fallback {@code channel} at {@code at}: from now on the payload
     * carries the labels {@value #FALLBACK_SENT_AT} and {@value #FALLBACK_CHANNEL}, so gds_notification
     * (and whoever reads it) can tell. Fields are only added; the {@code message_id} does not change.
     */
    void markFallbackSent(Instant at, String channel) {
        Map<String, String> labels = new LinkedHashMap<>(payload.labels());
        labels.put(FALLBACK_SENT_AT, at.toString());
        labels.put(FALLBACK_CHANNEL, channel);
        current = new NotificationPayload(payload.alertName(), payload.dbInstanceId(), payload.subject(), payload.bodyText(),
                payload.messageId(), payload.severity(), payload.runbookUrl(), Collections.unmodifiableMap(labels), payload.routingKey());
        fallbackSentAt = at;
    }

    List<Source> sources() {
        return sources;
    }

    @Nullable
    Instant eventTime() {
        return eventTime;
    }

    boolean summary() {
        return summary;
    }

    /** True when every partition it came from was revoked: its new owner delivers it. */
    boolean abandoned() {
        return sources.stream().noneMatch(Source::active);
    }

    int failures() {
        return failures;
    }

    int countedFailures() {
        return countedFailures;
    }

    /**
     * A retryable failure. {@code counted} is false for a probe of an open circuit: the service
     * being down is not this notification's fault and must not use up its attempts.
     */
    void failed(boolean counted) {
        failures++;
        if (counted) {
            countedFailures++;
        }
    }
}
