package com.gds.alerting.rulescli.publish;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.serialization.Deserializer;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.rulescli.kafka.TopicScan;

/**
 * The rules currently on the compacted rules topic: read from the beginning up to the end offsets
 * taken at the start (so a concurrent writer cannot make it read forever), last value per key
 * wins, a tombstone deletes. No consumer group: nothing is committed.
 */
public final class TopicRules {

    private TopicRules() {
    }

    /**
     * Reads {@code topic}; values that do not decode are reported on {@code err} and skipped
     * (publishing overwrites them).
     *
     * @throws IllegalStateException when the topic does not exist
     */
    public static Map<String, Rule> read(String bootstrap, String topic, Map<String, Object> serdeConfig, Duration timeout,
                                        PrintWriter err) {
        Deserializer<Rule> values = AvroSerdes.valueSerde(Rule.class, serdeConfig).deserializer();
        Map<String, Rule> rules = new HashMap<>();
        boolean exists = TopicScan.scan(bootstrap, topic, timeout, r -> {
            String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
                rules.remove(key);
                return;
            }
            try {
                rules.put(key, values.deserialize(topic, r.value()));
            } catch (RuntimeException e) {
                err.println("warning: " + topic + "-" + r.partition() + "@" + r.offset() + " (key " + key
                        + ") does not decode as a Rule (" + e.getMessage() + "); it is treated as absent");
                rules.remove(key);
            }
        });
        if (!exists) {
            throw new IllegalStateException("topic '" + topic + "' does not exist on " + bootstrap
                    + "; create it (cleanup.policy=compact) or pass --topic");
        }
        return rules;
    }
}
