package com.gds.alerting.service.api;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.service.auth.Rights;
import com.gds.alerting.service.query.NotFoundException;
import com.gds.alerting.service.query.StateMigratingException;
import com.gds.alerting.topologies.AlertingTopology;

/**
 * {@code /api/v1/rules}: the rules as the topology holds them (the accepted versions). The rule
 * table is global, so every instance answers from its own copy. Rules are rendered as Avro's JSON
 * of the record, field names as on the wire.
 */
@Controller("/api/v1/rules")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured(Rights.READ)
public class RulesController {

    private final KafkaStreams streams;

    public RulesController(KafkaStreams streams) {
        this.streams = streams;
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> list() {
        List<String> rules = new ArrayList<>();
        try (KeyValueIterator<String, Rule> it = store().all()) {
            it.forEachRemaining(kv -> rules.add(kv.value.toString()));
        } catch (InvalidStateStoreException e) {
            throw new StateMigratingException("the rule table is loading: " + e.getMessage(), e);
        }
        return HttpResponse.ok("[" + String.join(",", rules) + "]");
    }

    @Get(value = "/{ruleId}", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> get(@PathVariable String ruleId) {
        Rule rule;
        try {
            rule = store().get(ruleId);
        } catch (InvalidStateStoreException e) {
            throw new StateMigratingException("the rule table is loading: " + e.getMessage(), e);
        }
        if (rule == null) {
            throw new NotFoundException("no rule has id '" + ruleId + "'");
        }
        return HttpResponse.ok(rule.toString());
    }

    private ReadOnlyKeyValueStore<String, Rule> store() {
        return streams.store(StoreQueryParameters.fromNameAndType(AlertingTopology.Names.RULES_STORE,
                QueryableStoreTypes.keyValueStore()));
    }
}
