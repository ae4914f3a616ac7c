package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Selector;

/**
 * Shadow rules in the CLI: {@code shadow} / {@code shadow_of} in rule files, a warning (file, line
 * and field) when {@code shadow_of} names no rule of the files, and which rules a {@code publish}
 * and a {@code publish --shadow} manage ({@link ShadowScope}).
 */
class ShadowRulesCliTest {

    @TempDir
    Path dir;

    @Test
    void validateWarnsWithFileLineAndFieldWhenShadowOfNamesNoRuleOfTheFiles() {
        Path file = CliRun.write(dir, "rules.yaml", """
                rules:
                  - id: lag
                    metric: replication_lag_seconds
                    severities: {critical: '> 30'}
                  - id: lag-candidate
                    metric: replication_lag_seconds
                    severities: {critical: '> 40'}
                    shadow: true
                    shadow_of: lagg
                """);
        CliRun run = CliRun.of("validate", file.toString());
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("rules.yaml:9:16: warning: rule 'lag-candidate': shadow_of 'lagg' names no rule in these"
                + " files") && run.out().contains("did you mean 'lag'?"), run.toString());
    }

    @Test
    void validateRefusesShadowOfOnALiveRule() {
        Path file = CliRun.write(dir, "rules.yaml", """
                rules:
                  - id: lag-candidate
                    metric: replication_lag_seconds
                    severities: {critical: '> 40'}
                    shadow_of: lag
                """);
        CliRun run = CliRun.of("validate", file.toString());
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("rules.yaml:5:16: error: rule 'lag-candidate': shadow_of: 'lag' is set on a live rule"),
                run.toString());
    }

    private static Rule rule(String id, boolean shadow, String shadowOf) {
        return Rule.newBuilder().setRuleId(id).setKind(RuleKind.THRESHOLD).setSelector(new Selector("m", List.of()))
                .setShadow(shadow).setShadowOf(shadowOf).build();
    }

    private static Map<String, Rule> topic(Rule... rules) {
        Map<String, Rule> out = new LinkedHashMap<>();
        for (Rule r : rules) {
            out.put(r.getRuleId(), r);
        }
        return out;
    }

    @Test
    void publishShadowTurnsEachRuleIntoTheShadowOfTheRuleItWouldReplaceAndLeavesLiveRulesAlone() {
        Map<String, Rule> onTopic = topic(rule("lag", false, null), rule("cpu", false, null), rule("old.shadow", true, "cpu"));
        ShadowScope scope = ShadowScope.shadows(onTopic, List.of(rule("lag", false, null), rule("disk", false, null)));
        assertEquals(List.of("old.shadow"), List.copyOf(scope.current().keySet()), "only shadows are compared (and removed)");
        Rule lag = scope.desired().get(0);
        assertEquals("lag.shadow", lag.getRuleId());
        assertTrue(lag.getShadow());
        assertEquals("lag", lag.getShadowOf());
        assertEquals(1, scope.warnings().size(), scope.warnings().toString());
        assertTrue(scope.warnings().get(0).contains("'disk' is no live rule on the topic"), scope.warnings().toString());
    }

    @Test
    void aPlainPublishKeepsShadowExperimentsUnlessAskedToDropTheShadowsOfItsRules() {
        Map<String, Rule> onTopic = topic(rule("lag", false, null), rule("lag.shadow", true, "lag"), rule("cpu.shadow", true, "cpu"));
        List<Rule> files = List.of(rule("lag", false, null));
        assertEquals(List.of("lag"), List.copyOf(ShadowScope.live(onTopic, files, false).current().keySet()));
        ShadowScope promote = ShadowScope.live(onTopic, files, true);
        assertEquals(List.of("lag", "lag.shadow"), List.copyOf(promote.current().keySet()),
                "the promoted rule's shadow is in scope, so it is deleted; another experiment is not");
        assertFalse(promote.current().containsKey("cpu.shadow"));
    }
}
