package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.avro.Aggregation;
import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.SliKind;
import com.gds.alerting.avro.WindowType;
import com.gds.alerting.rulescli.rules.ParsedRule;
import com.gds.alerting.rulescli.rules.RuleFileParser;
import com.gds.alerting.rulescli.yaml.Diagnostics;

/**
 * Window, SLO and absence rules map to the Rule record's fields (what they then do is covered by the
 * pack tests, rules/packs/tests/fleet-absence-slo.test.yaml, run by {@link RulePacksTest}).
 */
class OtherKindsMappingTest {

    @TempDir
    Path dir;

    @Test
    void mapsWindowSloAndAbsenceBlocks() {
        Path file = CliRun.write(dir, "kinds.yaml", """
                rules:
                  - id: p99-latency
                    metric: query_latency_ms
                    window: {aggregation: p99, size: 5m, advance: 1m, grace: 30s}
                    severities: {warning: '> 250'}
                  - id: no-data
                    metric: up
                    absence: {severity: high}
                    for: 5m
                """);
        Diagnostics d = new Diagnostics();

        List<ParsedRule> rules = RuleFileParser.parse(file, "kinds.yaml", d);
        List<ParsedRule> slo = RuleFileParser.parse(Path.of(System.getProperty("gds.rules.packs", "../rules/packs"))
                .resolve("fleet-absence-slo.yaml"), "slo.yaml", d);

        assertFalse(d.hasErrors(), d.sorted().toString());
        Rule window = rules.get(0).rule();
        assertEquals(RuleKind.WINDOW, window.getKind());
        assertEquals(Aggregation.P99, window.getWindow().getAggregation());
        assertEquals(WindowType.HOPPING, window.getWindow().getType());
        assertEquals(300_000L, window.getWindow().getSizeMs());
        assertEquals(60_000L, window.getWindow().getAdvanceMs());
        assertEquals(30_000L, window.getWindow().getGraceMs());
        Rule absence = rules.get(1).rule();
        assertEquals(RuleKind.ABSENCE, absence.getKind());
        assertEquals(Severity.HIGH, absence.getAbsence().getSeverity());
        assertEquals(300_000L, absence.getForMs());
        Rule availability = slo.get(2).rule();
        assertEquals(RuleKind.SLO, availability.getKind());
        assertEquals(SliKind.THRESHOLD, availability.getSlo().getSli());
        assertEquals(Comparison.EQ, availability.getSlo().getGoodOp());
        assertEquals(1.0, availability.getSlo().getGoodThreshold());
        assertEquals(0.999, availability.getSlo().getObjective());
        assertEquals(30L * 86_400_000L, availability.getSlo().getPeriodMs());
        assertEquals(3, availability.getSlo().getBurnWindows().size());
        assertEquals(14.4, availability.getSlo().getBurnWindows().get(0).getBurnRate());
        assertEquals(5L, availability.getSlo().getMinEvents());
    }

    @Test
    void mapsInhibitionsAndPointsAtABadTargetMatcher() {
        Path file = CliRun.write(dir, "inhibits.yaml", """
                rules:
                  - id: down
                    metric: up
                    severities: {critical: '< 1'}
                    inhibits:
                      - target_match: ['severity = warning', 'rule_id =~ "pg-.*"']
                        equal: [environment, region]
                      - {}
                  - id: broken
                    metric: up
                    severities: {critical: '< 1'}
                    inhibits:
                      - target_match: ['rule_id =~ "("']
                """);
        Diagnostics d = new Diagnostics();
        List<ParsedRule> rules = RuleFileParser.parse(file, "inhibits.yaml", d);

        Rule down = rules.get(0).rule();
        assertEquals(2, down.getInhibits().size());
        assertEquals(List.of("environment", "region"), down.getInhibits().get(0).getEqual());
        assertEquals("severity", down.getInhibits().get(0).getTargetMatchers().get(0).getLabel());
        assertEquals(com.gds.alerting.avro.MatchOp.RE, down.getInhibits().get(0).getTargetMatchers().get(1).getOp());
        assertEquals(List.of(), down.getInhibits().get(1).getTargetMatchers(), "no target_match: every other alert");

        List<String> problems = com.gds.alerting.topologies.rules.RuleValidator.validate(rules.get(1).rule());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("inhibits[0].target_matchers[0].value: bad regular expression"), problems.get(0));
        assertEquals(13, rules.get(1).paths().get("inhibits[0].target_matchers[0]").line(), "the error points at the matcher");
    }
}
