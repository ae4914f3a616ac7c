package com.gds.alerting.topologies.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.topologies.TestRules;

/** {@code shadow_of} on one record: only on a shadow rule, a rule id, never itself. */
class ShadowRuleValidationTest {

    private static Rule.Builder rule() {
        return TestRules.threshold("lag.shadow", "replication_lag_seconds", List.of(TestRules.above(Severity.WARNING, 30)));
    }

    @Test
    void aShadowOfAnotherRuleIsValid() {
        assertEquals(List.of(), RuleValidator.validate(rule().setShadow(true).setShadowOf("lag").build()));
        assertEquals(List.of(), RuleValidator.validate(rule().setShadow(true).build()), "a shadow of a brand-new rule");
    }

    @Test
    void shadowOfOnALiveRuleIsRefused() {
        List<String> problems = RuleValidator.validate(rule().setShadowOf("lag").build());
        assertTrue(problems.size() == 1 && problems.get(0).startsWith("shadow_of: 'lag' is set on a live rule"), problems.toString());
    }

    @Test
    void aRuleCannotShadowItselfOrSomethingThatIsNoRuleId() {
        List<String> self = RuleValidator.validate(rule().setShadow(true).setShadowOf("lag.shadow").build());
        assertTrue(self.size() == 1 && self.get(0).contains("cannot be the shadow of itself"), self.toString());
        List<String> bad = RuleValidator.validate(rule().setShadow(true).setShadowOf("a:b").build());
        assertTrue(bad.size() == 1 && bad.get(0).contains("is not a rule id"), bad.toString());
    }
}
