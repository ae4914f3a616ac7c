package com.gds.alerting.service.dispatch;

import java.time.Instant;
import java.util.List;

import io.micronaut.core.annotation.Nullable;

/**
 * One notification on its way, and the records it stands for: one event, or the events a storm
 * summary folds together. The payload (and so the {@code message_id}) is the same on every attempt.
 * Its mutable counters are touched only by the lane that runs it.
 */
final class Delivery {

    private final String laneKey;
    private final NotificationPayload payload;
    private final List<Source> sources;
    @Nullable
    private final Instant eventTime;
    private final boolean summary;
    private int failures;
    private int countedFailures;

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
    }

    String laneKey() {
        return laneKey;
    }

    NotificationPayload payload() {
        return payload;
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
