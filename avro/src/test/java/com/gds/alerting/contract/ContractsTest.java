package com.gds.alerting.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ContractsTest {

    private final GdsTopics topics = GdsTopics.defaults();

    @Test
    void metricsPatternMatchesMetricTopicsAndNoOtherProductTopic() {
        assertEquals("gds.metrics.postgresql.prod", topics.metricsTopic("postgresql", "prod"));
        assertTrue(topics.metricsPattern().matcher("gds.metrics.mssql.staging").matches());
        for (String other : List.of(topics.rules(), topics.silences(), topics.commands(), topics.events(),
                topics.dlqMetrics(), topics.dlqNotifications(), topics.dlqRules(),
                topics.rulesAccepted(), topics.commandResults(), topics.dlqCommands())) {
            assertFalse(topics.metricsPattern().matcher(other).matches(), other);
        }
    }

    @Test
    void topicNamesComeFromConfigurationAndCannotCollideWithThePattern() {
        GdsTopics custom = GdsTopics.fromConfig(Map.of("gds.topics.rules", "team-a.rules"));
        assertEquals("team-a.rules", custom.rules());
        assertEquals("gds.alerts.events", custom.events());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GdsTopics.fromConfig(Map.of("gds.topics.dlq-metrics", "gds.metrics.dlq")));
        assertTrue(e.getMessage().contains("gds.metrics.dlq"), e.getMessage());
    }

    @Test
    void aTopicNamePartWithADotIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> topics.metricsTopic("postgresql", "prod.eu"));
        assertTrue(e.getMessage().contains("'prod.eu'"), e.getMessage());
    }

    @Test
    void messageIdIsAPureFunctionOfKeyIncidentTransitionAndReminder() {
        String key = AlertKeys.of("r", "i", "m");
        assertEquals("r:i:m", key);
        String id = MessageIds.of(key, 1, "FIRED", 0);
        assertEquals(id, MessageIds.of(key, 1, "FIRED", 0), "same transition, same id");
        assertNotEquals(id, MessageIds.of(key, 2, "FIRED", 0), "next incident");
        assertNotEquals(id, MessageIds.of(key, 1, "RESOLVED", 0), "another transition");
        assertNotEquals(MessageIds.of(key, 1, "REMINDER", 1), MessageIds.of(key, 1, "REMINDER", 2), "each reminder");
        assertNotEquals(id, MessageIds.of("r:i:m2", 1, "FIRED", 0), "another key");
        // Pinned (computed independently as an MD5 name-based UUID): a change of the function would
        // re-send every open alert's notifications after an upgrade.
        assertEquals("a2aa33dc-d319-3109-ba5c-ce411bf652c9", id);
    }
}
