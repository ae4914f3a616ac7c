package com.gds.alerting.service.selfmonitor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import org.apache.kafka.streams.KafkaStreams;

import io.micronaut.core.annotation.Nullable;

import com.gds.alerting.service.dispatch.NotificationDispatcher;

/**
 * Is the pipeline in this process healthy enough to say so to the outside? The streams must be
 * RUNNING or REBALANCING (a rebalance is routine, not trouble), and the notification dispatcher,
 * when it runs here, must be RUNNING and have polled within {@code maxPollAge}: a watchdog that
 * arrives while alerts cannot would be a lie.
 */
public final class PipelineHealth {

    /** The answer, with a reason a person can read in a log line. */
    public record Verdict(boolean healthy, String reason) {
    }

    private final Supplier<KafkaStreams.State> streams;
    @Nullable
    private final Supplier<NotificationDispatcher.State> dispatcherState;
    @Nullable
    private final Supplier<Instant> lastPoll;
    private final Duration maxPollAge;
    private final Clock clock;

    /**
     * @param streams         the streams' state
     * @param dispatcherState the dispatcher's state; null when no dispatcher runs in this process
     * @param lastPoll        when the dispatcher's consumer last returned from a poll (null before the first)
     * @param maxPollAge      how old that may be
     * @param clock           wall time
     */
    public PipelineHealth(Supplier<KafkaStreams.State> streams, @Nullable Supplier<NotificationDispatcher.State> dispatcherState,
                          @Nullable Supplier<Instant> lastPoll, Duration maxPollAge, Clock clock) {
        this.streams = streams;
        this.dispatcherState = dispatcherState;
        this.lastPoll = lastPoll;
        this.maxPollAge = maxPollAge;
        this.clock = clock;
    }

    public Verdict check() {
        KafkaStreams.State state = streams.get();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            return new Verdict(false, "the alerting streams are " + state);
        }
        if (dispatcherState == null || lastPoll == null) {
            return new Verdict(true, "streams " + state + ", no dispatcher in this process");
        }
        NotificationDispatcher.State dispatcher = dispatcherState.get();
        if (dispatcher != NotificationDispatcher.State.RUNNING) {
            return new Verdict(false, "the notification dispatcher is " + dispatcher);
        }
        Instant polled = lastPoll.get();
        if (polled == null) {
            return new Verdict(false, "the notification dispatcher's consumer has not polled yet");
        }
        Duration age = Duration.between(polled, clock.instant());
        if (age.compareTo(maxPollAge) > 0) {
            return new Verdict(false, "the notification dispatcher's consumer has not polled for " + age);
        }
        return new Verdict(true, "streams " + state + ", dispatcher polling");
    }
}
