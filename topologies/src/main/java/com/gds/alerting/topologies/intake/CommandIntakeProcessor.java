package com.gds.alerting.topologies.intake;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.AlertCommand;
import com.gds.alerting.contract.AlertKeys;
import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingCounters.Counter;

/**
 * Decodes operator commands and re-keys them by the instance id inside their alert key, so that
 * they reach the task that holds that instance's alert state (metrics are keyed by instance id).
 * Undecodable commands, and commands whose key is not a well-formed alert key equal to their
 * {@code alert_key}, become {@link DeadLetter}s.
 */
public final class CommandIntakeProcessor implements Processor<byte[], byte[], Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(CommandIntakeProcessor.class);

    private final String name;
    private final Deserializer<AlertCommand> deserializer;
    private final AlertingCounters counters;
    private ProcessorContext<Object, Object> context;

    public CommandIntakeProcessor(String name, Deserializer<AlertCommand> deserializer, AlertingCounters counters) {
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
            if (record.value() == null) {
                throw new Decoding.Refusal("NULL_VALUE", "a command record without a value says nothing");
            }
            AlertCommand command = Decoding.decode(deserializer, topic, record.headers(), record.value(), "an AlertCommand");
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            if (!command.getAlertKey().equals(key)) {
                throw new Decoding.Refusal("KEY_MISMATCH", "record key '" + key + "' is not the command's alert_key '"
                        + command.getAlertKey() + "'");
            }
            AlertKeys.Parts parts = AlertKeys.parse(key);
            if (parts == null) {
                throw new Decoding.Refusal("BAD_ALERT_KEY", "'" + key + "' is not an alert key <rule_id>:<instance_id>:<metric_name>");
            }
            context.forward(record.withKey((Object) parts.instanceId()).withValue((Object) command));
        } catch (Decoding.Refusal refusal) {
            counters.increment(Counter.COMMANDS_DEAD_LETTERED);
            LOG.warn("command record {} dead-lettered: {} ({})", DeadLetter.coordinates(context), refusal.getMessage(),
                    refusal.reason());
            context.forward(DeadLetter.of(context, name, record, refusal.reason(), refusal.getMessage()));
        }
    }
}
