package com.gds.alerting.service.api;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import jakarta.validation.Valid;

import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.Silence;
import com.gds.alerting.service.auth.Rights;
import com.gds.alerting.service.problem.InvalidParam;
import com.gds.alerting.service.query.BadRequestException;
import com.gds.alerting.service.query.NotFoundException;
import com.gds.alerting.service.query.StateMigratingException;
import com.gds.alerting.service.streams.KafkaClientProperties;
import com.gds.alerting.topologies.AlertingTopology;
import com.gds.alerting.topologies.silences.SilenceValidator;

/**
 * {@code /api/v1/silences}: list (from the global silence table every instance holds), create
 * and delete (records on {@code gds.silences}; the change shows on a later GET once the table has
 * read it, typically well under a second).
 */
@Controller("/api/v1/silences")
@ExecuteOn(TaskExecutors.BLOCKING)
public class SilencesController {

    /** The answer to a create: the new silence's id. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    public record SilenceCreated(String silenceId) {
    }

    private final KafkaStreams streams;
    private final CommandPublisher publisher;
    private final KafkaClientProperties clients;
    private final Clock clock = Clock.systemUTC();

    public SilencesController(KafkaStreams streams, CommandPublisher publisher, KafkaClientProperties clients) {
        this.streams = streams;
        this.publisher = publisher;
        this.clients = clients;
    }

    /** Every silence ({@link SilenceView}: matcher operators as a POST writes them). */
    @Get(produces = MediaType.APPLICATION_JSON)
    @Secured(Rights.READ)
    public List<SilenceView> list() {
        List<SilenceView> all = new ArrayList<>();
        try (KeyValueIterator<String, Silence> it = store().all()) {
            it.forEachRemaining(kv -> all.add(SilenceView.of(kv.value)));
        } catch (InvalidStateStoreException e) {
            throw new StateMigratingException("the silence table is loading: " + e.getMessage(), e);
        }
        return all;
    }

    @Post
    @Secured(Rights.WRITE)
    public HttpResponse<?> create(@Valid @Body SilenceRequest body) {
        Instant now = clock.instant();
        List<InvalidParam> timeProblems = new ArrayList<>();
        Instant startsAt = instant("starts_at", body.startsAt(), timeProblems);
        Instant endsAt = instant("ends_at", body.endsAt(), timeProblems);
        if (!timeProblems.isEmpty()) {
            throw new BadRequestException(timeProblems);
        }
        // A matcher without a value stays null here, so the validator refuses it by name (not read as "").
        List<Matcher> matchers = body.matchers().stream()
                .map(m -> new Matcher(m.label(), SilenceView.op(m.op()), m.value()))
                .toList();
        Silence silence = Silence.newBuilder()
                .setSilenceId(UUID.randomUUID().toString())
                .setMatchers(matchers)
                .setStartsAt(startsAt == null ? now : startsAt)
                .setEndsAt(endsAt)
                .setCreatedBy(body.createdBy())
                .setComment(body.comment())
                .setCreatedAt(now)
                .build();
        List<String> problems = SilenceValidator.validate(silence);
        if (!problems.isEmpty()) {
            // The validator says "field: what is wrong", field as the API spells it (matchers[0].value).
            throw new BadRequestException(problems.stream().map(p -> {
                int colon = p.indexOf(": ");
                return colon < 0 ? new InvalidParam("body", p) : new InvalidParam(p.substring(0, colon), p.substring(colon + 2));
            }).toList());
        }
        publisher.send(clients.topics().silences(), silence.getSilenceId(), silence);
        return HttpResponse.status(HttpStatus.CREATED).body(new SilenceCreated(silence.getSilenceId()));
    }

    /** Ends a silence (or maintenance mode) now. */
    @Delete("/{silenceId}")
    @Secured(Rights.WRITE)
    public HttpResponse<?> delete(@PathVariable String silenceId) {
        Silence existing;
        try {
            existing = store().get(silenceId);
        } catch (InvalidStateStoreException e) {
            throw new StateMigratingException("the silence table is loading: " + e.getMessage(), e);
        }
        if (existing == null) {
            throw new NotFoundException("no silence has id '" + silenceId + "'");
        }
        publisher.send(clients.topics().silences(), silenceId, null);
        return HttpResponse.accepted();
    }

    private ReadOnlyKeyValueStore<String, Silence> store() {
        return streams.store(StoreQueryParameters.fromNameAndType(AlertingTopology.Names.SILENCES_STORE,
                QueryableStoreTypes.keyValueStore()));
    }

    /** An ISO-8601 instant, or null when absent; a problem naming {@code field} when it is not one. */
    private static Instant instant(String field, String text, List<InvalidParam> problems) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text.trim());
        } catch (java.time.format.DateTimeParseException e) {
            problems.add(new InvalidParam(field, "'" + (text.length() > 40 ? text.substring(0, 40) + "…" : text)
                    + "' is not an ISO-8601 instant such as 2026-12-07T10:00:00Z"));
            return null;
        }
    }
}
