package com.gds.alerting.topologies.intake;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Record;

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
public final class CommandIntakeProcessor extends IntakeProcessor {

    private final Deserializer<AlertCommand> deserializer;

    public CommandIntakeProcessor(String name, Deserializer<AlertCommand> deserializer, AlertingCounters counters) {
        super(name, "command", counters, Counter.COMMANDS_DEAD_LETTERED);
        this.deserializer = deserializer;
    }

    @Override
    Record<Object, Object> accept(Record<byte[], byte[]> record, String topic) {
        requireValue(record, "a command record without a value says nothing");
        AlertCommand command = Decoding.decode(deserializer, topic, record.headers(), record.value(), "an AlertCommand");
        String key = key(record);
        if (!command.getAlertKey().equals(key)) {
            throw new Decoding.Refusal("KEY_MISMATCH", "record key '" + key + "' is not the command's alert_key '"
                    + command.getAlertKey() + "'");
        }
        AlertKeys.Parts parts = AlertKeys.parse(key);
        if (parts == null) {
            throw new Decoding.Refusal("BAD_ALERT_KEY", "'" + key
                    + "' is not an alert key <rule_id>:<instance_id>:<metric_name>[{tag=value,...}]");
        }
        return record.withKey((Object) parts.instanceId()).withValue((Object) command);
    }
}
