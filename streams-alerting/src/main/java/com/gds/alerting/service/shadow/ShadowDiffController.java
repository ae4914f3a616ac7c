package com.gds.alerting.service.shadow;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.service.auth.Rights;
import com.gds.alerting.service.query.BadRequestException;
import com.gds.alerting.service.query.NotFoundException;
import com.gds.alerting.service.query.StateMigratingException;
import com.gds.alerting.service.streams.KafkaClientProperties;
import com.gds.alerting.topologies.AlertingTopology;
import com.gds.alerting.topologies.shadow.ShadowDiff;

/**
 * {@code GET /api/v1/rules/{id}/shadow-diff?from=&to=&live=}: compares a shadow rule's transitions
 * (on the shadow topic) with those of the live rule it shadows (on the events topic) over a time
 * range, per series ({@link ShadowDiff}). {@code id} is the shadow rule, or a live rule that exactly
 * one shadow rule shadows. The live rule is the shadow's {@code shadow_of}, or {@code live} when given
 * (a shadow of a new rule, or a shadow already deleted after its promotion). Default range: the last
 * 24 hours. Both topics are read whole over the range, so any instance answers alike.
 */
@Controller("/api/v1/rules")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured(Rights.READ)
public class ShadowDiffController {

    static final Duration DEFAULT_RANGE = Duration.ofHours(24);

    private final KafkaStreams streams;
    private final TransitionRangeReader reader;
    private final GdsTopics topics;
    private final long maxTransitions;
    private final Clock clock;

    public ShadowDiffController(KafkaStreams streams, TransitionRangeReader reader, KafkaClientProperties clients,
                                @Value("${gds.shadow-diff.max-transitions:500000}") long maxTransitions) {
        this.streams = streams;
        this.reader = reader;
        this.topics = clients.topics();
        this.maxTransitions = maxTransitions;
        this.clock = Clock.systemUTC();
    }

    @Get("/{ruleId}/shadow-diff")
    public ShadowDiffView diff(@PathVariable String ruleId, @Nullable @QueryValue String from, @Nullable @QueryValue String to,
                               @Nullable @QueryValue String live) {
        Instant end = to == null ? clock.instant() : instant("to", to);
        Instant start = from == null ? end.minus(DEFAULT_RANGE) : instant("from", from);
        if (!start.isBefore(end)) {
            throw new BadRequestException("from", "'" + start + "' is not before to '" + end + "'");
        }
        String shadowId = shadowRuleId(ruleId);
        Rule shadow = rules().get(shadowId);
        String liveId = live != null && !live.isBlank() ? live.trim() : shadow == null ? null : shadow.getShadowOf();
        if (shadow == null && liveId == null) {
            throw new NotFoundException("no rule has id '" + shadowId + "'; to compare the transitions of a deleted shadow rule,"
                    + " name its live rule with ?live=");
        }
        if (shadow != null && !shadow.getShadow()) {
            throw new BadRequestException("id", "rule '" + shadowId + "' is a live rule and no shadow rule shadows it");
        }
        if (liveId == null) {
            throw new BadRequestException("live", "shadow rule '" + shadowId + "' has no shadow_of: name the live rule to compare"
                    + " it with (?live=<rule id>)");
        }
        TransitionRangeReader.Read shadowRead;
        TransitionRangeReader.Read liveRead;
        try {
            shadowRead = reader.read(topics.shadowEvents(), shadowId, start, end, maxTransitions);
            liveRead = reader.read(topics.events(), liveId, start, end, maxTransitions);
        } catch (IllegalStateException e) {
            throw new NotFoundException(e.getMessage() + " (docs/contracts.md lists the topics to create)");
        }
        ShadowDiff.Report report = ShadowDiff.compare(shadowId, shadowRead.events(), liveId, liveRead.events());
        return ShadowDiffView.of(shadowId, liveId, start, end, report, shadowRead, liveRead);
    }

    /** {@code id} itself, unless it is a live rule with exactly one shadow: then that shadow. */
    private String shadowRuleId(String id) {
        Rule rule = rules().get(id);
        if (rule == null || rule.getShadow()) {
            return id;
        }
        List<String> shadows = new ArrayList<>();
        try (KeyValueIterator<String, Rule> it = rules().all()) {
            it.forEachRemaining(kv -> {
                if (kv.value.getShadow() && id.equals(kv.value.getShadowOf())) {
                    shadows.add(kv.key);
                }
            });
        } catch (InvalidStateStoreException e) {
            throw new StateMigratingException("the rule table is loading: " + e.getMessage(), e);
        }
        if (shadows.size() > 1) {
            throw new BadRequestException("id", "live rule '" + id + "' has several shadows " + shadows
                    + ": ask for one of them by its id");
        }
        return shadows.isEmpty() ? id : shadows.get(0);
    }

    private ReadOnlyKeyValueStore<String, Rule> rules() {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(AlertingTopology.Names.RULES_STORE,
                    QueryableStoreTypes.keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new StateMigratingException("the rule table is loading: " + e.getMessage(), e);
        }
    }

    private static Instant instant(String name, String value) {
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeException e) {
            throw new BadRequestException(name, "'" + value + "' is not an ISO-8601 instant such as 2026-03-02T10:00:00Z");
        }
    }
}
