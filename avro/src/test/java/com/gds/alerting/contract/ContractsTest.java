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
                topics.rulesAccepted(), topics.commandResults(), topics.dlqCommands(), topics.shadowEvents(),
                topics.ruleSettings(), topics.ruleSettingsAccepted())) {
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
    void ruleSettingsTopicsAreNamedAfterTheRulesTopicUnlessNamed() {
        assertEquals("gds.rule-settings", topics.ruleSettings());
        assertEquals("gds.rule-settings.accepted", topics.ruleSettingsAccepted());
        GdsTopics teamA = GdsTopics.fromConfig(Map.of("gds.topics.rules", "team-a.rules"));
        assertEquals("team-a.rule-settings", teamA.ruleSettings());
        assertEquals("team-a.rule-settings.accepted", teamA.ruleSettingsAccepted());
        GdsTopics named = GdsTopics.fromConfig(Map.of("gds.topics.rule-settings", "s", "gds.topics.rule-settings-accepted", "s.ok"));
        assertEquals("s", named.ruleSettings());
        assertEquals("s.ok", named.ruleSettingsAccepted());
    }

    @Test
    void tenantOfTagsDefaultsToDefault() {
        assertEquals("default", Tenants.of(Map.of()));
        assertEquals("default", Tenants.of(Map.of("tenant", "")));
        assertEquals("acme", Tenants.of(Map.of("tenant", "acme")));
        assertEquals(null, Tenants.problem("acme-01"));
        assertTrue(Tenants.problem("Acme").contains("a-z"), "upper case refused");
    }

    @Test
    void shadowEventsHaveTheirOwnTopicNeverTheEventsTopic() {
        assertEquals("gds.alerts.shadow", topics.shadowEvents());
        assertEquals("team-a.shadow", GdsTopics.fromConfig(Map.of("gds.topics.events", "team-a.events")).shadowEvents(),
                "named after a configured events topic, so two deployments never share one");
        assertEquals("x.shadow", GdsTopics.fromConfig(Map.of("gds.topics.events", "x.events",
                "gds.topics.shadow-events", "x.shadow")).shadowEvents());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GdsTopics.fromConfig(Map.of("gds.topics.shadow-events", "gds.alerts.events")));
        assertTrue(e.getMessage().contains("dispatcher"), e.getMessage());
    }

    @Test
    void aTopicNamePartWithADotIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> topics.metricsTopic("postgresql", "prod.eu"));
        assertTrue(e.getMessage().contains("'prod.eu'"), e.getMessage());
    }

    @Test
    void messageIdIsAPureFunctionOfKeyIncidentStartTransitionAndReminder() {
        String key = AlertKeys.of("r", "i", "m");
        assertEquals("r:i:m", key);
        long start = 1_700_000_000_000L;
        String id = MessageIds.of(key, 1, start, "FIRED", 0);
        assertEquals(id, MessageIds.of(key, 1, start, "FIRED", 0), "same transition, same id");
        assertNotEquals(id, MessageIds.of(key, 2, start, "FIRED", 0), "next incident");
        assertNotEquals(id, MessageIds.of(key, 1, start + 1, "FIRED", 0),
                "incident 1 again after a state reset, opened by another sample");
        assertNotEquals(id, MessageIds.of(key, 1, start, "RESOLVED", 0), "another transition");
        assertNotEquals(MessageIds.of(key, 1, start, "REMINDER", 1), MessageIds.of(key, 1, start, "REMINDER", 2), "each reminder");
        assertNotEquals(id, MessageIds.of("r:i:m2", 1, start, "FIRED", 0), "another key");
        // Pinned (computed independently as an MD5 name-based UUID of
        // "gds-alert/v2\0r:i:m\01\01700000000000\0FIRED\00"): a change of the function would
        // re-send every open alert's notifications after an upgrade.
        assertEquals("7bac1809-d890-3549-8191-435b1f9c552e", id);
    }
}
