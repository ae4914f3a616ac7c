package com.gds.alerting.collectors.config;

import java.util.List;
import java.util.Map;

import com.gds.alerting.contract.GdsTopics;

/**
 * The whole of {@code collectors.yaml}, validated: everything the agent needs to start.
 *
 * @param producer Kafka producer properties, passed through (secrets already resolved)
 * @param serde    schema-registry / serde properties, passed through
 * @param topics   topic names
 * @param agent    the agent's own settings
 * @param targets  the databases, each {@code instance_id} unique
 */
public record CollectorsConfig(Map<String, Object> producer, Map<String, Object> serde, GdsTopics topics,
                               AgentSettings agent, List<TargetConfig> targets) {

    public CollectorsConfig {
        producer = Map.copyOf(producer);
        serde = Map.copyOf(serde);
        targets = List.copyOf(targets);
    }

    /** Client settings never show in {@code toString()}: some of them are secrets. */
    @Override
    public String toString() {
        return "CollectorsConfig[" + targets.size() + " targets, producer keys " + producer.keySet() + ", agent " + agent + "]";
    }
}
