package com.gds.alerting.topologies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** Names are the topology's contract with its own state: nothing may be generated. */
class TopologyNamingTest {

    @Test
    void everyNodeStoreAndInternalTopicIsNamedExplicitly() {
        String description = AlertingTopology.build(AlertingTopologyConfig.defaults(Map.of("schema.registry.url", "mem://naming")))
                .topology().describe().toString();
        assertFalse(description.matches("(?s).*(KSTREAM|KTABLE)-[A-Z]+-\\d{10}.*"), description);
        for (String name : new String[] {AlertingTopology.Names.ALERT_STATE_STORE, AlertingTopology.Names.ALERT_OPEN_STORE,
                AlertingTopology.Names.ALERT_TIMERS_STORE, AlertingTopology.Names.RULES_STORE,
                AlertingTopology.Names.COMMANDS_REPARTITION + "-repartition", AlertingTopology.Names.ALERT_LIFECYCLE,
                AlertingTopology.Names.WINDOW_PANES_STORE, AlertingTopology.Names.WINDOW_PROGRESS_STORE,
                AlertingTopology.Names.SLO_STORE, AlertingTopology.Names.ABSENCE_STORE}) {
            assertTrue(description.contains(name), name + " missing from\n" + description);
        }
    }

    @Test
    void theRequiredStreamsConfigIsExactlyOnceWithExplicitNaming() {
        Map<String, Object> config = AlertingTopology.requiredStreamsConfig();
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, config.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals(true, config.get(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG));
    }
}
