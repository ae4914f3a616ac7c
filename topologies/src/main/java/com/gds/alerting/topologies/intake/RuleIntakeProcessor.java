package com.gds.alerting.topologies.intake;

import java.util.List;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Record;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.contract.Tenants;
import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.rules.RuleValidator;

/**
 * The gate of the rule table: a rule update on {@code gds.rules} that decodes, is keyed by its
 * {@code rule_id} and validates is forwarded to the accepted-rules topic; anything else becomes a
 * {@link DeadLetter} with every problem listed, and since it never reaches the accepted topic,
 * the previous version of that rule stays in force. A tombstone (null value) passes: it deletes.
 * A record whose writer declares the tenant role ({@code gds.actor.role: tenant}) is refused
 * ({@code LAYER_BOUNDARY}): tenants do not publish pack rules.
 */
public final class RuleIntakeProcessor extends IntakeProcessor {

    private final Deserializer<Rule> deserializer;

    public RuleIntakeProcessor(String name, Deserializer<Rule> deserializer, AlertingCounters counters) {
        super(name, "rule", counters, Counter.RULES_DEAD_LETTERED);
        this.deserializer = deserializer;
    }

    @Override
    Record<Object, Object> accept(Record<byte[], byte[]> record, String topic) {
        String key = key(record);
        if (key == null) {
            throw new Decoding.Refusal("MISSING_KEY", "rule records are keyed by rule_id; this one has no key");
        }
        Tenants.Actor actor = Tenants.Actor.of(record.headers());
        if (!SettingsIntakeProcessor.mayPublishRules(actor.role())) {
            throw new Decoding.Refusal(SettingsIntakeProcessor.LAYER_BOUNDARY, "a tenant cannot publish or delete pack rules (rule '"
                    + key + "', tenant '" + actor.tenant() + "', writer '" + actor.who() + "'); tenants change thresholds in their settings");
        }
        if (record.value() == null) {
            return record.withKey((Object) key).withValue(null);
        }
        Rule rule = Decoding.decode(deserializer, topic, record.headers(), record.value(), "a Rule");
        if (!key.equals(rule.getRuleId())) {
            throw new Decoding.Refusal("KEY_MISMATCH", "record key '" + key + "' is not the rule's rule_id '"
                    + rule.getRuleId() + "'");
        }
        List<String> problems = RuleValidator.validate(rule);
        if (!problems.isEmpty()) {
            throw new Decoding.Refusal("INVALID_RULE", "rule '" + key + "' is invalid, the previous version stays in force: "
                    + String.join("; ", problems));
        }
        return record.withKey((Object) key).withValue((Object) rule);
    }
}
