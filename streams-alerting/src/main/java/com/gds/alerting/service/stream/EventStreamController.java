package com.gds.alerting.service.stream;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.reactivestreams.Publisher;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;

import com.gds.alerting.service.auth.Rights;

/**
 * {@code GET /api/v1/events/stream}: alert transitions as server-sent events, as the topology
 * commits them on {@code gds.alerts.events}. Event names: {@code transition} (data: the alert's
 * identity and the history endpoint's fields), {@code heartbeat}, {@code gap} (transitions the
 * client missed were deleted by retention) and {@code cut-off} (the client read too slowly). Every
 * event's id is the stream's position: reconnecting with {@code Last-Event-ID} (or
 * {@code ?last_event_id=}) continues exactly after it, on any instance; {@code ?since=} starts at a
 * time; otherwise the stream starts with the next transition.
 */
@Controller("/api/v1/events")
public class EventStreamController {

    private final EventStreams streams;

    public EventStreamController(EventStreams streams) {
        this.streams = streams;
    }

    @Get(value = "/stream", produces = MediaType.TEXT_EVENT_STREAM)
    @Secured(Rights.READ)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public Publisher<Event<?>> stream(@Nullable @QueryValue String state, @Nullable @QueryValue String severity,
                                      @Nullable @QueryValue("instance_id") String instanceId,
                                      @Nullable @QueryValue("rule_id") String ruleId,
                                      @Nullable @QueryValue String q,
                                      @Nullable @QueryValue String since,
                                      @Nullable @QueryValue("last_event_id") String lastEventIdParam,
                                      @Nullable @Header("Last-Event-ID") String lastEventId) {
        EventFilter filter;
        try {
            filter = EventFilter.of(state, severity, instanceId, ruleId, q);
        } catch (IllegalArgumentException e) {
            throw new HttpStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
        String id = lastEventId != null && !lastEventId.isBlank() ? lastEventId : lastEventIdParam;
        EventStreams.Start start;
        if (id != null && !id.isBlank()) {
            try {
                start = new EventStreams.FromPosition(StreamPosition.parse(id.trim()));
            } catch (IllegalArgumentException e) {
                throw new HttpStatusException(HttpStatus.BAD_REQUEST, "Last-Event-ID: " + e.getMessage());
            }
        } else if (since != null && !since.isBlank()) {
            try {
                start = new EventStreams.FromTime(Instant.parse(since.trim()));
            } catch (DateTimeParseException e) {
                throw new HttpStatusException(HttpStatus.BAD_REQUEST, "since: '" + since
                        + "' is not an ISO-8601 instant such as 2026-12-07T10:00:00Z");
            }
        } else {
            start = new EventStreams.FromEnd();
        }
        try {
            return streams.open(filter, start);
        } catch (EventStreams.TooManyStreams e) {
            throw new HttpStatusException(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        }
    }
}
