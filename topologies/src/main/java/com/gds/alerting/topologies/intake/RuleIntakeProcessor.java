package com.gds.alerting.topologies.intake;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.rules.RuleValidator;

/**
 * The gate of the rule table: a rule update on {@code gds.rules} that decodes, is keyed by its
 * {@code rule_id} and validates is forwarded to the accepted-rules topic; anything else becomes a
 * {@link DeadLetter} with every problem listed, and since it never reaches the accepted topic,
 * the previous version of that rule stays in force. A tombstone (null value) passes: it deletes.
 */
public final class RuleIntakeProcessor implements Processor<byte[], byte[], Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(RuleIntakeProcessor.class);

    private final String name;
    private final Deserializer<Rule> deserializer;
    private final AlertingCounters counters;
    private ProcessorContext<Object, Object> context;

    public RuleIntakeProcessor(String name, Deserializer<Rule> deserializer, AlertingCounters counters) {
        this.name = name;
        this.deserializer = deserializer;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse(null);
        try {
            if (record.key() == null) {
                throw new Decoding.Refusal("MISSING_KEY", "rule records are keyed by rule_id; this one has no key");
            }
            String key = new String(record.key(), StandardCharsets.UTF_8);
            if (record.value() == null) {
                context.forward(record.withKey((Object) key).withValue(null));
                return;
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
            context.forward(record.withKey((Object) key).withValue((Object) rule));
        } catch (Decoding.Refusal refusal) {
            counters.increment(Counter.RULES_DEAD_LETTERED);
            LOG.warn("rule record {} dead-lettered: {} ({})", DeadLetter.coordinates(context), refusal.getMessage(),
                    refusal.reason());
            context.forward(DeadLetter.of(context, name, record, refusal.reason(), refusal.getMessage()));
        }
    }
}
