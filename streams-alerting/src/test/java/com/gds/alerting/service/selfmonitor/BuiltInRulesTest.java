package com.gds.alerting.service.selfmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.topologies.rules.RuleValidator;

/** The built-in rules are valid rules, on the self-monitor's metrics, with the configured thresholds. */
class BuiltInRulesTest {

    @Test
    void theBuiltInRulesValidateAndCarryTheConfiguredThresholds() {
        SelfMonitorSettings s = new SelfMonitorSettings();
        s.setLagThreshold(500);
        s.setLagFor(Duration.ofMinutes(2));
        s.setDlqThreshold(3);
        s.setIdleAfter(Duration.ofMinutes(7));
        s.setRoutingKey("gds-oncall");
        Map<String, Rule> rules = BuiltInRules.rules(s).stream()
                .collect(Collectors.toMap(r -> r.getRuleId(), Function.identity()));
        assertEquals(3, rules.size());
        for (Rule rule : rules.values()) {
            assertEquals(List.of(), RuleValidator.validate(rule), rule.getRuleId());
            assertTrue(BuiltInRules.managed(rule), "labelled as the service's own");
            assertEquals("gds-oncall", rule.getRoutingKey());
            assertEquals(SelfFigures.DATABASE_TYPE, rule.getSelector().getMatchers().get(0).getValue());
        }
        Rule lag = rules.get(BuiltInRules.LAG);
        assertEquals(SelfFigures.CONSUMER_LAG, lag.getSelector().getMetricName());
        assertEquals(500.0, lag.getConditions().get(0).getThreshold());
        assertEquals(Duration.ofMinutes(2).toMillis(), lag.getForMs());
        assertEquals(3.0, rules.get(BuiltInRules.DEAD_LETTERS).getConditions().get(0).getThreshold());
        assertEquals(SelfFigures.DLQ_ADDED, rules.get(BuiltInRules.DEAD_LETTERS).getSelector().getMetricName());
        assertEquals(420.0, rules.get(BuiltInRules.IDLE_TOPIC).getConditions().get(0).getThreshold());
        assertEquals(SelfFigures.TOPIC_IDLE, rules.get(BuiltInRules.IDLE_TOPIC).getSelector().getMetricName());
    }

    @Test
    void aChangedThresholdMakesADifferentRuleSoTheServicePublishesIt() {
        SelfMonitorSettings before = new SelfMonitorSettings();
        SelfMonitorSettings after = new SelfMonitorSettings();
        after.setLagThreshold(before.getLagThreshold() * 2);
        assertTrue(!BuiltInRules.rules(before).get(0).equals(BuiltInRules.rules(after).get(0)));
        assertEquals(BuiltInRules.rules(before), BuiltInRules.rules(new SelfMonitorSettings()), "same settings, same rules");
    }
}
