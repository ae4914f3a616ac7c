package com.gds.alerting.service.stream;

import java.time.Duration;

import io.micronaut.context.annotation.ConfigurationProperties;

/** {@code gds.event-stream.*}: the limits of {@code GET /api/v1/events/stream}. */
@ConfigurationProperties("gds.event-stream")
public class EventStreamSettings {

    /** Most open streams per instance; one more is answered 503. */
    private int maxStreams = 1000;
    /** A heartbeat (carrying the current position as its id) after this long without an event. */
    private Duration heartbeat = Duration.ofSeconds(15);
    /** Transitions held for a client that reads slower than they arrive; that many and it is cut off, with the reason. */
    private int maxQueuedEvents = 1000;
    /** How long the stream thread waits when no stream had anything to do. */
    private Duration idlePoll = Duration.ofMillis(100);

    public int getMaxStreams() {
        return maxStreams;
    }

    public void setMaxStreams(int maxStreams) {
        this.maxStreams = maxStreams;
    }

    public Duration getHeartbeat() {
        return heartbeat;
    }

    public void setHeartbeat(Duration heartbeat) {
        this.heartbeat = heartbeat;
    }

    public int getMaxQueuedEvents() {
        return maxQueuedEvents;
    }

    public void setMaxQueuedEvents(int maxQueuedEvents) {
        this.maxQueuedEvents = maxQueuedEvents;
    }

    public Duration getIdlePoll() {
        return idlePoll;
    }

    public void setIdlePoll(Duration idlePoll) {
        this.idlePoll = idlePoll;
    }
}
